"""Shared fixtures: the real content, and copies of it that tests may break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from explorer import load_content
from explorer.model import Content

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
HOSTILE = "<script>alert('pwned')</script><b>bold</b> `${7*7}` \\u0041 {{x}}"


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(DATA)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may edit."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def toml_string(value: str) -> str:
    """A TOML basic string holding ``value`` exactly."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture
def hostile_data(data_copy: Path) -> Path:
    """Content whose text fields try to inject markup and script everywhere they appear."""
    places = data_copy / "places.toml"
    replace_in(places, 'name.en = "Moeraske nature reserve"', f"name.en = {toml_string('Moeraske ' + HOSTILE)}")
    replace_in(places, 'description.en = "A marshy reserve', f"description.en = {toml_string(HOSTILE)}\n#")
    replace_in(data_copy / "scenes.toml", 'title.en = "A micro-forest in the hand"',
               f"title.en = {toml_string('Micro ' + HOSTILE)}")
    replace_in(data_copy / "moss.toml", 'title.en = "An invisible green world"',
               f"title.en = {toml_string('Invisible ' + HOSTILE)}")
    return data_copy

"""README's examples do what README says: each link into the explorer opens a view with something in it."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlparse

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, component_html

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Links into the explorer", 1)[1].split("\n## ", 1)[0]
EXAMPLES = re.findall(r"^- `(/[^`]*)`", SECTION, flags=re.MULTILINE)


def test_readme_gives_links_to_try():
    assert len(EXAMPLES) >= 5, EXAMPLES


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_readme_link_shows_what_it_says(example):
    address = urlparse(example)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in parse_qsl(address.query):
        at.query_params[key] = value
    at.run()
    page = address.path.strip("/")
    if page:
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception and not at.error
    # no "unknown id" or "nothing matches" note: every id in the link exists and the filters leave something
    assert [i.value for i in at.info] == [] and [w.value for w in at.warning] == []
    html = "\n".join([h.proto.body for h in at.get("html")] + component_html(at))
    for key, value in parse_qsl(address.query):
        if key == "place":
            assert 'class="hx-place-name"' in html
        if key in ("scene", "theme", "who", "time"):
            assert 'class="hx-scene' in html
        if key == "scene":
            assert f'id="scene-{value}"' in html


# Every command of the README runs the project's own environment: a bare ``python`` is the system's, without the
# explorer's packages (issue 24). Code spans and code blocks are what a reader copies.
CODE = re.findall(r"```[a-z]*\n(.*?)```|`([^`\n]+)`", README, flags=re.DOTALL)
COMMANDS = [line.strip() for block, span in CODE for line in (block or span).splitlines() if line.strip()]


def test_readme_runs_python_only_from_the_projects_venv():
    bare = [c for c in COMMANDS if re.search(r"(^|[\s;&|(])python3?\s+(\S+\.py|-m\s)", c)]
    assert bare == []


def test_readme_names_only_commands_the_explorer_has():
    from explorer.__main__ import main

    named = sorted(set(re.findall(r"\.venv/bin/here-explorer (\w+)", README)))
    assert "check" in named and "export" in named
    for command in named:
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0, command


def test_readme_test_command_is_what_ci_runs():
    two_commands = README.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    assert "bash scripts/start.sh" in two_commands and "bash scripts/test.sh" in two_commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^bash scripts/test\.sh\s*$", ci, flags=re.MULTILINE)


def test_readme_names_only_files_that_exist():
    path = r"(?<![\w./-])((?:deploy|scripts|bench|src|tests|pages|assets|\.ci)/[\w./@-]*\w)"
    named = {found for command in COMMANDS for found in re.findall(path, command)}
    linked = set(re.findall(r"\]\(([^)#:\s]+)\)|src=\"([^\"#:]+)\"", README))  # images and links to the repository's files
    named |= {target for pair in linked for target in pair if target}
    assert "deploy/nginx.conf" in named and "assets/screenshot-phone.png" in named and "TRANSLATING.md" in named
    assert sorted(path for path in named if not (ROOT / path).exists()) == []

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

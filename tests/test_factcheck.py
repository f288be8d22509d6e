"""What no source gives is not shown as fact: a scene's time of day can be marked as our reading."""

from __future__ import annotations

from conftest import DATA, replace_in
from explorer import load_content as load
from explorer.fragments import scene_html
from explorer.loader import check
from explorer.model import SCENE_READINGS


def test_a_time_of_day_marked_as_our_reading_says_so_on_the_scene_card():
    content = load(DATA)
    ours = [s for s in content.scenes if s.is_reading("time_of_day")]
    sourced = [s for s in content.scenes if not s.is_reading("time_of_day")]
    assert ours and sourced, "the content marks some times of day as our reading and leaves others to their sources"
    for scene in ours:
        assert "(our reading)" in scene_html(scene, content, "en")
    for scene in sourced:
        assert "(our reading)" not in scene_html(scene, content, "en")


def test_reading_accepts_only_the_fields_that_may_be_our_reading(data_copy):
    assert "time_of_day" in SCENE_READINGS
    replace_in(data_copy / "scenes.toml", '\nreading = ["time_of_day"]', '\nreading = ["place"]')
    found = [str(p) for p in check(data_copy)]
    assert any("reading: must only hold time_of_day" in m and "(got 'place')" in m for m in found), found


def test_a_scene_without_reading_takes_its_time_of_day_from_its_sources(data_copy):
    text = (data_copy / "scenes.toml").read_text(encoding="utf-8")
    (data_copy / "scenes.toml").write_text(text.replace('\nreading = ["time_of_day"]\n', "\n"), encoding="utf-8")
    content = load(data_copy)
    assert not any(s.reading for s in content.scenes)
    assert all("(our reading)" not in scene_html(s, content, "en") for s in content.scenes)

"""AppTest for the classroom, walk and make pages, and spoiler-safe mode on every page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, component_html, link_items, trigger
from conftest import run_page as run

APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def plain_settings(monkeypatch):
    for name in ("EXPLORER_DATA_DIR", "EXPLORER_KIOSK", "EXPLORER_SETTINGS", "EXPLORER_TILES"):
        monkeypatch.delenv(name, raising=False)


def page_text(at: AppTest) -> str:
    parts = [h.proto.body for h in at.get("html")] + component_html(at)
    parts += [e.value for kind in ("markdown", "caption", "info", "warning") for e in at.get(kind)]
    return "\n".join(parts)


def test_classroom_shows_questions_for_the_age_band_from_the_url(content):
    at = run("pages/classroom.py", age="10-13")
    text = page_text(at)
    for question in content.questions:
        shown = " ".join(question.text.get().split()).replace("'", "&#x27;")
        assert (shown in text) == ("10-13" in question.ages), question.id
    for term in content.terms:
        assert term.name.get() in text
    assert "A story without a conflict" not in text  # an activity for older pupils


def test_classroom_age_band_can_be_changed_and_lands_in_the_url():
    at = run("pages/classroom.py")
    at.button_group(key="age").set_value("adults").run()
    assert at.query_params["age"] in ("adults", ["adults"])
    assert "A story without a conflict" in page_text(at)


def test_classroom_unknown_age_band_gets_a_note():
    at = run("pages/classroom.py", age="toddlers")
    assert "“toddlers”" in at.info[0].value


def test_classroom_offers_the_handout():
    def handout_buttons(at):  # the teacher's pack has a download of its own
        return [b for b in at.get("download_button") if b.key == "handout-download"]

    at = run("pages/classroom.py")
    assert len(handout_buttons(at)) == 1  # the plan's handout
    at.radio(key="handout-mode").set_value("scenes").run()
    assert len(handout_buttons(at)) == 1
    at.multiselect(key="handout-scenes").set_value([]).run()
    assert not handout_buttons(at) and "at least one scene" in page_text(at)


def test_walk_page_lists_every_leg_of_its_route_and_offers_the_gpx(content):
    at = run("pages/walk.py")
    (table,) = [h.proto.body for h in at.get("html") if 'class="hx-legs"' in h.proto.body]
    legs = len(content.walks[0].stops) - 1  # the first route: the page's default
    assert table.count("<tr>") == legs + 1  # a heading row, then one row per leg
    for column in ("Leg", "From", "To", "km", "Minutes on foot", "Destination is"):  # every column, at every width
        assert f'<th scope="col">{column}</th>' in table and table.count(f'data-label="{column}"') == legs
    assert at.warning and len(at.get("download_button")) == 1


def test_make_page_draws_a_postcard_only_when_its_own_inputs_change(monkeypatch, data_copy):
    import explorer.postcard

    # content of its own (a copy of data/): no card drawn by an earlier test in this process is kept for it
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(data_copy))

    drawn = []
    real = explorer.postcard.postcard_png
    monkeypatch.setattr(
        explorer.postcard, "postcard_png", lambda content, place, *a: drawn.append(place.id) or real(content, place, *a)
    )
    at = run("pages/make.py")
    assert len(at.get("image")) == 1
    assert len(at.get("download_button")) == 1
    first = list(drawn)
    at.run()  # another run of the page (a move of the lens, in the other tab, is a fragment of its own)
    assert drawn == first
    at.selectbox(key="card-place").set_value("garage").run()
    assert not at.exception and len(at.get("image")) == 1 and drawn[-1] == "garage"
    count = len(drawn)
    at.selectbox(key="card-place").set_value(first[0]).run()  # back to a card already drawn
    at.selectbox(key="card-place").set_value("garage").run()
    assert len(drawn) == count


def test_the_lens_decodes_an_upload_once_and_forgets_it_when_removed(monkeypatch):
    """held_photo keeps the reduced photo for the visitor's session, by the upload's content."""
    from streamlit.testing.v1 import AppTest

    def script():
        import io

        import streamlit as st
        from PIL import Image

        import explorer.lens
        import explorer_app.photos as photos

        opened = st.session_state.setdefault("opened", [])
        real = explorer.lens.open_photo
        photos.open_photo = lambda data: opened.append(len(data)) or real(data)

        def jpeg(colour):
            buffer = io.BytesIO()
            Image.new("RGB", (800, 600), colour).save(buffer, format="JPEG")
            return buffer.getvalue()

        which = st.session_state.get("which", "green")
        image = photos.held_photo(jpeg(which))
        st.write(f"{image.size} {len(opened)}")
        if st.session_state.get("forget"):
            photos.forget_photo()

    at = AppTest.from_function(script).run()
    assert at.markdown[0].value == "(800, 600) 1"
    at.run()
    at.run()  # slider moves: the same upload
    assert at.markdown[0].value == "(800, 600) 1"
    at.session_state["which"] = "blue"  # another photo: decoded once more
    at.run()
    assert at.markdown[0].value == "(800, 600) 2"
    at.session_state["forget"] = True
    at.run()
    assert "hx-lens-photo" not in at.session_state


SPOILER = {"spoilers": "hide"}


def test_spoiler_safe_map_panel_hides_later_scenes_and_says_so(content):
    at = run(place="moeraske", **SPOILER)
    text = page_text(at)
    assert "A micro-forest in the hand" not in text and "Spoiler-safe" in text
    links = [p.proto.query_string for p in at.get("page_link")]
    links += [i["href"] for key in ("hx-nav", "place-list") for i in link_items(at, key) if i["type"] == "link"]
    assert len(links) > 7 + 10 and all("spoilers=hide" in q for q in links)
    assert next(i for i in link_items(at, "hx-nav") if i["type"] == "switch")["on"] is True


def test_spoiler_safe_timeline(content):
    text = page_text(run("pages/scenes.py", **SPOILER))
    for scene in content.scenes:
        assert (f'id="scene-{scene.id}"' in text) == (scene.id not in content.spoilers())
    assert "Spoiler-safe" in text


def test_spoiler_safe_classroom(content):
    text = page_text(run("pages/classroom.py", age="adults", **SPOILER))
    assert "The film ends lightly" not in text and "Critics call the film gentle" not in text
    assert "Where it shows is hidden in spoiler-safe mode." in text  # e.g. the cut from the hospital to the forest
    assert "Stefan turns everything left" in text or "The soup becomes a gift" in text


def test_spoiler_safe_walk_and_postcard(content):
    from explorer.walk import hidden_places

    hidden = hidden_places(content, content.spoilers())
    assert any(hidden & set(route.stops) for route in content.walks)  # else this test proves nothing
    for route in content.walks:  # a stop whose every scene is hidden is left out of the route's table and list
        at = run("pages/walk.py", route=route.id, **SPOILER)
        stops = "".join(h.proto.body for h in at.get("html") if 'class="hx-legs"' in h.proto.body or "Stops:" in h.proto.body)
        assert route.id in at.query_params["route"] and "Stops:" in stops
        for place_id in hidden & set(route.stops):
            assert content.place(place_id).name.get().replace("'", "&#x27;") not in stops, (route.id, place_id)
    make = run("pages/make.py", **SPOILER)
    options = make.selectbox(key="card-quote").options
    assert not any("micro-forest" in o for o in options) and not any("Sorry I fell asleep" in o for o in options)


def test_spoiler_switch_puts_the_mode_in_the_url():
    at = run()
    trigger(at, "hx-nav", "spoilers", True)
    assert at.query_params["spoilers"] in ("hide", ["hide"])
    trigger(at, "hx-nav", "spoilers", "maybe")  # not a state the switch sends: nothing changes
    assert at.query_params["spoilers"] in ("hide", ["hide"]) and not at.exception
    trigger(at, "hx-nav", "spoilers", False)
    assert "spoilers" not in at.query_params

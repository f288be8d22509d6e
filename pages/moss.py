"""Moss: the director's words, the city mosses to look for, and how to look."""

import streamlit as st

from explorer.fragments import fact_html, md
from explorer.i18n import t
from explorer_app.navigation import map_links, page_header
from explorer_app.page import setup_page
from explorer_app.widgets import caption

page = setup_page("moss")
content, lang, links = page.content, page.language, page.links


def fact_cards(facts, columns: int = 2) -> None:
    """Cards in rows, so a phone (one column) reads them in the same order as a desktop."""
    for start in range(0, len(facts), columns):
        for column, fact in zip(st.columns(columns, gap="medium"), facts[start : start + columns], strict=False):
            with column, st.container(border=True, key=f"fact-{fact.id}"):
                st.html(fact_html(fact, content, lang, links=links))
                map_links(
                    page, f"places-{fact.id}", [place for place_id in fact.places if (place := content.place(place_id)) is not None]
                )


page_header(
    page,
    t("Moss: a forest at your feet", lang),
    # spoiler-safe: not what moss comes to mean for Stefan later in the story
    t(
        "Shuxiu studies moss. While writing the film, Bas Devos read about the smallest plants and began to notice them "
        "everywhere in Brussels. Here is what he said, and how you can look for yourself.",
        lang,
    )
    if page.spoiler_safe
    else t(
        "Shuxiu studies moss; Stefan learns to see it. While writing the film, Bas Devos read about the smallest plants "
        "and began to notice them everywhere in Brussels. Here is what he said, and how you can look for yourself.",
        lang,
    ),
)

# in spoiler-safe mode, no fact that tells a hidden scene
words = page.view.facts("interview", "director")
species = page.view.facts("species")
general = page.view.facts("general")

st.header(t("In the director's words", lang), anchor="words")
fact_cards(words)

st.header(t("City mosses to look for", lang), anchor="look-for")
caption(t("Three common, tough mosses of Brussels walls and pavements. A hand lens helps.", lang))
fact_cards(species, columns=3)

st.header(t("How to look", lang), anchor="how-to-look")
tip_columns = st.columns(len(content.tips) or 1, gap="small")
for column, tip in zip(tip_columns, content.tips, strict=False):
    with column, st.container(border=True, key=f"tip-{tip.id}"):
        st.markdown(f"**{md(tip.title.get(lang))}**")
        st.write(md(tip.text.get(lang)))

st.header(t("More about moss", lang), anchor="more")
fact_cards(general)

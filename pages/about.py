"""About: the film and its credits, the provenance of every place, and every source we use."""

import streamlit as st

from explorer.fragments import (
    awards_html,
    cast_html,
    crew_html,
    film_facts_html,
    md,
    provenance_card_html,
    quote_html,
    sources_html,
)
from explorer.i18n import t
from explorer.model import PROVENANCES
from explorer.typography import typeset
from explorer_app.navigation import map_links, page_header
from explorer_app.page import setup_page
from explorer_app.widgets import caption

page = setup_page("about")
content, lang = page.content, page.language
film = content.film

page_header(
    page,
    t("About the film and this explorer", lang),
    t("{title} ({year}), written and directed by {director}.", lang, title=film.title, year=film.year, director=film.director),
)

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(t("The film", lang), anchor=False)
    st.write(md(typeset(film.synopsis.get(lang), lang)))
    st.html(film_facts_html(film, lang))
    st.write(md(typeset(film.dedication.get(lang), lang)))
    st.subheader(t("Awards", lang), anchor=False)
    st.html(awards_html(film, lang))
    st.subheader(t("What the critics said", lang), anchor=False)
    for quote in film.press:
        st.html(quote_html(quote, content, lang))

with right:
    st.subheader(t("Cast", lang), anchor=False)
    st.html(cast_html(content.people_of_kind("cast"), content, lang))
    st.subheader(t("Crew", lang), anchor=False)
    st.html(crew_html(content.people_of_kind("crew"), lang))
    caption(
        t("Credits as listed in the Berlinale 2023 programme; the actors who play the other roles are not named in our sources.", lang)
    )

st.header(t("How we know where places are", lang), anchor="provenance")
st.write(
    t(
        "This explorer never presents a place we chose ourselves as a real filming location. Each place carries "
        "one of three labels, shown on the map by the outline of its marker.",
        lang,
    )
)
columns = st.columns(len(PROVENANCES), gap="medium")
for column, provenance in zip(columns, PROVENANCES, strict=True):
    with column, st.container(border=True, key=f"prov-{provenance}"):
        st.html(provenance_card_html(provenance, lang))
        map_links(page, f"places-{provenance}", [p for p in content.places if p.provenance == provenance])

st.header(t("Sources", lang), anchor="sources")
st.write(t("Everything in the explorer comes from these sources. Quotations are verbatim; all other text is our own summary.", lang))
st.html(sources_html(content.sources, links=page.links, language=lang))

"""About: the film and its credits, the provenance of every place, and every source we use."""

import streamlit as st

from explorer.fragments import esc, quote_html, source_html, symbol_html
from explorer.i18n import PROVENANCE_EXPLANATIONS, PROVENANCE_LABELS, label, t
from explorer.model import PROVENANCES
from explorer_app import ui

content = ui.setup_page("about")
lang = ui.language()
film = content.film

ui.page_header(
    t("About the film and this explorer", lang),
    t("{title} ({year}), written and directed by {director}.", lang, title=film.title, year=film.year,
      director=film.director),
)

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(t("The film", lang), anchor=False)
    st.write(ui.md(film.synopsis.get(lang)))
    facts = [
        (t("Country", lang), film.country),
        (t("Running time", lang), t("{minutes} minutes", lang, minutes=film.runtime_minutes)),
        (t("Languages", lang), ", ".join(film.languages)),
        (t("Format", lang), film.format.get(lang)),
    ]
    st.html("<dl class='hx-facts'>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts) + "</dl>")
    st.write(ui.md(film.dedication.get(lang)))
    st.subheader(t("Awards", lang), anchor=False)
    st.html("<ul>" + "".join(f"<li>{esc(a.get(lang))}</li>" for a in film.awards) + "</ul>")
    st.subheader(t("What the critics said", lang), anchor=False)
    for quote in film.press:
        st.html(quote_html(quote, content, lang))

with right:
    st.subheader(t("Cast", lang), anchor=False)
    cast = [p for p in content.people if p.kind == "cast"]
    st.html("<ul>" + "".join(
        f"<li><strong>{esc(p.name)}</strong>: {esc(content.person(p.plays).name)}</li>" for p in cast) + "</ul>")
    st.subheader(t("Crew", lang), anchor=False)
    crew = [p for p in content.people if p.kind == "crew"]
    st.html("<ul>" + "".join(f"<li>{esc(p.role)}: <strong>{esc(p.name)}</strong></li>" for p in crew) + "</ul>")
    st.caption(t("Credits as listed in the Berlinale 2023 programme.", lang))

st.header(t("How we know where places are", lang), anchor="provenance")
st.write(t("This explorer never presents a place we chose ourselves as a real filming location. Each place carries "
           "one of three labels, shown on the map by the outline of its marker.", lang))
columns = st.columns(len(PROVENANCES), gap="medium")
for column, provenance in zip(columns, PROVENANCES, strict=True):
    places = [p for p in content.places if p.provenance == provenance]
    with column, st.container(border=True, key=f"prov-{provenance}"):
        st.html(
            f"<div class='hx-prov-head'>{symbol_html('city' if provenance != 'documented' else 'green', provenance)}"
            f"<strong>{esc(label(PROVENANCE_LABELS, provenance, lang))}</strong></div>"
            f"<p>{esc(t(PROVENANCE_EXPLANATIONS[provenance], lang))}</p>"
        )
        for place in places:
            st.page_link(ui.MAP_PAGE, label=place.name.get(lang), icon=":material/location_on:",
                         query_params={"place": place.id})

st.header(t("Sources", lang), anchor="sources")
st.write(t("Everything in the explorer comes from these sources. Quotations are verbatim; all other text is our own "
           "summary.", lang))
items = []
for source in content.sources:
    note = f"<br><small>{esc(source.note)}</small>" if source.note else ""
    items.append(f"<li>{source_html(source, lang)}{note}</li>")
st.html(f"<ul class='hx-sources'>{''.join(items)}</ul>")

"""Small pieces several pages use: choices kept in the address, the spoiler note, a kiosk's QR code."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from explorer.fragments import esc, md
from explorer.i18n import t
from explorer.selection import split_known
from explorer_app.page import Page


def url_pills(page: Page, label: str, options: list[str], key: str, format_func: Callable[[str], str]) -> list[str]:
    """Multi-select pills whose choice lives in the address as ids (``?theme=soup&theme=moss``).
    Unknown values in the address are dropped with a note naming them."""
    if key not in st.session_state:
        known, unknown = split_known(st.query_params.get_all(key), options)
        st.session_state[key] = known
        if unknown:
            st.info(
                t(
                    "Ignored in the link: {values} (not a choice for “{label}”).",
                    page.language,
                    values=", ".join(f"“{md(v)}”" for v in unknown),
                    label=label,
                ),
                icon=":material/link_off:",
            )
    chosen = st.pills(label, options, selection_mode="multi", key=key, format_func=format_func)
    if chosen:
        st.query_params[key] = chosen
    else:
        st.query_params.pop(key, None)
    return chosen


def url_choice(
    page: Page, label: str, options: list[str], key: str, format_func: Callable[[str], str], default: str, param: str | None = None
) -> str:
    """A single choice kept in the address as an id (``?age=14-18``, the parameter ``param``, by default the
    widget's ``key``); an unknown value falls back with a note."""
    param = param or key
    if key not in st.session_state:
        value = st.query_params.get(param)
        if value is not None and value not in options:
            st.info(
                t("Ignored in the link: “{value}” is not a choice for “{label}”.", page.language, value=md(value[:40]), label=label),
                icon=":material/link_off:",
            )
        st.session_state[key] = value if value in options else default
    chosen = st.segmented_control(label, options, key=key, format_func=format_func, required=True)
    st.query_params[param] = chosen or default
    return chosen or default


def caption(text: str) -> None:
    """A small line of secondary text, in the explorer's own colour (Streamlit's caption grey is too light for
    WCAG AA on the explorer's paper)."""
    st.html(f'<p class="hx-caption">{esc(text)}</p>')


def spoiler_note(page: Page) -> None:
    """Said wherever scenes are hidden."""
    if page.spoiler_safe:
        st.info(
            t(
                "Spoiler-safe: the scenes after Stefan and Shuxiu first meet, and the ending, are hidden. "
                "Switch it off at the top of the page once you have seen the film.",
                page.language,
            ),
            icon=":material/visibility_off:",
        )


def continue_on_phone(page: Page, url: str) -> None:
    """Kiosk: a QR code that opens the same place on the visitor's own phone."""
    on_your_phone(
        page, url, t("Continue on your phone", page.language), t("Scan the code to take this place with you.", page.language)
    )


def on_your_phone(page: Page, url: str, title: str, text: str, key: str = "hx-qr") -> None:
    """Kiosk: what a kiosk does not offer itself (a download, a photo from the visitor's phone) as a QR code that
    opens it on the visitor's own phone; without a public address, a sentence saying where to find it."""
    from explorer.qr import qr_png

    if not url:
        caption(t("Open the explorer on your own phone to use this.", page.language))
        return
    with st.container(key=key, horizontal=True, vertical_alignment="center"):
        st.image(
            page.derived(("qr", url), lambda: qr_png(url)),
            width=150,
            alt=t("QR code that opens this on your phone: {url}", page.language, url=url),
        )
        st.markdown(f"**{md(title)}**  \n{md(text)}")

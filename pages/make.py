"""Make something: a 4:3 postcard of a place and a quotation, and the moss lens for your own photos.

Each tool is a fragment: moving the lens reruns only the lens, and the postcard is drawn again only when its
place, quotation or language changes (kept per content, ``Page.derived``). The lens decodes an upload once,
reduced (``explorer_app.photos``), and keeps it for this visitor only until another photo replaces it.
"""

import streamlit as st

from explorer.fragments import attribution
from explorer.i18n import t
from explorer.lens import MAX_BYTES, LensError, view_png
from explorer.postcard import postcard_png, postcard_quotes
from explorer.settings import public_link
from explorer_app.navigation import page_header
from explorer_app.page import setup_page
from explorer_app.photos import forget_photo, held_photo
from explorer_app.usagecount import made
from explorer_app.widgets import caption, on_your_phone

page = setup_page("make")
content, lang = page.content, page.language

page_header(
    page,
    t("Make your own", lang),
    # spoiler-safe: not how Shuxiu looks at moss later in the story
    t("Send a postcard from the film's Brussels, or look at moss you found through a microscope.", lang)
    if page.spoiler_safe
    else t("Send a postcard from the film's Brussels, or look at moss you found as Shuxiu does, through a microscope.", lang),
)


def linked_card(quotes) -> None:
    """The place and quotation a link asks for (``?place=moeraske&quote=3``), chosen once; other values are
    ignored (the first place and quotation stay)."""
    if "card-place" not in st.session_state and content.place(st.query_params.get("place", "")) is not None:
        st.session_state["card-place"] = st.query_params["place"]
    asked = st.query_params.get("quote", "")
    if "card-quote" not in st.session_state and asked.isdigit() and int(asked) < len(quotes):
        st.session_state["card-quote"] = int(asked)


@st.fragment
def postcard() -> None:
    quotes = postcard_quotes(content, page.view)  # in spoiler-safe mode, none from a hidden scene
    linked_card(quotes)  # a kiosk's QR code opens the same card: ?place=…&quote=…
    controls, preview = st.columns([2, 3] if page.kiosk else [1, 2], gap="large")
    with controls:
        names = {p.id: p.name.get(lang) for p in content.places}
        place_id = st.selectbox(t("Place", lang), list(names), key="card-place", format_func=lambda i: names[i])
        place = content.place(place_id) if place_id is not None else None
        if place is None:  # the content always has places, so the selectbox always holds one
            return
        index = st.selectbox(
            t("Quotation", lang),
            range(len(quotes)),
            key="card-quote",
            format_func=lambda i: (
                f"“{quotes[i].text[:70]}{'…' if len(quotes[i].text) > 70 else ''}” ({attribution(quotes[i], content).split(' · ')[0]})"
            ),
        )
        quote = quotes[index]
        card = page.derived(("postcard", place_id, quote, lang), lambda: postcard_png(content, place, quote, lang, page.view))
        if page.kiosk:  # nothing downloads onto a kiosk: the card opens on the visitor's phone
            on_your_phone(
                page,
                public_link(page.settings, "make", page.params(place=place.id, quote=str(index))),
                t("Take this postcard with you", lang),
                t("Scan the code to open it on your phone.", lang),
                key="hx-qr-card",
            )
        else:
            st.download_button(
                t("Download the postcard (PNG)", lang),
                data=card,
                file_name=f"here-postcard-{place.id}.png",
                mime="image/png",
                icon=":material/download:",
                type="primary",
                key="card-download",
                on_click=made,
                args=("postcard", place.id, content),  # an anonymous count for the staff page
            )
        caption(t("4:3, like the film: 1600 × 1200 pixels. Quotations are verbatim, with their source.", lang))
    with preview:
        st.image(
            card,
            width="stretch",
            alt=t(
                "Postcard: {place}, with “{quote}” ({who})",
                lang,
                place=place.name.get(lang),
                quote=quote.text,
                who=attribution(quote, content),
            ),
        )


@st.fragment
def lens() -> None:
    st.write(
        t(
            "Take a sharp, close photo of moss (a wall, a pavement crack, a tree trunk), then choose the part to "
            "enlarge. Your photo is only used to draw the view: it is not kept.",
            lang,
        )
    )
    if page.kiosk:  # no file chooser on a kiosk: the lens opens on the visitor's phone, with its camera
        on_your_phone(
            page,
            public_link(page.settings, "make", page.params(tool="lens")),
            t("Use the lens on your phone", lang),
            t("Scan the code, then take a photo of moss.", lang),
            key="hx-qr-lens",
        )
        return
    upload = st.file_uploader(
        t("Your moss photo (JPEG, PNG or WebP, up to {mb} MB)", lang, mb=MAX_BYTES // 1_048_576),
        type=["jpg", "jpeg", "png", "webp"],
        key="lens-upload",
    )
    if upload is None:
        forget_photo()
        return
    image = held_photo(upload.getvalue())
    if isinstance(image, LensError):
        st.error(t("The moss lens cannot use this file: {reason}", lang, reason=image.text(lang)), icon=":material/broken_image:")
        return
    controls, view = st.columns([2, 3] if page.kiosk else [1, 2], gap="large")
    with controls:
        x = st.slider(t("Look left or right", lang), 0, 100, 50, key="lens-x")
        y = st.slider(t("Look up or down", lang), 0, 100, 50, key="lens-y")
        zoom = st.slider(t("Magnification", lang), 1.0, 8.0, 3.0, 0.5, key="lens-zoom")
        contrast = st.slider(t("Contrast", lang), 0.8, 2.5, 1.5, 0.1, key="lens-contrast")
    with view:
        st.image(
            view_png(image, (x / 100, y / 100), zoom, contrast),
            width=560,
            alt=t("Your photo, enlarged {zoom} times in a round field, as through a microscope", lang, zoom=zoom),
        )


tabs = [t("Postcard", lang), t("Moss lens", lang)]
postcard_tab, lens_tab = st.tabs(tabs, default=tabs[1] if st.query_params.get("tool") == "lens" else tabs[0])
with postcard_tab:
    postcard()
with lens_tab:
    lens()

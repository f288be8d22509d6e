"""The moss lens's photo for this visitor: decoded and reduced once per upload (by its content), kept in the
visitor's session until another photo replaces it or the visitor leaves; never stored anywhere else."""

from __future__ import annotations

import hashlib

import streamlit as st
from PIL import Image

from explorer.lens import LensError, open_photo

_HELD = "hx-lens-photo"  # (digest of the upload, the reduced photo or the reason it was refused)


def held_photo(data: bytes) -> Image.Image | LensError:
    """The photo for the lens (or why it cannot be used); slider moves find it here instead of decoding again."""
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    held = st.session_state.get(_HELD)
    if held is None or held[0] != digest:
        try:
            held = (digest, open_photo(data))
        except LensError as problem:
            held = (digest, problem)
        st.session_state[_HELD] = held
    return held[1]


def forget_photo() -> None:
    """A photo removed from the uploader is forgotten at once."""
    st.session_state.pop(_HELD, None)

"""A reference for (e): the barest Streamlit page a phone can be said to have seen, one line of HTML, to tell what
Streamlit's own first view costs from what the explorer adds (bench/phone_view.py)."""

import streamlit as st

st.html('<p class="hx-bare-text">Hello, Brussels</p>')

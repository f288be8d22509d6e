"""The baseline: a bare one-line Streamlit page."""

import streamlit as st

st.write("Hello, Brussels")

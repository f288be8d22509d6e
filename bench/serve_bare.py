"""The baseline's server: the bare page (``bench/bare.py``) served exactly as the explorer is served.

It gets the same websocket tuning as ``serve.py`` (``explorer_app/tuning.py``), so the
benchmarks compare the pages' own work and not the transport. Run: ``streamlit run bench/serve_bare.py``.
"""

import streamlit as st

from explorer_app import tuning

tuning.apply()
app = st.App("bare.py")

"""The baseline's server: the bare page (``bench/bare.py``) served exactly as the explorer is served.

It gets the same websocket tuning as ``serve.py`` (TCP_NODELAY, see ``explorer_app/nodelay.py``), so the
benchmarks compare the pages' own work and not the transport. Run: ``streamlit run bench/serve_bare.py``.
"""

import streamlit as st

from explorer_app import nodelay

nodelay.apply()
app = st.App("bare.py")

"""The baseline's server: the bare page (``bench/bare.py``) served exactly as the explorer is served.

Same runner (``explorer_app.server.main``: uvicorn on a TCP socket) and the same compression of every answer, so
the benchmarks compare the pages' own work and not the transport. Run: ``python bench/serve_bare.py --port P``.
"""

import os
import sys
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from explorer_app.compression import CompressionMiddleware
from explorer_app.server import main

PAGE = os.environ.get("BARE_PAGE", "bare.py")  # bench/bare.py, or bench/bare_html.py for bench/phone_view.py
app = st.App(str(Path(__file__).with_name(PAGE)), middleware=[Middleware(CompressionMiddleware)])

if __name__ == "__main__":
    sys.exit(main(app=app))

"""Serve the explorer: ``python serve.py [--address 127.0.0.1] [--port 8501]`` (see ``explorer_app/server.py``).

``streamlit run serve.py`` also works (Streamlit finds ``app``), without the faster socket.
"""

import sys

from explorer_app.server import build_app, main

app = build_app()

if __name__ == "__main__":
    sys.exit(main(app=app))

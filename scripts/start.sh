#!/usr/bin/env bash
# Start the explorer (installing what it needs the first time): bash scripts/start.sh [streamlit options]
source "$(dirname "$0")/_venv.sh"
ensure_venv requirements.lock
.venv/bin/python -m explorer check   # settings and content; stops here with every problem listed
exec .venv/bin/streamlit run serve.py "$@"

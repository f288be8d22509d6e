#!/usr/bin/env bash
# Start the explorer (installing what it needs the first time): bash scripts/start.sh [--address A] [--port P]
source "$(dirname "$0")/_venv.sh"
ensure_venv requirements.lock
.venv/bin/python -m explorer check   # settings and content; stops here with every problem listed
exec .venv/bin/python serve.py "$@"

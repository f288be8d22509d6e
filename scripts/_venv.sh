# Sourced by start.sh and test.sh: make .venv with Python 3.11+ and install the locked dependencies once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

ensure_venv() {
  local lock="$1"
  # start.sh and test.sh may run at the same time: one of them builds .venv, the other waits for it
  exec 9>"$ROOT/.venv.lock"
  if command -v flock >/dev/null; then flock 9; fi
  local python="${PYTHON:-python3}"
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "The explorer needs Python 3.11 or newer; '$python' is $("$python" --version 2>&1 || echo missing)." >&2
    echo "Set PYTHON=/path/to/python3.11 and try again." >&2
    exit 1
  fi
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv ..."
    "$python" -m venv .venv
  fi
  local stamp=".venv/.installed-$(basename "$lock")"
  local want
  want="$(cat "$lock" pyproject.toml | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing dependencies from $lock ..."
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r "$lock"
    .venv/bin/python -m pip install --quiet --no-deps -e .
    echo "$want" > "$stamp"
  fi
  # the French and Dutch catalogs: compile any .po newer than its .mo
  .venv/bin/python -c "from explorer.i18n import compile_catalogs; compile_catalogs()"
  exec 9>&-
}

#!/usr/bin/env bash
# Run every check and test (installing what they need the first time): bash scripts/test.sh [pytest options]
source "$(dirname "$0")/_venv.sh"
ensure_venv requirements-test.lock

if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests ..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need Chromium at /usr/bin/chromium: sudo apt-get install chromium (or set CHROMIUM=...)." >&2
    exit 1
  fi
fi

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's nginx for the two-replica test ..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
  else
    echo "The two-replica test needs nginx: sudo apt-get install nginx-light" >&2
    exit 1
  fi
fi

if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/axe-core/axe.min.js ]; then
  if ! command -v npm >/dev/null; then
    echo "The accessibility tests need Node.js and npm (for axe-core): sudo apt-get install nodejs npm" >&2
    exit 1
  fi
  echo "Installing axe-core from npm for the accessibility tests ..."
  npm ci --no-audit --no-fund --silent
fi

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy
echo "== content check"
.venv/bin/python -m explorer check data
if [ -f ../shared/tools/check_quotes.py ]; then
  echo "== quotations"
  .venv/bin/python ../shared/tools/check_quotes.py data
else
  echo "== quotations: skipped (../shared/tools/check_quotes.py not found)"
fi
source "$(dirname "$0")/_postgres.sh"
start_test_postgres
echo "== tests"
.venv/bin/python -m pytest "$@"

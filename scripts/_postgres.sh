# A throwaway PostgreSQL for the live sessions' store tests (tests/test_livestore.py), sourced by test.sh.
# Debian's postgresql is installed when missing (as root); a cluster is made in a temporary folder, listens on
# 127.0.0.1 only, trusts local connections (it holds nothing), and is stopped and removed when the tests end.
# EXPLORER_TEST_DATABASE_URL, when already set, names another database to use instead.

start_test_postgres() {
  if [ -n "${EXPLORER_TEST_DATABASE_URL:-}" ]; then return 0; fi
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bin" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "Installing Debian's postgresql for the live sessions' store tests ..."
      DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
      bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    fi
  fi
  if [ -z "$bin" ]; then
    echo "PostgreSQL is not installed: the store's PostgreSQL tests are skipped (sudo apt-get install postgresql)." >&2
    return 0
  fi
  PG_DIR=$(mktemp -d /tmp/explorer-pg.XXXXXX)
  local run=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; run=(runuser -u postgres --); fi
  local port
  port=$(.venv/bin/python -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -o "-k $PG_DIR -p $port -h 127.0.0.1" -l "$PG_DIR/log" -w start >/dev/null
  PG_STOP=("${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m fast stop)
  trap 'stop_test_postgres' EXIT
  export EXPLORER_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "== PostgreSQL for the store tests on 127.0.0.1:$port"
}

stop_test_postgres() {
  if [ -n "${PG_DIR:-}" ]; then
    "${PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}

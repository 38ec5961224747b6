#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the test suite (Debian's postgresql
# package, installed when missing) and print its SQLAlchemy URL. The cluster
# lives in $LCAGENT_PG_DIR (default: a folder under /tmp), listens on
# 127.0.0.1:$LCAGENT_PG_PORT (default 54329), trusts local connections, runs
# without fsync: it is for tests only. `ensure-postgres.sh stop` stops it.
set -euo pipefail
DIR="${LCAGENT_PG_DIR:-${TMPDIR:-/tmp}/lcagent-test-pg}"
PORT="${LCAGENT_PG_PORT:-54329}"
URL="postgresql+psycopg://lcagent@127.0.0.1:${PORT}/lcagent_test"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(pgbin)" ]; then
  echo "ensure-postgres: installing Debian's postgresql" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
BIN="$(pgbin)"
as_pg() {  # initdb and postgres refuse to run as root
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = "stop" ]; then
  [ -f "$DIR/PG_VERSION" ] && as_pg "$BIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true
  exit 0
fi
if ! "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  if [ ! -f "$DIR/PG_VERSION" ]; then
    rm -rf "$DIR" && mkdir -p "$DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres "$DIR"
    as_pg "$BIN/initdb" -D "$DIR" -A trust -U lcagent >/dev/null
  fi
  as_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
fi
"$BIN/psql" -h 127.0.0.1 -p "$PORT" -U lcagent -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='lcagent_test'" | grep -q 1 \
  || "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U lcagent lcagent_test
echo "$URL"

#!/usr/bin/env bash
# The whole suite on SQLite, then again on PostgreSQL when one is reachable.
# REQUIRE_POSTGRES=1 (set by .ci/run) turns "PostgreSQL not reachable" into a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"
PG_URL="${TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
export TEST_POSTGRES_URL="$PG_URL"

echo "== The whole suite on SQLite"
TEST_DB=sqlite "$BIN/python" -m pytest "$@"
sqlite_rc=$?

if "$BIN/python" scripts/postgres_ready.py "$PG_URL"; then
  echo "== The whole suite again on PostgreSQL ($("$BIN/python" scripts/postgres_ready.py "$PG_URL" --describe))"
  TEST_DB=postgres "$BIN/python" -m pytest -m "not browser" "$@"
  pg_rc=$?
else
  if [ "${REQUIRE_POSTGRES:-0}" = "1" ]; then
    echo "FAILED: PostgreSQL is required here but is not reachable at the address in TEST_POSTGRES_URL." >&2
    pg_rc=1
  else
    echo "NOTE: PostgreSQL is not reachable at the address in TEST_POSTGRES_URL, so the PostgreSQL run was skipped."
    pg_rc=0
  fi
fi

if [ "$sqlite_rc" -ne 0 ] || [ "$pg_rc" -ne 0 ]; then
  echo "Tests failed (SQLite exit code $sqlite_rc, PostgreSQL exit code $pg_rc)." >&2
  exit 1
fi
echo "All tests passed on SQLite and PostgreSQL."

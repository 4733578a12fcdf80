#!/usr/bin/env bash
# Install what the tests need, lint the code, then run the tests. A lint finding fails the run
# before any test starts. Further arguments go to pytest.
#   scripts/test.sh          the whole suite twice, on SQLite and on PostgreSQL (CI runs this)
#   scripts/test.sh --fast   the tests not marked slow, on SQLite only: a quick answer while
#                            working (they need no Debian package); the whole run before a
#                            change is shared
set -euo pipefail
cd "$(dirname "$0")/.."
fast=false
if [ "${1:-}" = "--fast" ]; then
  fast=true
  shift
fi
$fast || bash scripts/system-deps.sh
make --no-print-directory install-dev translations >/dev/null
mkdir -p test-artifacts

echo "== ruff"
.venv/bin/ruff check .

if $fast; then
  echo "== quick tests on SQLite (not slow)"
  .venv/bin/python -m pytest -q -m "not slow" "$@"
  exit
fi

echo "== test suite on SQLite"
.venv/bin/python -m pytest -q "$@"

echo "== test suite on PostgreSQL"
pgdir=$(mktemp -d /tmp/aspirasi-pg.XXXXXX)
chmod 755 "$pgdir"
port=$(( 20000 + RANDOM % 20000 ))
url=$(bash scripts/pg.sh start "$pgdir" "$port")
trap 'bash scripts/pg.sh stop "$pgdir"; rm -rf "$pgdir"' EXIT
TEST_DATABASE_URL="$url" .venv/bin/python -m pytest -q "$@"

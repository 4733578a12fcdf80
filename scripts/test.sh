#!/usr/bin/env bash
# Install what the tests need, lint the code, then run the whole suite twice: on SQLite and on
# PostgreSQL. A lint finding fails the run before any test starts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
make --no-print-directory install-dev translations >/dev/null
mkdir -p test-artifacts

echo "== ruff"
.venv/bin/ruff check .

echo "== test suite on SQLite"
.venv/bin/python -m pytest -q "$@"

echo "== test suite on PostgreSQL"
pgdir=$(mktemp -d /tmp/aspirasi-pg.XXXXXX)
chmod 755 "$pgdir"
port=$(( 20000 + RANDOM % 20000 ))
url=$(bash scripts/pg.sh start "$pgdir" "$port")
trap 'bash scripts/pg.sh stop "$pgdir"; rm -rf "$pgdir"' EXIT
TEST_DATABASE_URL="$url" .venv/bin/python -m pytest -q "$@"

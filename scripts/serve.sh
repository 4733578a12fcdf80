#!/usr/bin/env bash
# Serve Aspirasi in one terminal with the processes production runs, without nginx in front:
# gunicorn (gunicorn.conf.py) and the mail worker (`flask --app wsgi mail-deliver --loop`) side
# by side. Ctrl-C or SIGTERM stops both; if either dies, the other is stopped too, so nothing
# half-runs unnoticed.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
# Clients reach gunicorn directly here, with no nginx in front to buffer a slow one: threaded
# workers, so a client that sends its request slowly holds one thread, not a whole worker
# (gunicorn.conf.py).
export GUNICORN_THREADS=${GUNICORN_THREADS:-8}

"$BIN/flask" --app wsgi mail-deliver --loop &
worker=$!
"$BIN/gunicorn" -c gunicorn.conf.py wsgi:app &
web=$!

stop() {
  trap - INT TERM
  kill -TERM "$web" "$worker" 2>/dev/null
  wait "$web" "$worker" 2>/dev/null
}
trap 'stop; exit 0' INT TERM

wait -n "$web" "$worker"
status=$?
stop
exit "$status"

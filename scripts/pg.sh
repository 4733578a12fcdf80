#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL cluster on a loopback port for the tests.
#   scripts/pg.sh start DIR PORT   -> prints the database URL
#   scripts/pg.sh stop DIR
# PG_FSYNC=on makes commits durable as in production (the benchmark); the tests leave it off.
set -euo pipefail
action=$1 dir=$2 port=${3:-54329} fsync=${PG_FSYNC:-off}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$action" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    fresh=0
    if [ ! -e "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir/data" -A trust -U aspirasi -E UTF8 --locale=C.UTF-8 >/dev/null
      fresh=1
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=$fsync" start >/dev/null
    [ "$fresh" -eq 1 ] && as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U aspirasi aspirasi_test
    echo "postgresql://aspirasi@127.0.0.1:$port/aspirasi_test"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
esac

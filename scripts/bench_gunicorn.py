"""gunicorn settings of the benchmark: production-like (sync workers, loopback only).

    gunicorn -c scripts/bench_gunicorn.py wsgi:app     (BENCH_BIND=127.0.0.1:PORT)

BENCH_RATELIMIT_OFF=1 switches Flask-Limiter off in each worker once the app is loaded: the
app's limits (5 submissions a minute, 10 NIK lookups a minute) would otherwise turn a load
test into a test of the limiter. The app itself has no setting for this in the environment.
"""
import os

bind = os.environ.get("BENCH_BIND", "127.0.0.1:8800")
workers = int(os.environ.get("BENCH_WORKERS", "2"))
worker_class = "sync"
timeout = 120
graceful_timeout = 5
accesslog = None
loglevel = "warning"


def post_worker_init(worker):
    if os.environ.get("BENCH_RATELIMIT_OFF") == "1":
        from aspirasi.extensions import limiter

        limiter.enabled = False

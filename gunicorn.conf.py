"""gunicorn's settings for Aspirasi: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be changed from the environment, so one file serves the demo (`make run`) and
production (a systemd unit behind nginx). Mail is not sent by these processes: the separate
`flask --app wsgi mail-deliver --loop` service does it, so no request waits on a mail server
and the timeout below only ever guards against the application itself.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threads per worker. One (gunicorn's sync workers) behind nginx, which buffers every request
# and answer, so a worker only ever waits on the application: a request here mostly uses the
# CPU, threads in one Python process take turns at it, and a sync worker takes one connection
# at a time, so a burst is shared evenly between the workers (docs/performance.md). Several
# (gunicorn's threaded workers) where clients reach gunicorn directly, as with `make run`
# (scripts/serve.sh): a client that sends its request slowly then holds one thread of a
# worker, not the whole worker.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "sync" if threads == 1 else "gthread"
# A threaded worker takes a connection only while one of its threads is free for it, and closes
# it after the answer, as a sync worker does: a worker whose threads are held by slow clients
# leaves new connections to the other workers, and no idle connection keeps a place.
worker_connections = threads
keepalive = 0
# A sync worker tells the master it is alive only between requests, so its `timeout` must
# outlast the longest legitimate request: an XLSX export of every message of a large
# installation takes minutes on a small machine. A threaded worker tells it from its own loop
# while its threads serve, so a short timeout there stops only a worker that is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "600" if threads == 1 else "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
# Recycle workers now and then, so a slow leak never becomes an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")  # "-" = stdout, i.e. the journal
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Behind nginx on the same host; the app itself believes X-Forwarded-* only with PROXY_FIX_HOPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket sits at one path per user; several instances (tests, a demo beside
# production) would fight over it, and nothing here uses it.
control_socket_disable = True

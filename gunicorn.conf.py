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
# One thread per worker (gunicorn's sync workers): a request here mostly uses the CPU, and
# threads in one Python process take turns at it; a sync worker also takes one connection at a
# time, so a burst is shared evenly between the workers (a burst of submissions waited longer
# with four threads per worker: docs/performance.md). Raise it only where the database
# answers slowly.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A sync worker tells the master it is alive only between requests, so `timeout` must outlast
# the longest legitimate request: an XLSX export of every message of a large installation
# takes minutes on a small machine.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "600"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
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

"""The production path: gunicorn (gunicorn.conf.py) with several workers sharing rate limits
through Redis, and the mail worker delivering to a real SMTP server.

These tests start real servers (redis-server from Debian, gunicorn from requirements/,
`flask --app wsgi mail-deliver --loop`) on loopback ports, as an operator would run them;
the database is PostgreSQL when TEST_DATABASE_URL is set, else a fresh SQLite file.
"""
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.helpers import SilentSmtp, SmtpInbox, free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {seconds} s")


@pytest.fixture
def redis_url():
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.fail("redis-server is not installed (scripts/system-deps.sh installs it)")
    port = free_port()
    process = subprocess.Popen([executable, "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def gunicorn_server(redis_url):
    """gunicorn with two workers, a fresh SQLite database and limits stored in Redis."""
    instance = tempfile.mkdtemp(prefix="aspirasi-prod-")
    env = {**os.environ, "INSTANCE_PATH": instance, "SECRET_KEY": "prod-path-secret",
           "DATABASE_URL": f"sqlite:///{instance}/aspirasi.db",
           "RATELIMIT_STORAGE_URI": redis_url, "MAIL_BACKEND": "file",
           "MAIL_FILE_PATH": f"{instance}/outbox"}
    env.pop("TEST_DATABASE_URL", None)
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                               cwd=ROOT, env={**env, "WEB_CONCURRENCY": "2",
                                              "GUNICORN_BIND": f"127.0.0.1:{port}"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(instance, ignore_errors=True)


def test_login_limit_is_shared_by_gunicorn_workers_through_redis(gunicorn_server):
    """With two gunicorn workers and Redis, is the 11th login attempt in a minute refused?"""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(gunicorn_server + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    assert token, "the login form carries a CSRF token"
    body = urllib.parse.urlencode({"csrf_token": token.group(1), "identity": "nobody",
                                   "password": "wrong-password"}).encode()
    statuses = []
    for _ in range(11):
        # Each attempt on a fresh connection, so both workers take a share of them.
        try:
            with opener.open(gunicorn_server + "/login", data=body) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    assert statuses[:10] == [200] * 10, statuses
    assert statuses[10] == 429, statuses


def login_attempts(base: str, identities: list[str]) -> list[int]:
    """One failed login per identity, each on a fresh connection; the HTTP statuses."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    statuses = []
    for identity in identities:
        body = urllib.parse.urlencode({"csrf_token": token.group(1), "identity": identity,
                                       "password": "wrong-password"}).encode()
        try:
            with opener.open(base + "/login", data=body) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    return statuses


def test_login_limit_per_account_is_shared_and_spares_the_office(gunicorn_server):
    """With two workers and Redis, do twelve people behind one address sign in unhindered,
    while the 11th attempt on one account in a minute is refused and other accounts are not?"""
    office = login_attempts(gunicorn_server, [f"pegawai{n}" for n in range(12)])
    assert office == [200] * 12, office
    target = login_attempts(gunicorn_server, ["Op-DLH "] * 5 + ["op-dlh"] * 6)
    assert target[:10] == [200] * 10 and target[10] == 429, target
    assert login_attempts(gunicorn_server, ["op-diskominfo"]) == [200]


# --- the whole stack under load: gunicorn + mail worker + Redis + SMTP ---------------------

GUEST_FORM = {"guest_kind": "umum", "perihal": "Lampu jalan padam",
              "body": "Sudah sepekan gelap di depan sekolah.", "nik": "6471054107950002",
              "phone": "081234500011", "event_date": "2026-01-05"}
CLIENTS = 200


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is the answer to measure


def guest_submission(base: str, number: int, barrier) -> tuple[int, str, float]:
    """One citizen on their own client address: open /lapor, wait for everyone, submit.
    Returns (status, Location, seconds the POST took).

    The POST is written out whole before the wait and sent over a plain socket: the 200
    clients share the machine's cores with the server, and a full HTTP client in each of them
    would spend, while the server is being timed, about half a second of CPU that a real
    citizen's phone spends on its own."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    address = f"10.{number // 250}.{number % 250}.7"
    opener.addheaders = [("X-Forwarded-For", address)]
    page = opener.open(base + "/lapor", timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    body = urllib.parse.urlencode({**GUEST_FORM, "csrf_token": token.group(1),
                                   "email": f"warga{number:03d}@example.com"}).encode()
    server = urllib.parse.urlsplit(base)
    cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)
    request = (f"POST /lapor HTTP/1.1\r\nHost: {server.netloc}\r\n"
               f"X-Forwarded-For: {address}\r\nCookie: {cookies}\r\n"
               "Content-Type: application/x-www-form-urlencoded\r\n"
               f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
    barrier.wait(timeout=60)
    started = time.perf_counter()
    with socket.create_connection((server.hostname, server.port), timeout=30) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    took = time.perf_counter() - started
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    location = next((line.split(":", 1)[1].strip() for line in head[1:]
                     if line.lower().startswith("location:")), "")
    return int(head[0].split()[1]), location, took


def submit_concurrently(base: str) -> list[tuple[int, str, float]]:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    barrier = threading.Barrier(CLIENTS)
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(lambda n: guest_submission(base, n, barrier), range(CLIENTS)))


def database_for(instance: str) -> str:
    """PostgreSQL when the suite runs on it (the suite's own database, emptied before each
    test), else a fresh SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url or f"sqlite:///{instance}/aspirasi.db"


def test_200_guests_at_once_with_a_hung_mail_server_then_every_receipt_exactly_once(
        app, redis_url):
    """200 guests on 200 client addresses submit at the same moment to gunicorn (its config
    file, 2 workers) while the mail server hangs: is every submission stored with its own
    tracking number and no error, and once the mail server is back, does the mail worker
    deliver each receipt exactly once?"""
    from aiosmtpd.controller import Controller
    from sqlalchemy import create_engine, text


    instance = tempfile.mkdtemp(prefix="aspirasi-prod-")
    silent = SilentSmtp()
    smtp_port = silent.port
    db_url = database_for(instance)
    env = {**os.environ, "INSTANCE_PATH": instance, "SECRET_KEY": "prod-path-secret",
           "DATABASE_URL": db_url, "RATELIMIT_STORAGE_URI": redis_url, "PROXY_FIX_HOPS": "1",
           "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_port),
           "MAIL_TIMEOUT": "2", "WEB_CONCURRENCY": "2", "GUNICORN_ACCESS_LOG": "/dev/null"}
    env.pop("TEST_DATABASE_URL", None)
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    port = free_port()
    web = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                           cwd=ROOT, env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "mail-deliver", "--loop",
                               "--interval", "0.5"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    engine = create_engine(db_url)
    inbox, controller = SmtpInbox(), None
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz")
        t0 = time.monotonic()
        results = submit_concurrently(base)
        print(f"\n{CLIENTS} submissions answered in {time.monotonic() - t0:.1f} s")
        statuses = [status for status, _location, _seconds in results]
        assert statuses.count(302) == CLIENTS, sorted(set(statuses))
        trackings = {location.rsplit("/", 1)[-1] for _s, location, _t in results}
        assert len(trackings) == CLIENTS
        # Only the mail worker talks to the mail server, one mail per MAIL_TIMEOUT (2 s) while
        # it hangs; had the requests tried, there would be one connection per submission.
        assert silent.connections < CLIENTS // 4, silent.connections
        latencies = sorted(seconds for _s, _l, seconds in results)
        p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99) - 1]
        print(f"\n{CLIENTS} concurrent guest submissions, mail server hung: "
              f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT tracking FROM message")).scalars().all()
            assert set(stored) == trackings
        # The requests only recorded their announcements; the worker writes the receipts.
        t0 = time.monotonic()
        while time.monotonic() < t0 + 60:
            with engine.connect() as conn:
                if not conn.execute(text("SELECT count(*) FROM pending_announcement")).scalar():
                    break
            time.sleep(0.2)
        with engine.connect() as conn:
            unsent = conn.execute(text("SELECT count(*) FROM queued_mail WHERE sent_at IS NULL"))
            assert unsent.scalar() == CLIENTS  # every receipt queued, none through yet

        # The mail server comes back on its port; time passes beyond the back-off.
        silent.close()
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        with engine.begin() as conn:
            conn.execute(text("UPDATE queued_mail SET next_attempt_at = :now"),
                         {"now": datetime.now(UTC).replace(tzinfo=None)})
        t0 = time.monotonic()
        while len(inbox.messages) < CLIENTS and time.monotonic() < t0 + 60:
            time.sleep(0.2)
        print(f"the mail worker delivered {len(inbox.messages)} receipts in "
              f"{time.monotonic() - t0:.1f} s")
        time.sleep(1)  # a duplicate would have time to show up
        recipients = sorted(rcpt for rcpts, _raw in inbox.messages for rcpt in rcpts)
        assert recipients == [f"warga{n:03d}@example.com" for n in range(CLIENTS)]
        with engine.connect() as conn:
            assert conn.execute(text(
                "SELECT count(*) FROM queued_mail WHERE sent_at IS NULL")).scalar() == 0
    finally:
        for process in (worker, web):
            process.terminate()
        web.wait(timeout=30)
        _out, worker_log = worker.communicate(timeout=30)
        silent.close()
        if controller is not None:
            controller.stop()
        engine.dispose()
        shutil.rmtree(instance, ignore_errors=True)
    assert worker.returncode == 0, worker_log[-2000:]

"""The production path: gunicorn with several workers sharing rate limits through Redis.

These tests start real servers (redis-server from Debian, gunicorn from requirements.txt)
on loopback ports, as an operator would run them.
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
from pathlib import Path

import pytest

from tests.helpers import free_port

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
    process = subprocess.Popen([str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                                "wsgi:app"], cwd=ROOT, env=env,
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

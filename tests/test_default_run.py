"""The one-command default run (`make run`): the server `scripts/serve.sh` starts, with nothing
set but where it listens and keeps its files, as many offices run it first.

Each test starts that server on a free loopback port over a fresh instance folder (SQLite, no
Redis, gunicorn.conf.py's own number of workers) and talks to it as clients do, over sockets.
"""
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.helpers import GOOD_NIK, free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# What the server inherits from the shell: nothing that configures the service.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def status_of(url: str, timeout: float = 10) -> int:
    """The HTTP status of one GET on a connection of its own."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as answer:
        return answer.code


@pytest.fixture
def default_run(tmp_path):
    """`make run`'s server (its `db` and `serve` steps); yields its base URL."""
    instance = tmp_path / "instance"
    port = free_port()
    env = {name: os.environ[name] for name in INHERITED if name in os.environ}
    env.update(INSTANCE_PATH=str(instance), GUNICORN_BIND=f"127.0.0.1:{port}", BIN=str(BIN),
               GUNICORN_ACCESS_LOG="/dev/null")
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    log = open(tmp_path / "serve.log", "w")  # read when a test fails  # noqa: SIM115
    server = subprocess.Popen(["bash", "scripts/serve.sh"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if status_of(base + "/healthz", timeout=2) == 200:
                    break
            except (urllib.error.URLError, OSError):
                pass
            assert server.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the default run did not answer /healthz"
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()  # serve.sh stops gunicorn and the background worker
        server.wait(timeout=40)
        log.close()


def test_nik_lookup_limit_holds_across_the_workers_of_the_default_run(default_run):
    """30 NIK lookups from one address at once, each on its own connection, so that every
    worker process serves some: do exactly 10 (the limit a minute) pass, the rest 429?"""
    url = f"{default_run}/tracking?q={GOOD_NIK}"
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: status_of(url), range(30)))
    assert statuses.count(200) == 10, sorted(statuses)
    assert statuses.count(429) == 20, sorted(statuses)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)
    assert refused.value.code == 429
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 60  # when this minute's window ends


def test_slow_clients_do_not_stall_the_default_run(default_run):
    """Twelve clients (more than the threads of one worker) send their request a byte every
    1.5 s: does /healthz, asked five times, answer within a few seconds each time while they
    keep dribbling?"""
    host, port = default_run.removeprefix("http://").split(":")
    stop = threading.Event()
    request = b"POST /lapor HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 200

    def dribble():
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            for byte in request:
                sock.sendall(bytes([byte]))
                if stop.wait(1.5):
                    return

    clients = [threading.Thread(target=dribble, daemon=True) for _ in range(12)]
    for client in clients:
        client.start()
    time.sleep(3)  # each slow client has been taken on by the server and sent a few bytes
    try:
        answers = []
        for _ in range(5):
            started = time.monotonic()
            answers.append((status_of(default_run + "/healthz", timeout=10),
                            round(time.monotonic() - started, 1)))
        assert all(client.is_alive() for client in clients), "the slow clients still dribble"
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=5)
    assert all(status == 200 and waited < 3 for status, waited in answers), answers

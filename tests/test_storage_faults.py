"""Storage under faults: a full or read-only upload folder, a read-only database and a killed
worker never lose an acknowledged submission, never leave a half-written row or an orphan
file, and always tell the person what happened.

The file-system faults are real: small tmpfs mounts (which needs root; without it those tests
are skipped and say why). The worker test runs gunicorn on 127.0.0.1.
"""
import io
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from models import Attachment, Message, MessageEvent
from tests.helpers import GOOD_NIK, app_config, count_rows, free_port, jpeg_bytes, upload

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GUEST = {"guest_kind": "umum", "perihal": "Jembatan retak", "body": "Retak di tiang kedua.",
         "nik": GOOD_NIK, "phone": "081234500011", "event_date": "2026-01-05"}
UNSAVED = "Berkas tidak dapat disimpan saat ini"


def noisy_jpeg(side=300, seed=1) -> bytes:
    """A photo that does not compress: about 100 KB and more."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (side, side), bytes(rng.getrandbits(8) for _ in range(side * side * 3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


@contextmanager
def mounted_tmpfs(path: Path, options: str):
    path.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"mounting a small tmpfs is not permitted here: {result.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], capture_output=True)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def rows(app):
    return (count_rows(app, Message), count_rows(app, Attachment), count_rows(app, MessageEvent))


def guest_post(client, *files):
    return client.post("/lapor", data={**GUEST, "foto": list(files)},
                       content_type="multipart/form-data")


def test_a_submission_s_files_appear_only_with_its_rows(app, client, monkeypatch, tmp_path):
    """After a good submission, is every file in the folder named by a row, and none temporary?"""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    response = guest_post(client, upload(jpeg_bytes(), "a.jpg"), upload(jpeg_bytes(30, 30), "b.jpg"))
    assert response.status_code == 302
    folder = Path(app.config["UPLOAD_DIR"])
    with app.app_context():
        named = sorted(a.stored_name for a in Attachment.query)
    assert len(named) == 2 and files_in(folder) == named


def test_a_full_upload_folder_is_a_clear_503_and_keeps_nothing(app, client, monkeypatch, tmp_path):
    """With a 64 KB file system, does a 100 KB photo get the 'cannot be stored' message, with
    no row and no file left (not even the small photo sent with it)?"""
    with mounted_tmpfs(tmp_path / "full", "size=64k") as folder:
        monkeypatch.setitem(app.config, "UPLOAD_DIR", str(folder))
        big = noisy_jpeg()
        assert len(big) > 64 * 1024
        response = guest_post(client, upload(jpeg_bytes(), "kecil.jpg"), upload(big, "besar.jpg"))
        assert response.status_code == 503
        assert UNSAVED in response.get_data(as_text=True)
        assert "Jembatan retak" in response.get_data(as_text=True)  # the form is kept filled
        assert rows(app) == (0, 0, 0)
        assert files_in(folder) == []
        # Once there is room again, the same submission goes through.
        assert guest_post(client, upload(jpeg_bytes(), "kecil.jpg")).status_code == 302
        assert rows(app)[:2] == (1, 1) and len(files_in(folder)) == 1


def test_a_read_only_upload_folder_is_a_clear_503(app, client, monkeypatch, tmp_path):
    """With the upload folder mounted read-only, is a photo refused with the clear message and
    nothing written to the database?"""
    with mounted_tmpfs(tmp_path / "ro", "ro,size=64k") as folder:
        monkeypatch.setitem(app.config, "UPLOAD_DIR", str(folder))
        response = guest_post(client, upload(jpeg_bytes(), "foto.jpg"))
        assert response.status_code == 503
        assert UNSAVED in response.get_data(as_text=True)
        assert rows(app) == (0, 0, 0)


def test_a_read_only_database_is_a_clear_503_and_leaves_no_file(app, tmp_path):
    """With the database opened read-only, does a submission get a clear message and leave no
    file behind in the upload folder?"""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite:///"):
        pytest.skip("the read-only database is simulated with SQLite's mode=ro")
    from aspirasi import create_app
    from aspirasi.extensions import limiter

    path = url[len("sqlite:///"):]
    config = {**app_config(str(tmp_path)),
              "SQLALCHEMY_DATABASE_URI": f"sqlite:///file:{path}?mode=ro&uri=true"}
    readonly = create_app(config)
    limiter.enabled = False
    response = readonly.test_client().post(
        "/lapor", data={**GUEST, "foto": [upload(jpeg_bytes(), "foto.jpg")]},
        content_type="multipart/form-data")
    assert response.status_code == 503
    assert "tidak ada yang tersimpan" in response.get_data(as_text=True)
    assert files_in(tmp_path / "uploads") == []
    assert rows(app) == (0, 0, 0)


def test_storage_sweep_finishes_committed_moves_and_removes_the_rest(app, client, runner,
                                                                     monkeypatch, tmp_path):
    """Does the sweep move a committed row's leftover temporary file into place, remove an
    uncommitted one, and report orphans and missing files?"""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    response = guest_post(client, upload(jpeg_bytes(), "a.jpg"), upload(jpeg_bytes(20, 20), "b.jpg"))
    assert response.status_code == 302
    folder = Path(app.config["UPLOAD_DIR"])
    with app.app_context():
        first, second = sorted(a.stored_name for a in Attachment.query)
    # A crash after commit, before the move; one dead request's file; one stray file.
    os.replace(folder / first, folder / f".tmp-{first}")
    (folder / ".tmp-deadbeef.jpg").write_bytes(b"half")
    (folder / "stray.jpg").write_bytes(b"stray")
    (folder / second).unlink()
    result = runner.invoke(args=["storage-sweep", "--older-than", "0", "--delete-orphans"])
    assert "selesai dipindahkan: 1" in result.output
    assert "sementara dihapus: 1" in result.output
    assert "yatim dihapus: 1" in result.output
    assert f"hilang (baris tanpa berkas): 1\n  {second}" in result.output
    assert result.exit_code == 1
    assert files_in(folder) == [first]


# --- a worker killed mid-way ------------------------------------------------------------------

APP_MODULE = """
from aspirasi import create_app
app = create_app({"RATELIMIT_ENABLED": False})
"""


@pytest.fixture
def gunicorn_two_workers(tmp_path):
    """gunicorn (2 workers) on 127.0.0.1 over a fresh SQLite database; yields (url, master,
    env)."""
    instance = tmp_path / "instance"
    instance.mkdir()
    (tmp_path / "fault_app.py").write_text(APP_MODULE)
    env = {**os.environ, "INSTANCE_PATH": str(instance), "SECRET_KEY": "fault-secret",
           "DATABASE_URL": f"sqlite:///{instance}/aspirasi.db", "MAIL_BACKEND": "file",
           "MAIL_FILE_PATH": f"{instance}/outbox", "UPLOAD_DIR": f"{instance}/uploads",
           "PYTHONPATH": f"{ROOT}:{tmp_path}"}
    env.pop("TEST_DATABASE_URL", None)
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "w")  # read when the test fails  # noqa: SIM115
    master = subprocess.Popen([str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                               "--graceful-timeout", "2", "fault_app:app"], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).close()
                break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base, master, env
    finally:
        master.terminate()
        master.wait(timeout=20)
        log.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def submit_over_http(base: str, index: int) -> tuple[int | None, str | None]:
    """One guest submission with CSRF token and two photos; (status, tracking number)."""
    import http.client
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    try:
        page = opener.open(base + "/lapor", timeout=10).read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        fields = {**GUEST, "perihal": f"Laporan {index}"}
        if token:
            fields["csrf_token"] = token.group(1)
        boundary = "----aspirasi-fault"
        body = io.BytesIO()
        for key, value in fields.items():
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                       f"{value}\r\n".encode())
        for number, data in enumerate((jpeg_bytes(), noisy_jpeg(120, seed=index))):
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="foto"; '
                       f'filename="f{number}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode())
            body.write(data + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        request = urllib.request.Request(base + "/lapor", data=body.getvalue(), headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            response = opener.open(request, timeout=10)
            return response.status, None
        except urllib.error.HTTPError as answer:
            location = answer.headers.get("Location", "")
            found = re.search(r"/lapor/terkirim/([^/?]+)", location)
            return answer.code, found.group(1) if found else None
    except (urllib.error.URLError, ConnectionError, OSError, http.client.HTTPException):
        # The worker died under this request (no answer, or an answer cut off mid-way, which
        # http.client raises as IncompleteRead or BadStatusLine): not acknowledged.
        return None, None


@pytest.mark.slow
def test_killing_a_worker_mid_way_loses_no_acknowledged_submission(gunicorn_two_workers):
    """With submissions in flight and one gunicorn worker killed with SIGKILL, is every
    acknowledged submission stored with both its files, no row half-written and no orphan
    file left after the sweep?"""
    base, master, env = gunicorn_two_workers
    results: list[tuple[int | None, str | None]] = []
    lock = threading.Lock()

    def client(start: int):
        for index in range(start, start + 8):
            outcome = submit_over_http(base, index)
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=client, args=(n * 100,)) for n in range(3)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(results) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True,
                             text=True).stdout.split()
    assert workers, "no gunicorn worker found"
    os.kill(int(workers[0]), signal.SIGKILL)
    for thread in threads:
        thread.join(timeout=60)
    acknowledged = [tracking for status, tracking in results if status == 302 and tracking]
    print(f"worker kill: {len(results)} sent, {len(acknowledged)} acknowledged, "
          f"{sum(status is None for status, _ in results)} cut off")
    gunicorn_log = (Path(env["INSTANCE_PATH"]).parent / "gunicorn.log").read_text()[-3000:]
    assert len(results) == 24 and len(acknowledged) >= 12, gunicorn_log
    assert all(status in (302, None, 502, 503) for status, _ in results), results

    sweep = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "storage-sweep", "--older-than",
                            "0"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert "yatim (tanpa baris): 0" in sweep.stdout, sweep.stdout
    assert "hilang (baris tanpa berkas): 0" in sweep.stdout, sweep.stdout

    import sqlite3

    folder = Path(env["UPLOAD_DIR"])
    with sqlite3.connect(env["DATABASE_URL"][len("sqlite:///"):]) as database:
        stored = dict(database.execute(
            "SELECT m.tracking, COUNT(a.id) FROM message m LEFT JOIN attachment a "
            "ON a.message_id = m.id GROUP BY m.id"))
        events = dict(database.execute(
            "SELECT m.tracking, COUNT(e.id) FROM message m LEFT JOIN message_event e "
            "ON e.message_id = m.id GROUP BY m.id"))
        names = [row[0] for row in database.execute("SELECT stored_name FROM attachment")]
    assert all(tracking in stored for tracking in acknowledged)
    assert all(count == 2 for count in stored.values()), stored      # no half-written message
    assert all(count == 1 for count in events.values()), events
    assert sorted(names) == files_in(folder)                          # no orphan, none missing
    print(f"worker kill: {len(stored)} messages stored, {len(names)} files, sweep: "
          + " / ".join(line for line in sweep.stdout.splitlines() if ":" in line))

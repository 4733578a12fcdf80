"""/healthz names the part that is broken: database, database writes, upload folder."""
import os

import pytest
from flask_migrate import upgrade

from aspirasi import create_app

IDLE_WORKER = {"waiting": 0, "oldest_seconds": 0}
ALL_OK = {"status": "ok", "checks": {"database": "ok", "database_write": "ok", "uploads": "ok"},
          "worker": IDLE_WORKER}


def sqlite_app(tmp_path, uri: str, upload_dir):
    return create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": uri,
                       "UPLOAD_DIR": str(upload_dir)})


def migrated_sqlite_file(tmp_path):
    path = tmp_path / "health.db"
    builder = sqlite_app(tmp_path, f"sqlite:///{path}", tmp_path / "uploads")
    with builder.app_context():
        upgrade()
        from models import db

        db.engine.dispose()
    return path


def test_healthz_all_ok_names_every_check(client):
    """With a writable database and upload folder, does /healthz answer 200 and list each check as ok?"""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == ALL_OK


def test_healthz_leaves_nothing_in_the_upload_folder(app, client):
    """Does the upload probe remove its file, so health checks never fill the folder?"""
    from pathlib import Path

    folder = Path(app.config["UPLOAD_DIR"])
    before = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    assert client.get("/healthz").status_code == 200
    assert sorted(p.name for p in folder.iterdir()) == before


def test_healthz_reports_an_upload_folder_that_cannot_be_written(tmp_path):
    """Is an upload folder the service cannot write to reported as 503 "uploads: not writable"?

    Tests run as root, for whom chmod 0o500 does not stop a write, so the folder is made
    unwritable the way that stops root too: UPLOAD_DIR lies below a regular file, so neither
    the folder nor a file in it can be created.
    """
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file")
    db_file = migrated_sqlite_file(tmp_path)
    app = sqlite_app(tmp_path, f"sqlite:///{db_file}", blocker / "uploads")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "checks": {
        "database": "ok", "database_write": "ok", "uploads": "not writable"},
        "worker": IDLE_WORKER}


@pytest.mark.skipif(os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
                    reason="a SQLite file opened read-only; PostgreSQL has its own test below")
def test_healthz_reports_a_read_only_sqlite_database(tmp_path):
    """Is a database that answers reads but refuses writes reported as 503 "read-only"?

    The migrated database file is opened through SQLite's read-only URI (mode=ro), as when
    the file or its file system is read-only: SELECT works, every write fails.
    """
    db_file = migrated_sqlite_file(tmp_path)
    before = db_file.read_bytes()
    uri = f"sqlite:///file:{db_file}?mode=ro&uri=true"
    app = sqlite_app(tmp_path, uri, tmp_path / "uploads")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "checks": {
        "database": "ok", "database_write": "read-only", "uploads": "ok"},
        "worker": IDLE_WORKER}
    assert db_file.read_bytes() == before  # the refused write changed nothing


def test_healthz_write_check_leaves_a_writable_sqlite_file_unchanged(tmp_path):
    """Does the write check on a healthy SQLite file roll back, leaving its bytes as they were?"""
    db_file = migrated_sqlite_file(tmp_path)
    before = db_file.read_bytes()
    app = sqlite_app(tmp_path, f"sqlite:///{db_file}", tmp_path / "uploads")
    assert app.test_client().get("/healthz").get_json() == ALL_OK
    assert db_file.read_bytes() == before


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
                    reason="needs the PostgreSQL run")
def test_healthz_reports_a_read_only_postgresql_database(app, client):
    """On PostgreSQL, is a server that only accepts read-only transactions reported as 503?"""
    from sqlalchemy import text

    from models import db

    with app.app_context():
        name = db.engine.url.database
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        db.engine.dispose()
    try:
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.get_json()["checks"] == {
            "database": "ok", "database_write": "read-only", "uploads": "ok"}
    finally:
        with app.app_context():
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("SET default_transaction_read_only = off"))
                conn.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
            db.engine.dispose()


def test_healthz_names_the_database_when_it_is_unreachable(tmp_path):
    """When the database cannot be opened, does /healthz say so and skip the write check?"""
    app = sqlite_app(tmp_path, f"sqlite:///{tmp_path}/missing/dir/db.sqlite", tmp_path / "up")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "checks": {
        "database": "unavailable", "database_write": "not checked", "uploads": "ok"},
        "worker": None}


def test_healthz_shows_the_submissions_waiting_for_the_worker(app, client):
    """Does /healthz count the submissions the background worker has not announced yet (and
    stay 200: the web side still works), and is the backlog gone after the worker's round?"""
    from tests.helpers import GOOD_NIK, announce_submissions

    guest = {"guest_kind": "umum", "perihal": "Jalan berlubang", "body": "Lubang besar.",
             "nik": GOOD_NIK, "phone": "081234500011", "event_date": "2026-01-05"}
    for _ in range(2):
        assert client.post("/lapor", data=guest).status_code == 302
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["worker"]["waiting"] == 2
    assert response.get_json()["worker"]["oldest_seconds"] >= 0
    assert announce_submissions(app) == 2
    assert client.get("/healthz").get_json()["worker"] == IDLE_WORKER

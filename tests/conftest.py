"""Shared fixtures: one app per test session, a clean database per test, logins by role.

The database comes from TEST_DATABASE_URL (PostgreSQL in CI's second run); without it, a
SQLite file in a temporary folder. The schema is built by the Alembic migrations, so every
run also proves that `flask --app wsgi db upgrade` creates what the models expect.
"""
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from jinja2 import StrictUndefined
from sqlalchemy import text

DEMO_PASSWORD = "Sandi-Demo-2026"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

_tmp = tempfile.mkdtemp(prefix="aspirasi-tests-")
os.environ.setdefault("INSTANCE_PATH", _tmp)  # never touch the developer's instance/


def _test_config(tmp: str) -> dict:
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp}/test.db"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SECURITY_PASSWORD_SALT": "test-salt",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_BACKEND": "locmem",
        "UPLOAD_DIR": f"{tmp}/uploads",
        "SERVER_NAME": "aspirasi.test",
        # Fast hashing in tests only; production keeps argon2's defaults.
        "SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS": {"argon2__time_cost": 1,
                                                   "argon2__memory_cost": 1024,
                                                   "argon2__parallelism": 1},
    }


@pytest.fixture(scope="session")
def app():
    from flask_migrate import upgrade

    from aspirasi import create_app

    tmp = tempfile.mkdtemp(prefix="aspirasi-app-")
    app = create_app(_test_config(tmp))
    app.jinja_env.undefined = StrictUndefined
    with app.app_context():
        from models import db

        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
    yield app
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(autouse=True)
def clean_db(app):
    """Empty every table before each test; also clear mail, limits and uploads."""
    from aspirasi.extensions import limiter
    from models import db

    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                  + " RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f'DELETE FROM "{table}"'))
        mailman = app.extensions["mailman"]
        if hasattr(mailman, "outbox"):
            mailman.outbox.clear()
        if limiter.enabled:
            limiter.reset()
    yield
    with app.app_context():
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app):
    """Mails delivered so far (Flask-Mailman's in-memory backend)."""
    mailman = app.extensions["mailman"]
    if not hasattr(mailman, "outbox"):
        mailman.outbox = []
    return mailman.outbox


@pytest.fixture
def demo(app):
    """The demo data set of `flask --app wsgi seed-demo`; returns users by username."""
    from aspirasi.cli import seed_demo

    with app.app_context():
        users = seed_demo(DEMO_PASSWORD)
        return {name: user.id for name, user in users.items()}


def login(client, identity: str, password: str = DEMO_PASSWORD, follow=False):
    return client.post("/login", data={"identity": identity, "password": password},
                       follow_redirects=follow)


@pytest.fixture
def login_as(client, demo):
    """Log the test client in as one of the demo accounts: `login_as("op-dlh")`."""
    def _login(username: str):
        client.post("/logout")
        response = login(client, username)
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        return client
    return _login


def links_in(text_body: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text_body)

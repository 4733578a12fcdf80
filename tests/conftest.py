"""Every fixture of the suite: one app per test session, a clean database per test, demo
data, logins by role, switches for CSRF and rate limits, an SMTP server, a browser.

The database comes from TEST_DATABASE_URL (PostgreSQL in CI's second run); without it, a
SQLite file in a temporary folder. The schema is built by the Alembic migrations, so every
run also proves that `flask --app wsgi db upgrade` creates what the models expect.
Plain functions the tests call (factories, log_in, readers) live in tests/helpers.py.
"""
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from jinja2 import StrictUndefined
from sqlalchemy import text

from tests.helpers import (
    PASSWORD,
    DeliveredMail,
    SilentSmtp,
    SmtpInbox,
    app_config,
    browser_log_in,
    free_port,
    gen_citizen,
    gen_report_dataset,
    log_in,
)

_tmp = tempfile.mkdtemp(prefix="aspirasi-tests-")
os.environ.setdefault("INSTANCE_PATH", _tmp)  # never touch the developer's instance/


def pytest_collection_modifyitems(items):
    """Mark every test that drives the browser as `browser` and `slow`, so `-m "not browser"`
    and `-m "not slow"` leave them out without each file saying so."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def app():
    from flask_migrate import upgrade

    from aspirasi import create_app

    tmp = tempfile.mkdtemp(prefix="aspirasi-app-")
    app = create_app(app_config(tmp))
    app.jinja_env.undefined = StrictUndefined
    from aspirasi.extensions import limiter

    limiter.enabled = False  # on only in the tests that use `rate_limits_enabled`
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
    """Empty every table before each test; also clear mail, limits, the cache and uploads."""
    from aspirasi.extensions import cache, limiter
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
        # Another app built by a test may have switched the shared limiter on.
        limiter.enabled = False
        limiter.reset()
        cache.clear()  # figures and pages of the previous test's data
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
    """The mails delivered so far (Flask-Mailman's in-memory backend). No request delivers
    mail; reading this outbox first runs the delivery worker's own `drain` on the queue, as
    the `mail-deliver` service would have done by then."""
    return DeliveredMail(app)


@pytest.fixture
def db_session(app):
    """An app context open for the whole test; yields its database session."""
    from models import db

    with app.app_context():
        yield db.session


# The demo's rows as seed_demo wrote them, by the app settings they were written under.
_seeded_demo: dict = {}


@pytest.fixture
def demo(app):
    """The demo data set of `flask --app wsgi seed-demo`; returns user ids by username.

    seed_demo runs in the first test that asks for the demo; later tests get a copy of the
    rows it wrote, put back into their clean database, ids included. The copy is the same
    data and costs a fraction of seeding (a password hash per account, every sample message's
    lifecycle, the notifications). seed_demo runs again where the copy might differ from what
    it would write: under other app settings (its queued mails carry PUBLIC_BASE_URL, and its
    rules may read others), or into a database that already holds rows of the test's own."""
    from aspirasi.cli import seed_demo
    from models import db

    settings = repr(sorted(app.config.items()))
    with app.app_context():
        with db.engine.connect() as conn:
            empty = all(conn.execute(table.select().limit(1)).first() is None
                        for table in db.metadata.sorted_tables)
        if empty and settings in _seeded_demo:
            users, rows = _seeded_demo[settings]
            put_back_rows(db, rows)
            return dict(users)
        users = {name: user.id for name, user in seed_demo(PASSWORD).items()}
        if empty:
            _seeded_demo[settings] = users, table_rows(db)
        return dict(users)


def table_rows(db) -> dict:
    """Every row of every table, in primary key order (a row referring to an older row of its
    own table comes after it)."""
    with db.engine.connect() as conn:
        return {table.name: [dict(row) for row in conn.execute(
                    table.select().order_by(*table.primary_key.columns)).mappings()]
                for table in db.metadata.sorted_tables}


def put_back_rows(db, rows: dict) -> None:
    """Insert `rows` (table_rows) into the emptied tables; on PostgreSQL, move each id
    sequence past the ids put back, so that the next row gets a new one."""
    with db.engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            if rows[table.name]:
                conn.execute(table.insert(), rows[table.name])
        if conn.dialect.name != "postgresql":
            return
        for table in db.metadata.sorted_tables:
            if not rows[table.name] or "id" not in table.c:
                continue
            sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:table, 'id')"),
                                   {"table": f'"{table.name}"'})
            if sequence:
                conn.execute(text("SELECT setval(:sequence, :last)"),
                             {"sequence": sequence, "last": max(r["id"] for r in rows[table.name])})


@pytest.fixture
def login_as(client, demo):
    """Log the test client in as one of the demo accounts: `login_as("op-dlh")`."""
    def _login(username: str):
        return log_in(client, username)
    return _login


@pytest.fixture
def citizen(app, client):
    """Siti, a confirmed citizen with a valid NIK, signed in on the test client; returns it."""
    gen_citizen(app)
    return log_in(client, "siti")


@pytest.fixture
def dataset(app, demo):
    """The demo accounts and OPDs with the hand-worked report messages instead of the demo's."""
    return gen_report_dataset(app)


@pytest.fixture
def csrf_enabled(app):
    """Turn CSRF protection on for one test (it is off for the rest of the suite)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def rate_limits_enabled(app):
    """Turn rate limiting on for one test, with fresh counters."""
    from aspirasi.extensions import limiter

    limiter.enabled = True
    limiter.reset()
    yield limiter
    limiter.reset()
    limiter.enabled = False


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over real HTTP on a loopback port, for the browser tests."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = url
    yield url
    server.shutdown()


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download needed)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (own cookies) sized like a phone; `page.goto("/...")` is relative."""
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844},
                                  locale="id-ID")
    tab = context.new_page()
    tab.set_default_timeout(15000)
    yield tab
    context.close()


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on 127.0.0.1 for one test; the app's mail goes there meanwhile."""
    from aiosmtpd.controller import Controller

    from aspirasi.extensions import mail

    inbox = SmtpInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved_config = {k: app.config[k] for k in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT")}
    saved_state = app.extensions["mailman"]
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    mail.init_app(app)  # Flask-Mailman reads its settings at init
    try:
        yield inbox
    finally:
        app.config.update(saved_config)
        app.extensions["mailman"] = saved_state
        controller.stop()


@pytest.fixture
def silent_smtp(app):
    """A hung mail server (accepts, never answers) on 127.0.0.1 for one test; the app's mail
    goes there with a 1 s timeout meanwhile. Yields the SilentSmtp (its `connections`)."""
    from aspirasi.extensions import mail

    server = SilentSmtp()
    keys = ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT")
    saved_config = {k: app.config[k] for k in keys}
    saved_state = app.extensions["mailman"]
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port,
                      MAIL_TIMEOUT=1)
    mail.init_app(app)  # Flask-Mailman reads its settings at init
    try:
        yield server
    finally:
        server.close()
        app.config.update(saved_config)
        app.extensions["mailman"] = saved_state


@pytest.fixture
def open_as(browser, live_server):
    """Open a tab in a browser context of its own, signed in as `username` (None: a visitor)."""
    contexts = []

    def _open(username=None):
        context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900},
                                      locale="id-ID")
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(15000)
        if username:
            browser_log_in(tab, username)
        return tab

    yield _open
    for context in contexts:
        context.close()

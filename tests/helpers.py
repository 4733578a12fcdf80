"""What the test files share besides fixtures: test data, factories, one login, small readers.

Factories follow one pattern: `gen_*(app, ...)` writes rows the way the application would
(accounts through the CLI's helpers, messages through `models.lifecycle`), commits, and returns
the row. Called inside an app context they use its session, so the row stays attached; called
outside one they open their own, and the returned row is detached with its columns loaded
(`.id`, `.tracking`, `.status` readable; relationships are not).
"""
import io
import os
import re
import socket
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app, has_app_context
from PIL import Image

# Every account the tests create or seed (demo accounts included) has this password.
PASSWORD = "Sandi-Demo-2026"
GOOD_NIK = "6471054107950002"    # Balikpapan, a woman born 1 July 1995 (day 01 + 40)
OTHER_NIK = "6402031203880001"   # Kutai Kartanegara, born 12 March 1988
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@contextmanager
def in_app(app):
    """The current app context if it belongs to `app`, else a new one for the block."""
    if has_app_context() and current_app._get_current_object() is app:
        yield
    else:
        with app.app_context():
            yield


def app_config(tmp: str) -> dict:
    """The app settings of a test installation whose files live under `tmp`: the database from
    TEST_DATABASE_URL (PostgreSQL in the second run), else SQLite there."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp}/test.db"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SECURITY_PASSWORD_SALT": "test-salt",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": True,  # storage is set up; the app fixture then switches it off
        "RATELIMIT_STORAGE_URI": "memory://",  # the tests' app is one process
        "MAIL_BACKEND": "locmem",
        "UPLOAD_DIR": f"{tmp}/uploads",
        "PUBLIC_BASE_URL": "http://localhost",
        # Cached figures and pages are exact in tests: a change is seen by the next request.
        "CACHE_TYPE": "SimpleCache",
        "FIGURES_MAX_AGE": 0,
        "CACHED_PAGES_RECHECK": 0,
        "FIGURES_REFRESH": 0,  # on only in the tests of the worker's recount
        "TRIAGE_TRAIN_EVERY": 0,  # on only in the tests of training without a command
        # Fast hashing in tests only; an installation hashes with the config's argon2 settings.
        "SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS": {"argon2__time_cost": 1,
                                                   "argon2__memory_cost": 1024,
                                                   "argon2__parallelism": 1},
    }


# --- demo rows by their natural keys (inside an app context) --------------------------------

def get_user(username):
    from models import User

    return User.query.filter_by(username=username).one()


def get_opd(code):
    from models import Opd

    return Opd.query.filter_by(code=code).one()


def get_sub(code):
    from models import Subcategory

    return Subcategory.query.filter_by(code=code).one()


# --- factories ----------------------------------------------------------------------------

def gen_citizen(app, username="siti", email=None, nik=GOOD_NIK, confirmed=True):
    """A citizen account created directly (registration itself is tested through HTTP)."""
    from aspirasi.cli import create_user, ensure_roles
    from models import db

    with in_app(app):
        ensure_roles()
        user = create_user(username, email or f"{username}@example.com", PASSWORD, ["user"],
                           full_name=username.title(), confirmed=confirmed)
        user.nik = nik
        db.session.commit()
        db.session.refresh(user)
        return user


# The staff steps that bring a new message to each status, in order.
STEPS_TO = {
    "baru": (),
    "diteruskan": ("forward",),
    "diproses": ("forward", "accept"),
    "selesai": ("forward", "accept", "reply"),
    "ditutup": ("close",),
}


def gen_message(app, *, status="baru", reporter="warga", perihal="Lampu jalan padam",
                body="Lampu jalan di Jl. Pahlawan padam seminggu.", opd="DISKOMINFO",
                sub="adu-internet", **fields):
    """A message submitted by `reporter` (a username; None for a guest) and moved by staff to
    `status`; when forwarded, to OPD `opd` under subcategory `sub`. Extra `fields` are Message
    columns (anonim, rahasia, guest_nik, ...). The worker has announced the submission (the
    admins' notices, the receipt queued) before staff move it on."""
    from models import Message, db, lifecycle

    with in_app(app):
        author = get_user(reporter) if reporter else None
        message = Message(perihal=perihal, body=body, reporter=author,
                          channel="web" if author else "guest", **fields)
        lifecycle.submit(message, actor=author)
        lifecycle.commit()
        announce_submissions(app)
        if STEPS_TO[status]:
            message = advance(app, message, *STEPS_TO[status], opd=opd, sub=sub)
        db.session.refresh(message)
        return message


def advance(app, message, *steps, opd="DISKOMINFO", sub="adu-internet"):
    """Move `message` (a Message or its tracking number) on as staff would, one step at a time:
    "forward" (the admin, to `opd`), "accept", "reply", "note" (that OPD's operator), "close"
    (the admin, as out of scope). Returns the message."""
    from models import Message, User, db, lifecycle

    with in_app(app):
        if isinstance(message, str):
            message = Message.query.filter_by(tracking=message).one()
        else:
            message = db.session.get(Message, message.id)
        admin = get_user("admin")
        for step in steps:
            if step == "forward":
                subcategory = get_sub(sub)
                lifecycle.perform(message, "forward", admin, category=subcategory.category,
                                  subcategory=subcategory, opd=get_opd(opd),
                                  note="Mohon segera ditinjau.")
            elif step == "close":
                lifecycle.perform(message, "close", admin, reason="out_of_scope",
                                  note="Kewenangan pemerintah kota.")
            else:
                operator = User.query.filter_by(opd_id=message.opd_id).order_by(User.id).first()
                if step == "accept":
                    lifecycle.perform(message, "accept", operator)
                elif step == "reply":
                    lifecycle.perform(message, "reply", operator, answer="Saluran sudah dibersihkan.")
                elif step == "note":
                    lifecycle.perform(message, "note", operator, note="CATATAN-INTERNAL-RAHASIA")
                else:
                    raise ValueError(f"unknown step {step!r}")
            db.session.flush()
        lifecycle.commit()
        return message


FAR = datetime(2099, 1, 1)
HOUR = timedelta(hours=1)

# The report figures' hand-worked table: key, category, OPD, status, created (UTC), hours to
# triage, hours to answer, hours allowed, half-stars, kabupaten.
REPORT_ROWS = [
    ("m1", "aduan", "DISKOMINFO", "selesai", datetime(2026, 1, 5), 1, 10, 48, 10, "Kota Samarinda"),
    ("m2", "aduan", "DISKOMINFO", "selesai", datetime(2026, 1, 6), 3, 30, 24, 8, "Kota Samarinda"),
    ("m3", "aspirasi", "DISKOMINFO", "selesai", datetime(2026, 1, 7), 2, 20, 48, None,
     "Kota Balikpapan"),
    ("m4", "aspirasi", "DISKOMINFO", "diproses", datetime(2026, 1, 8), 4, None, None, None,
     "Kota Balikpapan"),
    ("m5", "aduan", "DLH", "selesai", datetime(2026, 2, 2), 1, 5, 48, 8, "Kota Samarinda"),
    ("m6", "aduan", "DLH", "diteruskan", datetime(2026, 2, 3), 2, None, 24, None, "Kota Bontang"),
    ("m7", "informasi", None, "selesai", datetime(2026, 2, 4), 1, None, None, None, None),
    ("m8", None, None, "baru", datetime(2026, 2, 5), None, None, None, None, None),
    ("m9", "aduan", None, "ditutup", datetime(2026, 2, 6), 1, None, None, None, "Kota Samarinda"),
    ("m11", "aspirasi", "DISHUT", "diproses", datetime(2026, 2, 8), 6, None, None, None,
     "Kabupaten Kutai Timur"),
    ("m10", "aduan", None, "dicabut", datetime(2026, 2, 7), None, None, None, None, "Kota Samarinda"),
]


def gen_report_dataset(app) -> dict:
    """Replace every message by the ten counted ones of REPORT_ROWS plus one withdrawn, with
    their times set directly; returns their tracking numbers by key."""
    from models import Category, Message, MessageEvent, Notification, Opd, QueuedMail, Rating, db

    with in_app(app):
        for model in (Rating, Notification, QueuedMail, MessageEvent, Message):
            db.session.query(model).delete()
        opds = {o.code: o for o in Opd.query}
        categories = {c.code: c for c in Category.query}
        made = {}
        for key, cat_code, opd_code, status, created, triage, answer, due, half, kab in REPORT_ROWS:
            m = Message(perihal=f"Perihal {key}", body=f"Isi pesan {key}", status=status,
                        channel="guest", kabupaten=kab, created_at=created, updated_at=created,
                        category=categories.get(cat_code), opd=opds.get(opd_code),
                        guest_name=f"Warga {key}", guest_nik=f"64720000000000{len(made):02d}",
                        guest_email=f"{key}@example.com", guest_phone=f"08120000{len(made):04d}")
            m.triage_due_at = created + 2 * HOUR
            if triage is not None:
                m.triaged_at = created + triage * HOUR
            if opd_code:
                m.forwarded_at = m.triaged_at
                m.answer_due_at = FAR
            if due is not None:
                m.answer_due_at = m.forwarded_at + due * HOUR if m.forwarded_at else None
            if answer is not None:
                m.finished_at = m.forwarded_at + answer * HOUR
            if key == "m7":
                m.finished_at = m.triaged_at + HOUR
            if key in ("m4", "m11"):
                m.answer_due_at = FAR
            db.session.add(m)
            db.session.flush()
            if half:
                db.session.add(Rating(message_id=m.id, half_stars=half))
            made[key] = m.tracking
        db.session.commit()
        return made


# --- reading state back ---------------------------------------------------------------------

def fresh(app, message_id):
    """The message as stored now (status, version, counts), read in a new session."""
    from models import Message, db

    with app.app_context():
        db.session.remove()
        message = db.session.get(Message, message_id)
        return {"status": message.status, "version": message.version,
                "opd": message.opd.code if message.opd else None,
                "events": [e.action for e in message.events],
                "attachments": len(message.attachments), "answer": message.answer,
                "anonim": message.anonim, "rahasia": message.rahasia, "hidden": message.hidden}


def count_rows(app, model, **filters) -> int:
    with app.app_context():
        return model.query.filter_by(**filters).count()


# --- the web client -------------------------------------------------------------------------

def log_in(client, username, password=PASSWORD):
    """Sign the test client out, then in as `username` (None: stay anonymous); returns it."""
    client.post("/logout")
    if username is not None:
        response = client.post("/login", data={"identity": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def post_action(client, message_id, action, version=None, **data):
    """Post a staff action from the message page, built on `version` (default: the stored one)."""
    from models import Message, db

    if version is None:
        with client.application.app_context():
            version = db.session.get(Message, message_id).version
    return client.post(f"/admin/detail/{message_id}/aksi/{action}",
                       data={"version": version, **data}, content_type="multipart/form-data")


def links_in(text_body: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text_body)


def first_link(text: str, fragment: str) -> str:
    links = [link for link in links_in(text) if fragment in link]
    assert links, f"no link containing {fragment!r} in: {text[:500]}"
    return links[0]


# --- files to upload ------------------------------------------------------------------------

def jpeg_bytes(width=60, height=40, color=(11, 93, 70)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def upload(data: bytes, name: str):
    return (io.BytesIO(data), name)


# --- servers and browsers -------------------------------------------------------------------

def free_port() -> int:
    """A loopback port free right now (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def announce_submissions(app) -> int:
    """Run the worker's announcing step once: the notices and receipts of new submissions."""
    from services.notify import announce_pending

    with in_app(app):
        return announce_pending()


def deliver_queue(app) -> tuple[int, int]:
    """Run one round of the background worker (announce pending submissions, then drain the
    mail queue), as `mail-deliver` would; returns (sent, failed)."""
    from services import worker

    with in_app(app):
        _announced, sent, failed = worker.one_round()
        return sent, failed


class DeliveredMail:
    """A read-only view of Flask-Mailman's in-memory outbox that drains the queue (with the
    worker's code) before every read, so a test sees what the worker would have sent."""

    def __init__(self, app):
        self.app = app

    def _mails(self) -> list:
        deliver_queue(self.app)
        mailman = self.app.extensions["mailman"]
        if not hasattr(mailman, "outbox"):
            mailman.outbox = []
        return mailman.outbox

    def __len__(self):
        return len(self._mails())

    def __getitem__(self, index):
        return self._mails()[index]

    def __iter__(self):
        return iter(list(self._mails()))

    def __eq__(self, other):
        return list(self._mails()) == list(other)

    def __repr__(self):
        return f"DeliveredMail({self._mails()!r})"


class SilentSmtp:
    """A mail server that has hung: it accepts TCP connections on 127.0.0.1, counts them,
    keeps them open and never says a word. `close()` frees the port for a real server."""

    def __init__(self):
        import threading

        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.held = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def connections(self) -> int:
        return len(self.held)

    def _accept(self):
        while True:
            try:
                conn, _addr = self.listener.accept()
            except OSError:
                return  # closed
            self.held.append(conn)

    def close(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        self.thread.join(timeout=5)
        for conn in self.held:
            conn.close()


class SmtpInbox:
    """An SMTP handler (for aiosmtpd) that keeps every message as (recipients, raw bytes)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 Message accepted for delivery"


def browser_log_in(tab, username, password=PASSWORD):
    """Sign a browser tab in through the /login form, as a person would; returns the tab."""
    tab.goto("/login")
    tab.fill("#identity", username)
    tab.fill("#password", password)
    with tab.expect_navigation():
        tab.locator("form").filter(has=tab.locator("#identity")).locator("[type=submit]").click()
    assert "/login" not in tab.url, f"{username} could not sign in"
    return tab


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ (git-ignored)."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def fill_guest_form(page, perihal: str, body: str, event_date: str, photo: Path,
                    umum: bool = False) -> None:
    """Fill /lapor in the browser as a guest with the test NIK and phone, and attach `photo`;
    `umum` also picks the first kind of report."""
    if umum:
        page.check("#guest_kind-1")
    page.fill("#perihal", perihal)
    page.fill("#body", body)
    page.fill("#nik", GOOD_NIK)
    page.fill("#phone", "081233344455")
    page.fill("#event_date", event_date)
    page.set_input_files("#foto", str(photo))


# --- second factor --------------------------------------------------------------------------

def totp_code(key: str, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows for `key` (as printed on /tf-setup) at
    time `at`: RFC 6238 with HMAC-SHA1 and 30-second steps, written out here so the tests do
    not trust the code they check."""
    import base64
    import hashlib
    import hmac
    import struct
    import time

    secret = key.replace("-", "").replace(" ", "").upper()
    secret += "=" * (-len(secret) % 8)
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def authenticator_key(page: str) -> str:
    """The key /tf-setup shows as text beside its QR code."""
    import re

    found = re.search(r'<code id="authr-key">([^<]+)</code>', page)
    assert found, "the setup page shows the key as text"
    return found.group(1).strip()


def enrol_authenticator(client) -> str:
    """Enrol the signed-in user's authenticator through /tf-setup; returns the key."""
    import re
    import time

    page = client.post("/tf-setup", data={"setup": "authenticator"}).get_data(as_text=True)
    key = authenticator_key(page)
    action = re.search(r'<form action="([^"]+)"[^>]*name="two_factor_verify_code_form"',
                       page).group(1).replace("&amp;", "&")
    response = client.post(action, data={"code": totp_code(key, time.time() - 30)})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return key


@contextmanager
def counted(app):
    """The SQL statements sent to the database inside the block, as a list of their texts."""
    from sqlalchemy import event

    from models import db

    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)

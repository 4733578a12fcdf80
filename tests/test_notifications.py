"""Notifications: the in-app badge, marking read, and the mail queue surviving a broken SMTP."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models import Message, Notification, QueuedMail, db, utcnow
from tests.helpers import SmtpInbox, free_port, fresh, gen_message, get_opd, get_sub, get_user

ROOT = Path(__file__).resolve().parent.parent


def badge(client):
    page = client.get("/admin/").get_data(as_text=True)
    return int(page.split('id="badge-count" data-count="')[1].split('"')[0])


def test_admin_badge_counts_new_messages_and_mark_read(app, client, login_as):
    """Does a new message raise the admin's badge, and do 'mark read' and opening it lower it?"""
    login_as("admin")
    assert badge(client) == 1  # of the demo messages, only one still waits for triage
    with app.app_context():
        mid = gen_message(app, perihal="Pesan untuk lencana").id
        first = (Notification.query.filter_by(user_id=get_user("admin").id, read_at=None)
                 .order_by(Notification.id).first().id)
    assert badge(client) == 2
    assert client.post("/admin/notifikasi/baca", data={"id": first}).status_code == 302
    assert badge(client) == 1
    client.get(f"/admin/detail/{mid}")  # opening the message reads its notice
    assert badge(client) == 0
    gen_message(app, perihal="Satu lagi")
    assert badge(client) == 1
    client.post("/admin/notifikasi/baca")
    assert badge(client) == 0


def test_triage_settles_the_new_message_notice(app, client, login_as):
    """Once a message is forwarded, does it stop counting as waiting on the admin's badge?"""
    login_as("admin")
    before = badge(client)
    gen_message(app, perihal="Akan diteruskan")
    assert badge(client) == before + 1
    # Submitted and forwarded at once: nothing waits for the admin.
    gen_message(app, status="diteruskan", perihal="Diteruskan langsung")
    assert badge(client) == before + 1


def test_accepting_settles_the_operators_forwarded_notice(app, client, login_as):
    """When the OPD accepts a forwarded message, does its 'forwarded to you' notice stop counting?"""
    login_as("op-diskominfo")
    before = badge(client)
    mid = gen_message(app, status="diteruskan").id
    assert badge(client) == before + 1
    client.post(f"/admin/detail/{mid}/aksi/accept",
                data={"version": fresh(app, mid)["version"]})
    with app.app_context():
        assert db.session.get(Message, mid).status == "diproses"
    assert badge(client) == before


def test_forward_notifies_the_opds_operators_only(app, client, login_as):
    """Does forwarding to Diskominfo notify op-diskominfo and not op-dlh?"""
    login_as("op-dlh")
    dlh_before = badge(client)
    login_as("op-diskominfo")
    before = badge(client)
    gen_message(app, status="diteruskan")
    assert badge(client) == before + 1
    assert "diteruskan ke OPD Anda" in client.get("/admin/").get_data(as_text=True)
    login_as("op-dlh")
    assert badge(client) == dlh_before


def test_the_message_page_bell_counts_what_is_unread_after_the_opening(app, client, login_as):
    """Does the bell on a message's page count the reader's unread notices as they stand once
    the page is open: one less when the message had an unread notice, as many when it had
    none left (the count then comes with the check for unread notices)?"""
    first = gen_message(app, status="diteruskan", perihal="Pertama").id
    second = gen_message(app, status="diteruskan", perihal="Kedua").id
    login_as("op-diskominfo")
    before = badge(client)

    def bell_on_page(message_id):
        page = client.get(f"/admin/detail/{message_id}").get_data(as_text=True)
        return int(page.split('id="badge-count" data-count="')[1].split('"')[0])
    assert before >= 2
    assert bell_on_page(first) == before - 1
    assert bell_on_page(first) == before - 1
    assert bell_on_page(second) == before - 2
    assert badge(client) == before - 2


def test_cannot_mark_another_users_notification(app, client, login_as):
    """Can a user mark someone else's notification read by guessing its id?"""
    with app.app_context():
        gen_message(app)
        admin_notice = Notification.query.filter_by(user_id=get_user("admin").id, read_at=None).first().id
    login_as("op-dlh")
    client.post("/admin/notifikasi/baca", data={"id": admin_notice})
    with app.app_context():
        assert db.session.get(Notification, admin_notice).read_at is None


FORWARD_SCRIPT = """
import json, sys
from aspirasi import create_app
config, message_id, form = json.loads(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
app = create_app(config)
client = app.test_client()
assert client.post("/login", data={"identity": "admin", "password": "Sandi-Demo-2026"}).status_code == 302
response = client.post(f"/admin/detail/{message_id}/aksi/forward", data=form)
print(response.status_code)
"""


@pytest.mark.slow
def test_smtp_failure_neither_blocks_nor_loses_a_forward(app, demo, tmp_path):
    """With the SMTP server down, does a forward still commit, its mail stay queued (with the
    error once the worker tried), and a later `mail-deliver` with a working server deliver it?"""
    from aiosmtpd.controller import Controller

    with app.app_context():
        mid = gen_message(app, perihal="Uji surat gagal").id
        internet = get_sub("adu-internet")
        form = {"version": "1", "category_id": internet.category_id,
                "subcategory_id": internet.id, "opd_id": get_opd("DISKOMINFO").id}
        QueuedMail.query.update({"sent_at": utcnow()})  # only this forward's mail matters
        db.session.commit()
    closed_port = free_port()  # bound then released: nothing listens there
    config = {"TESTING": True, "SECRET_KEY": "test-secret", "SECURITY_PASSWORD_SALT": "test-salt",
              "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
              "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
              "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": closed_port,
              "MAIL_TIMEOUT": 5, "UPLOAD_DIR": str(tmp_path / "uploads")}
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", FORWARD_SCRIPT, json.dumps(config), str(mid),
                             json.dumps(form)], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "302", result.stderr[-2000:]
    assert fresh(app, mid)["status"] == "diteruskan"
    with app.app_context():
        # The request only queued its mail; delivering is the worker's job.
        assert [m.attempts for m in QueuedMail.query.filter(QueuedMail.sent_at.is_(None))] == [0, 0]
    db_url = app.config["SQLALCHEMY_DATABASE_URI"]
    cli_env = {**env, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
               "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1"}
    failing = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "mail-deliver"],
                             cwd=ROOT, env={**cli_env, "MAIL_PORT": str(closed_port)},
                             capture_output=True, text=True, timeout=120)
    assert failing.returncode == 1 and "terkirim: 0, gagal: 2" in failing.stdout, failing.stderr
    with app.app_context():
        queued = QueuedMail.query.filter(QueuedMail.sent_at.is_(None)).order_by(QueuedMail.id).all()
        recipients = sorted(m.recipient for m in queued)
        assert recipients == ["op-diskominfo@aspirasi.kaltimprov.go.id", "warga@example.com"]
        assert all(m.attempts == 1 and "Connection" in (m.last_error or "") for m in queued)
        # The back-off has passed (time moves on; the test does not wait).
        QueuedMail.query.filter(QueuedMail.sent_at.is_(None)).update({"next_attempt_at": utcnow()})
        db.session.commit()

    inbox = SmtpInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        delivered = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "mail-deliver"],
                                   cwd=ROOT, env={**cli_env, "MAIL_PORT": str(port)},
                                   capture_output=True, text=True, timeout=120)
    finally:
        controller.stop()
    assert delivered.returncode == 0, delivered.stdout + delivered.stderr[-2000:]
    assert "terkirim: 2, gagal: 0" in delivered.stdout
    assert sorted(rcpt for rcpts, _raw in inbox.messages for rcpt in rcpts) == [
        "op-diskominfo@aspirasi.kaltimprov.go.id", "warga@example.com"]
    with app.app_context():
        db.session.remove()
        assert QueuedMail.query.filter(QueuedMail.sent_at.is_(None)).count() == 0


def listed_and_badge(client):
    page = client.get("/admin/").get_data(as_text=True)
    listed = 0
    if 'id="notifications"' in page:
        block = page.split('id="notifications"')[1].split("</ul>")[0]
        listed = block.count("<li")
    return listed, int(page.split('id="badge-count" data-count="')[1].split('"')[0])


def test_badge_counts_what_the_dashboard_lists(app, client, login_as):
    """Does the bell badge show as many unread notifications as the dashboard lists, for an
    operator with a forwarded message and a teguran, before and after acknowledging it?"""
    from models import Reprimand, lifecycle

    mid = gen_message(app, status="diteruskan").id
    with app.app_context():
        lifecycle.perform(db.session.get(Message, mid), "reprimand", get_user("evaluator"),
                          note="Segera tindak lanjuti")
        db.session.commit()
        reprimand_id = Reprimand.query.one().id
    login_as("op-diskominfo")
    listed, shown = listed_and_badge(client)
    assert (listed, shown) == (2, 2)
    client.post(f"/admin/teguran/{reprimand_id}/terima")
    assert listed_and_badge(client) == (1, 1)
    login_as("admin")
    listed, shown = listed_and_badge(client)
    assert listed == shown


def test_badge_stops_counting_at_99(app, client, login_as):
    """With 150 unread notifications, does the badge say "99+" (and not count them all)?"""
    with app.app_context():
        admin = get_user("admin")
        db.session.add_all(Notification(user_id=admin.id, kind="baru", text=f"n{i}")
                           for i in range(150))
        db.session.commit()
    login_as("admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert 'data-count="100">99+</span>' in page


def test_opening_a_message_reads_only_the_readers_own_notices_of_it(app, client, login_as):
    """When an operator opens a message, are its notices to them read, while its teguran, their
    notices of another message and the admin's notice of it stay unread?"""
    from models import lifecycle

    opened = gen_message(app, status="diteruskan", perihal="Dibuka").id
    other = gen_message(app, status="diteruskan", perihal="Tidak dibuka").id
    with app.app_context():
        lifecycle.perform(db.session.get(Message, opened), "reprimand", get_user("evaluator"),
                          note="Segera tindak lanjuti")
        db.session.add(Notification(user_id=get_user("admin").id, message_id=opened,
                                    kind="baru", text="Untuk admin"))
        db.session.commit()

    def unread(username, message_id):
        with app.app_context():
            return {n.kind for n in Notification.query.filter_by(
                user_id=get_user(username).id, message_id=message_id, read_at=None)}
    before = {(who, mid): unread(who, mid) for who in ("op-diskominfo", "admin")
              for mid in (opened, other)}
    assert before[("op-diskominfo", opened)] - {"teguran"} and before[("admin", opened)]
    login_as("op-diskominfo")
    assert client.get(f"/admin/detail/{opened}").status_code == 200
    assert unread("op-diskominfo", opened) == {"teguran"}
    assert unread("op-diskominfo", other) == before[("op-diskominfo", other)] != set()
    assert unread("admin", opened) == before[("admin", opened)]

"""The mail worker: requests only queue mail, `mail-deliver` delivers it, exactly once, also
when the mail server hangs, when two workers run, and when a worker dies mid-send."""
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event
from sqlalchemy.orm import Session

from models import Message, Notification, PendingAnnouncement, QueuedMail, db, utcnow
from services.mailer import enqueue
from tests.helpers import (
    GOOD_NIK,
    SilentSmtp,
    SmtpInbox,
    announce_submissions,
    count_rows,
    deliver_queue,
    free_port,
)

ROOT = Path(__file__).resolve().parent.parent

GUEST = {"guest_kind": "umum", "perihal": "Lampu jalan padam", "body": "Sudah sepekan gelap.",
         "nik": GOOD_NIK, "phone": "081234500011", "event_date": "2026-01-05"}


def queue_mails(app, recipients):
    with app.app_context():
        for recipient in recipients:
            enqueue(recipient, "Uji", f"Untuk {recipient}")
        db.session.commit()


def delivered_to(inbox) -> list[str]:
    return sorted(rcpt for rcpts, _raw in inbox.messages for rcpt in rcpts)


def worker_env(app, tmp_path, port) -> dict:
    return {**os.environ, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "test-secret",
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port)}


@pytest.mark.slow
def test_guest_submissions_never_touch_a_hung_mail_server_and_are_mailed_once_it_recovers(
        app, client, silent_smtp):
    """With a mail server that accepts and never answers, do guest submissions finish without
    one connection to it, and once a real server takes the port, is each receipt delivered
    exactly once?"""
    addresses = [f"tamu{i}@example.com" for i in range(3)]
    for address in addresses:
        started = time.monotonic()
        response = client.post("/lapor", data={**GUEST, "email": address})
        elapsed = time.monotonic() - started
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        assert elapsed < 5, f"a submission took {elapsed:.1f} s"
    assert silent_smtp.connections == 0  # no request talked to the mail server
    assert count_rows(app, Message) == 3
    assert announce_submissions(app) == 3  # the worker writes the receipts
    with app.app_context():
        rows = QueuedMail.query.order_by(QueuedMail.id).all()
        assert sorted(r.recipient for r in rows) == addresses
        assert all(r.sent_at is None and r.attempts == 0 for r in rows)

    # The worker meets the hung server: it gives up on each mail after MAIL_TIMEOUT.
    assert deliver_queue(app) == (0, 3)
    assert silent_smtp.connections >= 1
    with app.app_context():
        assert all(r.sent_at is None and r.attempts == 1 and "timed out" in r.last_error
                   for r in QueuedMail.query.all())
        # Time passes beyond the back-off (the test does not wait for it).
        QueuedMail.query.update({"next_attempt_at": utcnow()})
        db.session.commit()

    # The server recovers on the same port.
    port = silent_smtp.port
    silent_smtp.close()
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert deliver_queue(app) == (3, 0)
        assert deliver_queue(app) == (0, 0)
    finally:
        controller.stop()
    assert delivered_to(inbox) == addresses
    with app.app_context():
        assert QueuedMail.query.filter(QueuedMail.sent_at.is_(None)).count() == 0


def test_a_guest_submission_is_one_commit_and_its_receipt_is_written_by_the_worker(app, client):
    """Is a guest submission written in one transaction that records its announcement (and no
    mail), and does the worker then queue exactly one receipt, however often it runs?"""
    commits = []

    def count(session):
        commits.append(session)

    event.listen(Session, "after_commit", count)
    try:
        response = client.post("/lapor", data={**GUEST, "email": "satu@example.com"})
    finally:
        event.remove(Session, "after_commit", count)
    assert response.status_code == 302
    assert len(commits) == 1
    assert count_rows(app, PendingAnnouncement) == 1
    assert count_rows(app, QueuedMail, recipient="satu@example.com") == 0
    assert announce_submissions(app) == 1
    assert announce_submissions(app) == 0
    assert count_rows(app, PendingAnnouncement) == 0
    assert count_rows(app, QueuedMail, recipient="satu@example.com") == 1


@pytest.mark.slow
def test_two_workers_never_send_the_same_mail(app, tmp_path):
    """With two `mail-deliver` processes draining one queue at once, does every mail arrive
    exactly once?"""
    recipients = [f"warga{i:02d}@example.com" for i in range(30)]
    queue_mails(app, recipients)
    inbox = SmtpInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = worker_env(app, tmp_path, port)
        workers = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi",
                                     "mail-deliver", "--limit", "5"], cwd=ROOT, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(2)]
        outputs = [worker.communicate(timeout=120) for worker in workers]
    finally:
        controller.stop()
    assert [w.returncode for w in workers] == [0, 0], [err[-1500:] for _out, err in outputs]
    assert delivered_to(inbox) == recipients, [out for out, _err in outputs]
    with app.app_context():
        db.session.remove()
        assert QueuedMail.query.filter(QueuedMail.sent_at.is_(None)).count() == 0


def test_a_mail_claimed_by_a_dead_worker_waits_for_its_lease_and_a_sent_mail_never_repeats(
        app, outbox):
    """A worker died after claiming a mail: is the mail left alone until the claim's lease
    runs out, then sent once; and is a sent mail never sent again, even when it looks due?"""
    with app.app_context():
        row = enqueue("korban@example.com", "Uji", "Isi")
        db.session.commit()
        # What a claim leaves behind: one attempt, the lease in the future, not sent.
        row.attempts, row.next_attempt_at = 1, utcnow() + timedelta(minutes=2)
        db.session.commit()
        row_id = row.id
    assert len(outbox) == 0
    with app.app_context():
        db.session.get(QueuedMail, row_id).next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert [m.to for m in outbox] == [["korban@example.com"]]
    with app.app_context():
        sent = db.session.get(QueuedMail, row_id)
        assert sent.sent_at is not None and sent.attempts == 2
        sent.next_attempt_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    assert len(outbox) == 1


@pytest.mark.slow
def test_the_worker_loop_delivers_and_stops_cleanly_on_sigterm(app, tmp_path):
    """Does `mail-deliver --loop` deliver what is queued while it runs, at a lower CPU priority
    than the web workers, and exit 0 promptly on SIGTERM?"""
    inbox = SmtpInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "mail-deliver",
                               "--loop", "--interval", "0.2"], cwd=ROOT,
                              env=worker_env(app, tmp_path, port),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        queue_mails(app, ["a@example.com", "b@example.com"])
        deadline = time.monotonic() + 20
        while len(inbox.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert delivered_to(inbox) == ["a@example.com", "b@example.com"]
        # The service yields the CPU to the web workers in a burst of submissions.
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) >= os.getpriority(
            os.PRIO_PROCESS, 0) + 10 or os.getpriority(os.PRIO_PROCESS, worker.pid) == 19
        worker.send_signal(signal.SIGTERM)
        _out, err = worker.communicate(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
        controller.stop()
    assert worker.returncode == 0, err[-1500:]
    assert "worker stopped" in err
    assert len(inbox.messages) == 2


@pytest.mark.slow
def test_the_service_announces_submissions_while_the_mail_server_hangs(app, client, demo,
                                                                        tmp_path):
    """With the mail server hung and a mail stuck in delivery, does the running service still
    give the admin a new guest submission's notification within seconds (and queue its
    receipt), instead of waiting for the mail?"""
    silent = SilentSmtp()
    queue_mails(app, ["tertahan@example.com"])
    env = {**worker_env(app, tmp_path, silent.port), "MAIL_TIMEOUT": "30"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "mail-deliver",
                               "--loop", "--interval", "0.2"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while silent.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert silent.connections == 1  # the stuck mail now waits up to 30 s on the server
        response = client.post("/lapor", data={**GUEST, "email": "tamu@example.com"})
        assert response.status_code == 302
        tracking = response.headers["Location"].rsplit("/", 1)[-1]
        admin_id = demo["admin"]
        announced = None
        deadline = time.monotonic() + 10
        while announced is None and time.monotonic() < deadline:
            time.sleep(0.2)
            with app.app_context():
                db.session.remove()
                announced = (Notification.query.join(Message)
                             .filter(Message.tracking == tracking,
                                     Notification.user_id == admin_id).first())
        assert announced is not None, "no notification while the mail server hung"
        assert count_rows(app, QueuedMail, recipient="tamu@example.com", sent_at=None) == 1
    finally:
        worker.send_signal(signal.SIGTERM)
        silent.close()
        _out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err[-2000:]


@pytest.mark.slow
def test_two_workers_announce_each_submission_once(app, client, demo, tmp_path):
    """With two `mail-deliver` processes announcing one backlog of guest submissions at once,
    does every admin get exactly one notification and every guest exactly one receipt per
    submission?"""
    addresses = [f"tamu{i:02d}@example.com" for i in range(20)]
    for address in addresses:
        assert client.post("/lapor", data={**GUEST, "email": address}).status_code == 302
    assert count_rows(app, PendingAnnouncement) == len(addresses)
    env = worker_env(app, tmp_path, free_port())  # nobody listens: no mail goes out
    workers = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "mail-deliver",
                                 "--limit", "1"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    announced = [int(out.split("diumumkan: ")[1].split(",")[0]) for out, _err in outputs]
    assert sum(announced) == len(addresses), outputs
    with app.app_context():
        db.session.remove()
        assert PendingAnnouncement.query.count() == 0
        for username in ("admin",):
            per_message = (db.session.query(Notification.message_id, db.func.count())
                           .filter(Notification.user_id == demo[username],
                                   Notification.kind == "baru")
                           .group_by(Notification.message_id).all())
            guest_ids = {m.id for m in Message.query.filter(Message.guest_email.isnot(None))}
            assert {mid for mid, _n in per_message} >= guest_ids
            assert all(n == 1 for mid, n in per_message if mid in guest_ids)
        receipts = sorted(r.recipient for r in QueuedMail.query.filter(
            QueuedMail.recipient.like("tamu%@example.com")))
    assert receipts == addresses


def test_the_service_lets_a_burst_of_submissions_pass_before_announcing_them(app, client, demo):
    """While submissions keep arriving, does the service leave the CPU and the database to the
    citizens' requests, announcing once they pause for a second, or once the oldest has
    waited ten seconds however busy it stays?"""
    from services.worker import announce_after_burst

    for n in range(3):
        assert client.post("/lapor", data={**GUEST, "email": f"tamu{n}@example.com"}
                           ).status_code == 302
    with app.app_context():
        just_now = db.session.query(db.func.max(PendingAnnouncement.created_at)).scalar()
        assert announce_after_burst(now=just_now + timedelta(milliseconds=500)) == 0
        assert PendingAnnouncement.query.count() == 3
        assert announce_after_burst(now=just_now + timedelta(seconds=1)) == 3
        assert PendingAnnouncement.query.count() == 0

    # A stream that never pauses: the newest always just arrived, the oldest grows old.
    for _n in range(3):
        assert client.post("/lapor", data=GUEST).status_code == 302
    with app.app_context():
        rows = PendingAnnouncement.query.order_by(PendingAnnouncement.id).all()
        start = rows[0].created_at
        rows[-1].created_at = start + timedelta(seconds=9, milliseconds=500)
        db.session.commit()
        assert announce_after_burst(now=start + timedelta(seconds=9, milliseconds=800)) == 0
        rows = PendingAnnouncement.query.order_by(PendingAnnouncement.id).all()
        rows[-1].created_at = start + timedelta(seconds=9, milliseconds=900)
        db.session.commit()
        assert announce_after_burst(now=start + timedelta(seconds=10)) == 3
        assert PendingAnnouncement.query.count() == 0

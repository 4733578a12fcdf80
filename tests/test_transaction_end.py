"""How a request's transaction ends on PostgreSQL: with COMMIT when it only read, so the driver
keeps the statements it prepared (it forgets them at every ROLLBACK), and with ROLLBACK, as
before, whenever it may have written and did not commit."""
import os
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from models import Message, Notification, db
from tests.helpers import gen_message, get_user

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="SQLite has no prepared statements to keep: its transactions end as they always did")


@contextmanager
def endings(app):
    """The transaction endings sent to the database inside the block ("commit", "rollback")."""
    seen = []
    with app.app_context():
        engine = db.engine
    listeners = [(name, lambda *_args, name=name: seen.append(name))
                 for name in ("commit", "rollback")]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield seen
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)


def test_a_page_that_only_reads_ends_with_commit(app, client, login_as):
    """Does opening a message and the inbox end each request's transaction with a COMMIT and
    send no ROLLBACK?"""
    message_id = gen_message(app, status="diteruskan").id
    login_as("admin")
    with endings(app) as seen:
        assert client.get(f"/admin/detail/{message_id}").status_code == 200
        assert client.get("/admin/pesan-baru/").status_code == 200
    assert "rollback" not in seen and seen.count("commit") >= 2


def test_a_request_that_wrote_without_committing_is_rolled_back(app, demo):
    """When a request's transaction ran an UPDATE and did not commit, or holds an ORM change not
    yet written, is it rolled back at the request's end, leaving the row as it was?"""
    message_id = gen_message(app, perihal="Sebelum").id
    with app.test_request_context():
        db.session.execute(db.update(Message).where(Message.id == message_id)
                           .values(perihal="Tidak tersimpan"))
    with app.test_request_context():
        db.session.get(Message, message_id).perihal = "Juga tidak tersimpan"
    with app.test_request_context():
        db.session.add(Notification(user_id=get_user("admin").id, kind="baru", text="Tidak"))
    with app.app_context():
        assert db.session.get(Message, message_id).perihal == "Sebelum"
        assert Notification.query.filter_by(text="Tidak").count() == 0


"""Closing as a duplicate names an original that is itself being handled: a chain of
duplicates leads to its root, a circle is refused, and the page offers only what succeeds."""
import html
import re

from models import AuditLog, Message, MessageEvent, db
from tests.helpers import OTHER_NIK, gen_message

GUEST = dict(reporter=None, guest_name="Rahmat Hidayat", guest_nik=OTHER_NIK)


def candidate_block(page: str, tracking: str) -> str:
    """The part of the triage panel about one likely duplicate."""
    block = page.split(f'likely-duplicate" data-tracking="{tracking}"')[1]
    # It ends where the next candidate or the page's own action forms begin.
    return re.split(r'likely-duplicate" data-tracking=|<form [^>]*id="form-', block)[0]


def close_as_duplicate(client, message_id, original_tracking):
    return client.post(f"/admin/detail/{message_id}/aksi/close",
                       data={"reason": "duplicate", "duplicate_of": original_tracking})


def state_of(app, message_id):
    with app.app_context():
        message = db.session.get(Message, message_id)
        events = MessageEvent.query.filter_by(message_id=message_id).count()
        audits = AuditLog.query.filter_by(object_id=message.tracking).count()
        return message.status, message.duplicate_of_id, message.version, events, audits


def test_a_circle_of_duplicates_is_refused_and_not_offered(app, client, login_as):
    """With A closed as a duplicate of B, does B's page list A without the close button, and
    is closing B as a duplicate of A refused with a reason, changing nothing?"""
    login_as("admin")
    b = gen_message(app, perihal="Bantuan sosial belum cair", body="Sudah tiga bulan.", **GUEST)
    a = gen_message(app, perihal="Bansos belum cair juga", body="Mohon dicek.", **GUEST)
    assert close_as_duplicate(client, a.id, b.tracking).status_code == 302
    assert state_of(app, a.id)[:2] == ("ditutup", b.id)

    page = client.get(f"/admin/detail/{b.id}").get_data(as_text=True)
    block = candidate_block(page, a.tracking)
    assert "Tutup sebagai duplikat pesan ini" not in block and "<form" not in block
    assert "sudah ditutup sebagai duplikat dari pesan ini" in html.unescape(block)

    before = state_of(app, b.id)
    refused = close_as_duplicate(client, b.id, a.tracking)
    assert refused.status_code == 409
    assert "sudah ditutup sebagai duplikat dari pesan ini" in html.unescape(
        refused.get_data(as_text=True))
    assert state_of(app, b.id) == before
    assert state_of(app, b.id)[:2] == ("baru", None)


def test_a_chain_leads_to_its_root(app, client, login_as):
    """With B closed as a duplicate of C, does A's page offer B saying the close names C, and
    does closing A as a duplicate of B make A a duplicate of C?"""
    login_as("admin")
    c = gen_message(app, perihal="Bantuan sosial belum cair", body="Sudah tiga bulan.", **GUEST)
    b = gen_message(app, perihal="Bansos belum cair", body="Mohon dicek.", **GUEST)
    assert close_as_duplicate(client, b.id, c.tracking).status_code == 302
    a = gen_message(app, perihal="Bansos belum juga cair", body="Tolong.", **GUEST)

    page = client.get(f"/admin/detail/{a.id}").get_data(as_text=True)
    block = candidate_block(page, b.tracking)
    assert "Tutup sebagai duplikat pesan ini" in block
    assert f'data-original="{c.tracking}"' in block
    assert close_as_duplicate(client, a.id, b.tracking).status_code == 302
    assert state_of(app, a.id)[:2] == ("ditutup", c.id)

    # The root's own page lists its duplicates without offering to close it into them.
    page = client.get(f"/admin/detail/{c.id}").get_data(as_text=True)
    for duplicate in (a, b):
        assert "<form" not in candidate_block(page, duplicate.tracking)
    before = state_of(app, c.id)
    assert close_as_duplicate(client, c.id, b.tracking).status_code == 409
    assert state_of(app, c.id) == before


def test_a_withdrawn_root_is_refused(app, client, login_as):
    """Is closing as a duplicate of a message whose root was withdrawn refused, naming it?"""
    login_as("admin")
    c = gen_message(app, perihal="Bantuan sosial belum cair", **GUEST)
    b = gen_message(app, perihal="Bansos belum cair", **GUEST)
    assert close_as_duplicate(client, b.id, c.tracking).status_code == 302
    with app.app_context():
        db.session.get(Message, c.id).status = "dicabut"
        db.session.commit()
    a = gen_message(app, perihal="Bansos belum juga cair", **GUEST)
    before = state_of(app, a.id)
    refused = close_as_duplicate(client, a.id, b.tracking)
    assert refused.status_code == 409
    assert f"Pesan asli {c.tracking} telah dicabut" in refused.get_data(as_text=True)
    assert state_of(app, a.id) == before

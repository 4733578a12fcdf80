"""SQL statements per request: a list or a detail page asks the database the same number of
times however many rows the table holds, however many rows the page shows and however long a
message's timeline is (no query per row: no N+1)."""

import re

import pytest

from models import Attachment, Message, Rating, db
from tests.helpers import PASSWORD, advance, counted, gen_message, log_in

# (who, address); {id}, {tracking} and {nik} name the message whose page grows.
PAGES = [
    ("guest", "/"),
    ("guest", "/pesan"),
    ("guest", "/pesan?page=2"),
    ("guest", "/pesan?status=selesai&q=jalan"),
    ("guest", "/tracking/{tracking}"),
    ("guest", "/tracking?q={nik}"),
    ("guest", "/kinerja"),
    ("guest", "/open311/v2/requests.json"),
    ("warga", "/riwayat"),
    ("warga", "/riwayat/{tracking}"),
    ("admin", "/admin/"),
    ("admin", "/admin/pesan/"),
    ("admin", "/admin/pesan-baru/"),
    ("admin", "/admin/terlambat/"),
    ("admin", "/admin/detail/{id}"),
    ("admin", "/admin/laporan/"),
    ("op-diskominfo", "/admin/pesan-opd/"),
    ("op-diskominfo", "/admin/detail/{id}"),
    ("op-biroekonomi", "/admin/pantauan/"),
    ("evaluator", "/admin/evaluasi/"),
    ("superadmin", "/admin/pengguna/"),
    ("superadmin", "/admin/audit/"),
]


def statements_for(app, clients, who, address) -> int:
    from aspirasi.extensions import cache

    client = clients[who]
    client.get(address)  # the first visit also loads templates and settles notifications
    with app.app_context():  # this app's cache (a test may have built others)
        cache.clear()  # count the page's own queries, not a cached copy
    with counted(app) as statements:
        response = client.get(address)
    assert response.status_code == 200, (who, address, response.status_code)
    return len(statements)


def grow(app, message_id, extra_messages: int):
    """More messages in every status, ratings, and a longer timeline with files on one."""
    statuses = ("baru", "diteruskan", "diproses", "selesai", "ditutup")
    for number in range(extra_messages):
        status = statuses[number % len(statuses)]
        gen_message(app, status=status, perihal=f"Jalan rusak nomor {number}",
                    reporter="warga" if number % 2 else None,
                    guest_nik=None if number % 2 else "6472011505900003")
    with app.app_context():
        for message in Message.query.filter_by(status="selesai").all():
            if message.rating is None and message.reporter_id:
                db.session.add(Rating(message=message, half_stars=8))
        for number in range(3):
            db.session.add(Attachment(message_id=message_id, filename=f"foto{number}.jpg",
                                      stored_name=f"grow-{number}-{message_id}.jpg",
                                      content_type="image/jpeg", size=10))
        db.session.commit()
    advance(app, fresh_tracking(app, message_id), "note", "note", "note", "note")


def fresh_tracking(app, message_id) -> str:
    with app.app_context():
        return db.session.get(Message, message_id).tracking


@pytest.fixture
def clients(app, demo):
    made = {}
    for who in {who for who, _address in PAGES}:
        made[who] = app.test_client()
        if who != "guest":
            log_in(made[who], who, PASSWORD)
    return made


@pytest.mark.slow
def test_statements_per_page_do_not_grow_with_the_table_or_the_timeline(app, clients):
    """Does every list and detail page send the same number of SQL statements after the table
    gained 30 messages (every status, ratings) and the shown message gained notes and files?"""
    message = gen_message(app, status="diproses", guest_nik="6472011505900003", reporter="warga")
    with app.app_context():  # one file already: the growth is from one to several
        db.session.add(Attachment(message_id=message.id, filename="awal.jpg",
                                  stored_name=f"first-{message.id}.jpg",
                                  content_type="image/jpeg", size=10))
        db.session.commit()
    values = {"id": message.id, "tracking": message.tracking, "nik": "6472011505900003"}
    pages = [(who, address.format(**values)) for who, address in PAGES]
    before = {page: statements_for(app, clients, *page) for page in pages}
    grow(app, message.id, 30)
    after = {page: statements_for(app, clients, *page) for page in pages}
    grown = {page: (before[page], after[page]) for page in pages if after[page] != before[page]}
    assert not grown, grown


def test_statements_per_list_do_not_grow_with_the_page_size(app, clients):
    """Does a back-office list of 100 rows send as many statements as one of 25?"""
    for number in range(40):
        gen_message(app, perihal=f"Drainase nomor {number}")
    for who, address in [("admin", "/admin/pesan/"), ("admin", "/admin/pesan-baru/"),
                         ("superadmin", "/admin/pengguna/")]:
        small = statements_for(app, clients, who, f"{address}?page_size=25")
        large = statements_for(app, clients, who, f"{address}?page_size=100")
        assert small == large, (address, small, large)


def test_a_signed_in_request_reads_the_account_with_its_roles_in_one_statement(app, clients):
    """Does every request of a signed-in citizen or staff member read the account and its roles
    together, in one statement, not the account first and its roles after?"""
    for who in ("warga", "admin"):
        with counted(app) as statements:
            assert clients[who].get("/kinerja").status_code == 200
        roles_read = [text for text in statements if "roles_users" in text]
        assert len(roles_read) == 1, (who, roles_read)
        assert "fs_uniquifier" in roles_read[0], (who, roles_read[0])


def test_a_tracking_page_reads_its_message_and_timeline_together(app, clients):
    """Does a stranger's tracking page read the message with the rows it names (category, OPD,
    reporter) in one statement and its timeline steps in one more, not one query per row?"""
    message = gen_message(app, status="diproses", reporter="warga")
    advance(app, message.tracking, "note", "note")
    with counted(app) as statements:
        page = clients["guest"].get(f"/tracking/{message.tracking}")
    assert page.status_code == 200
    own_reads = [text for text in statements
                 if re.search(r'FROM "?(message|category|opd|user|message_event)"? ', text)]
    assert len(own_reads) == 2, own_reads

"""A staff list's page is kept while the data is unchanged, for the readers the database would
give the same rows: a change shows at once (the tests recheck the data on every request), and
no reader is ever shown a page kept for another scope, language or search hint."""
import re

from aspirasi.extensions import cache
from aspirasi_admin.views import messages as message_views
from models import AuditLog, Opd, db
from tests.helpers import advance, counted, gen_message, get_opd, log_in

INBOX = "/admin/pesan-baru/"
OPD_LIST = "/admin/pesan-opd/"


def trackings(page: str) -> set[str]:
    return set(re.findall(r"ASP-[A-Z0-9]+", page))


def list_part(page: str) -> str:
    """The list's own part of the page: from its tabs to the end of the table."""
    return page[page.index('<ul class="nav nav-tabs">'):page.index("</table>")]


def test_the_kept_page_is_served_without_the_lists_query_and_is_the_page_written_afresh(
        app, login_as):
    """Is a second visit's list served kept (no SELECT of the list's messages), and is it
    exactly what the list is when written afresh?"""
    gen_message(app)
    client = login_as("admin")
    client.get(INBOX)
    with counted(app) as statements:
        kept = client.get(INBOX).get_data(as_text=True)
    assert not [s for s in statements if s.lstrip().startswith("SELECT message.")]
    with app.app_context():
        cache.clear()
    with counted(app) as statements:
        afresh = client.get(INBOX).get_data(as_text=True)
    assert [s for s in statements if s.lstrip().startswith("SELECT message.")]
    assert trackings(kept) and list_part(kept) == list_part(afresh)


def test_a_new_message_and_a_forwarded_one_show_at_once(app, login_as):
    """After the inbox was kept, does a new message appear in it, and a forwarded one leave?"""
    waiting = gen_message(app, perihal="Pesan pertama")
    client = login_as("admin")
    assert waiting.tracking in trackings(client.get(INBOX).get_data(as_text=True))
    newer = gen_message(app, perihal="Pesan kedua")
    assert newer.tracking in trackings(client.get(INBOX).get_data(as_text=True))
    advance(app, waiting, "forward")
    listed = trackings(client.get(INBOX).get_data(as_text=True))
    assert newer.tracking in listed and waiting.tracking not in listed


def test_operators_of_two_opds_never_share_a_kept_list(app, demo, client):
    """With op-diskominfo's list kept, does op-dlh's list hold only DLH's message, and the
    other way round?"""
    ours = gen_message(app, status="diteruskan", opd="DISKOMINFO", sub="adu-internet")
    theirs = gen_message(app, status="diteruskan", opd="DLH", sub="adu-pencemaran")
    seen = {}
    for operator in ("op-diskominfo", "op-dlh", "op-diskominfo"):
        seen[operator] = trackings(log_in(client, operator).get(OPD_LIST).get_data(as_text=True))
    assert ours.tracking in seen["op-diskominfo"] and theirs.tracking not in seen["op-diskominfo"]
    assert theirs.tracking in seen["op-dlh"] and ours.tracking not in seen["op-dlh"]


def test_admin_and_evaluator_each_get_their_own_search_hint(app, demo, client):
    """The same rows, but only an admin may search by a reporter's contact: does each see
    their own hint in the search box, whoever opened the list first?"""
    gen_message(app)
    hints = {}
    for reader in ("admin", "evaluator", "admin"):
        page = log_in(client, reader).get("/admin/pesan/").get_data(as_text=True)
        hints[reader] = re.search(r'placeholder="([^"]+)"', page).group(1)
    assert "NIK" in hints["admin"] and "NIK" not in hints["evaluator"]


def test_each_language_gets_its_own_page(app, login_as):
    """After the Indonesian list was kept, is the English one written in English?"""
    gen_message(app)
    client = login_as("admin")
    assert "Tambah filter" in client.get(INBOX).get_data(as_text=True)
    client.get("/admin/?lang=en")  # the language is kept in the session
    english = client.get(INBOX).get_data(as_text=True)
    assert "Add Filter" in english and "Tambah filter" not in english


def test_a_search_by_contact_is_audited_at_every_visit(app, login_as):
    """Is a search never kept: two identical searches by NIK, two audit rows?"""
    message = gen_message(app, reporter=None, guest_nik="6472014404990007",
                          guest_phone="081299990007")
    client = login_as("admin")
    for _ in range(2):
        page = client.get("/admin/pesan/?search=6472014404990007").get_data(as_text=True)
        assert trackings(page) == {message.tracking}
    with app.app_context():
        assert AuditLog.query.filter_by(action="pesan.cari_pelapor").count() == 2


def test_an_unreadable_filter_value_is_told_at_every_visit_and_only_there(app, login_as):
    """Is a page that flashed a refusal of a filter value not kept without it, and is the
    refusal not told again on the next page?"""
    gen_message(app)
    client = login_as("admin")
    address = "/admin/pesan/?flt0_tanggal_between=bukan-tanggal"
    for _ in range(2):
        page = client.get(address).get_data(as_text=True)
        assert page.count("Nilai filter tidak valid: bukan-tanggal") == 1
    assert "Nilai filter tidak valid" not in client.get(INBOX).get_data(as_text=True)


def test_a_renamed_opd_shows_within_a_minute(app, login_as, monkeypatch):
    """Names outside the messages (an OPD renamed) are written again once the minute turns."""
    gen_message(app, status="diteruskan", opd="DISKOMINFO", sub="adu-internet")
    client = login_as("admin")
    assert "Dinas Komunikasi" in client.get("/admin/pesan/").get_data(as_text=True)
    with app.app_context():
        db.session.get(Opd, get_opd("DISKOMINFO").id).name = "Dinas Kominfo Baru"
        db.session.commit()
    now = message_views.time.time()
    monkeypatch.setattr(message_views.time, "time", lambda: now + 60)
    assert "Dinas Kominfo Baru" in client.get("/admin/pesan/").get_data(as_text=True)

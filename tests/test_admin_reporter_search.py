"""Searching the back office's message lists by a reporter's NIK, phone number or email:
admins may, and each such search is audited; nobody else finds anyone by those."""
import pytest

from models import AuditLog
from tests.helpers import OTHER_NIK, gen_message

GUEST = {"guest_name": "Rina", "guest_nik": OTHER_NIK, "guest_phone": "081298765432",
         "guest_email": "rina.tamu@example.com"}


@pytest.fixture
def guest_messages(app, demo):
    """A guest's message at Diskominfo, another at DLH, and a stranger's at Diskominfo."""
    return {
        "kominfo": gen_message(app, reporter=None, perihal="Sinyal hilang di Loa Janan",
                               status="diteruskan", opd="DISKOMINFO", sub="adu-internet",
                               **GUEST).tracking,
        "dlh": gen_message(app, reporter=None, perihal="Sampah menumpuk di pasar",
                           status="diteruskan", opd="DLH", sub="adu-pencemaran",
                           **GUEST).tracking,
        "other": gen_message(app, reporter=None, perihal="Jaringan kantor desa putus",
                             status="diteruskan", opd="DISKOMINFO", sub="adu-internet",
                             guest_nik="6471054107950002", guest_phone="081311112222").tracking,
    }


def search(client, url, term):
    response = client.get(url, query_string={"q": term})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def audit_rows(app):
    with app.app_context():
        return [(row.username, row.detail) for row in
                AuditLog.query.filter_by(action="pesan.cari_pelapor").order_by(AuditLog.id)]


@pytest.mark.parametrize("term", [OTHER_NIK, "081298765432", "+62 812-9876-5432",
                                  "Rina.Tamu@example.com"])
def test_admin_finds_a_guests_messages_by_contact_and_it_is_audited(app, login_as,
                                                                    guest_messages, term):
    """Does an admin's search by the guest's NIK, phone (however written) or email list that
    guest's messages only, and leave one audit row that does not repeat the whole value?"""
    html = search(login_as("admin"), "/admin/pesan/", term)
    assert guest_messages["kominfo"] in html and guest_messages["dlh"] in html
    assert guest_messages["other"] not in html
    rows = audit_rows(app)
    assert len(rows) == 1 and rows[0][0] == "admin"
    assert term not in rows[0][1] and OTHER_NIK not in rows[0][1]


def test_admin_finds_a_registered_reporter_by_account_nik(app, login_as, guest_messages):
    """Does a search by a citizen account's NIK find that citizen's messages (the demo's
    warga sent "Jalan berlubang di Jl. Juanda") and nobody else's?"""
    with app.app_context():
        from tests.helpers import get_user

        nik = get_user("warga").nik
    html = search(login_as("superadmin"), "/admin/pesan/", nik)
    assert "Jalan berlubang di Jl. Juanda" in html
    assert guest_messages["kominfo"] not in html
    assert len(audit_rows(app)) == 1


def test_plain_text_search_is_not_audited(app, login_as, guest_messages):
    """Is an ordinary search (a word of the subject) left out of the audit log?"""
    html = search(login_as("admin"), "/admin/pesan/", "Sinyal")
    assert guest_messages["kominfo"] in html
    assert audit_rows(app) == []


def test_operator_cannot_find_anyone_by_nik(app, login_as, guest_messages):
    """Does an operator's search by a guest's NIK or phone find nothing, not even in its own
    OPD's messages, tell the operator why, and never reach the full list?"""
    client = login_as("op-diskominfo")
    for term in (OTHER_NIK, "081298765432"):
        html = search(client, "/admin/pesan-opd/", term)
        assert guest_messages["kominfo"] not in html and guest_messages["dlh"] not in html
        assert "hanya untuk admin" in html
        html = search(client, "/admin/terlambat/", term)
        assert guest_messages["dlh"] not in html
    assert client.get("/admin/pesan/", query_string={"q": OTHER_NIK}).status_code == 403
    assert audit_rows(app) == []
    # The same list still finds the operator's own message by its subject.
    assert guest_messages["kominfo"] in search(client, "/admin/pesan-opd/", "Sinyal")


def test_search_box_says_what_it_finds(login_as, guest_messages):
    """Does the search box tell an admin that NIK, phone and email work, and an operator not?"""
    assert "NIK, telepon atau email" in search(login_as("admin"), "/admin/pesan/", "")
    operator_page = search(login_as("op-diskominfo"), "/admin/pesan-opd/", "")
    assert "NIK" not in operator_page.split('name="q"')[1].split(">")[0]


def test_the_export_of_a_contact_search_holds_the_rows_listed(app, login_as, guest_messages):
    """After an admin's search by a guest's phone number, does the list's CSV link download
    exactly the messages listed (the guest's two, not the stranger's)?"""
    import re
    from html import unescape

    client = login_as("admin")
    html = search(client, "/admin/pesan/", "081298765432")
    link = unescape(re.search(r'id="export-csv" href="([^"]+)"', html).group(1))
    body = client.get(link).get_data(as_text=True)
    assert guest_messages["kominfo"] in body and guest_messages["dlh"] in body
    assert guest_messages["other"] not in body

"""Who may open what in the back office: a role × URL matrix, then one readable test per rule."""

import re

import pytest

from models import Message, User, db
from tests.helpers import PASSWORD, fresh, get_user, log_in

ROLES = ("anonymous", "warga", "admin", "superadmin", "op-dlh", "op-diskominfo",
         "op-biroekonomi", "evaluator")
STAFF = ROLES[2:]
OPERATORS = ("op-dlh", "op-diskominfo", "op-biroekonomi")


def allowed(*roles):
    """Expected status per role: 200 for `roles`, login redirect for anonymous, 403 otherwise."""
    return {role: 200 if role in roles else (302 if role == "anonymous" else 403) for role in ROLES}


PAGES = {
    "/admin/": allowed(*STAFF),
    "/admin/pesan-baru/": allowed("admin", "superadmin"),
    "/admin/pesan/": allowed("admin", "superadmin", "evaluator"),
    "/admin/terlambat/": allowed("admin", "superadmin", "evaluator", *OPERATORS),
    "/admin/pesan-opd/": allowed("superadmin", *OPERATORS),
    "/admin/pantauan/": allowed("superadmin", "op-biroekonomi"),
    "/admin/intake/": allowed("admin", "superadmin"),
    "/admin/evaluasi/": allowed("evaluator", "superadmin"),
    "/admin/evaluasi/teguran": allowed("evaluator", "superadmin"),
    "/admin/templat-jawaban/": allowed("admin", "superadmin"),
    "/admin/opd/": allowed("superadmin"),
    "/admin/opd/new/": allowed("superadmin"),
    "/admin/kategori/": allowed("superadmin"),
    "/admin/subkategori/": allowed("superadmin"),
    "/admin/pengguna/": allowed("superadmin"),
    "/admin/pengguna/new/": allowed("superadmin"),
    "/admin/peran/": allowed("superadmin"),
    "/admin/audit/": allowed("superadmin"),
    "/admin/pengaturan/": allowed("superadmin"),
}


def as_role(client, role):
    return log_in(client, None if role == "anonymous" else role)


def message_id(app, perihal):
    with app.app_context():
        return Message.query.filter_by(perihal=perihal).one().id


@pytest.mark.parametrize("url", sorted(PAGES))
def test_role_url_matrix(app, client, demo, url):
    """For every back-office page, does each role get exactly 200, 403 or the login page?"""
    for role, expected in PAGES[url].items():
        response = as_role(client, role).get(url)
        assert response.status_code == expected, (role, url, response.status_code)
        if expected == 302:
            assert "/login" in response.headers["Location"]


MESSAGE_PAGES = ("/admin/detail/{id}", "/admin/detail/{id}/surat.pdf")


@pytest.mark.parametrize("perihal,visible", [
    ("Website dinas tidak bisa dibuka", ("admin", "superadmin", "evaluator", "op-diskominfo")),
    ("Sengketa batas lahan kebun warga",
     ("admin", "superadmin", "evaluator", "op-dlh", "op-biroekonomi")),
])
def test_message_page_matrix(app, client, demo, perihal, visible):
    """Is a message's page open exactly to the staff who may see it, and 404 for other staff?"""
    mid = message_id(app, perihal)
    for role in ROLES:
        response = as_role(client, role).get(f"/admin/detail/{mid}")
        if role == "anonymous":
            assert response.status_code == 302
        elif role == "warga":
            assert response.status_code == 403
        elif role in visible:
            assert response.status_code == 200, role
            assert perihal in response.get_data(as_text=True)
        else:
            assert response.status_code == 404, role
            assert perihal not in response.get_data(as_text=True)


def test_operator_cannot_open_another_opds_message(app, client, login_as):
    """Can an operator open another agency's message by list, URL, letter, action or count?"""
    mid = message_id(app, "Website dinas tidak bisa dibuka")  # Diskominfo's
    before = fresh(app, mid)
    login_as("op-dlh")
    listing = client.get("/admin/pesan-opd/").get_data(as_text=True)
    assert "Website dinas tidak bisa dibuka" not in listing
    assert "Limbah di Sungai Karang Mumus" in listing  # its own OPD's message is there
    assert client.get(f"/admin/detail/{mid}").status_code == 404
    assert client.get(f"/admin/detail/{mid}/surat.pdf").status_code == 404
    assert client.get(f"/admin/pesan-opd/details/?id={mid}").status_code in (302, 404)
    assert client.get(f"/admin/pesan-opd/edit/?id={mid}").status_code in (302, 404)
    for action in ("update", "reply", "note", "return"):
        response = client.post(f"/admin/detail/{mid}/aksi/{action}",
                               data={"note": "x", "answer": "x", "version": before["version"]})
        assert response.status_code == 404, action
    assert fresh(app, mid) == before
    # The dashboard's counts are its OPD's only: DLH has 1 forwarded and 1 in progress.
    page = client.get("/admin/").get_data(as_text=True)
    assert 'data-figure="Menunggu diterima">1<' in page
    assert 'data-figure="Sedang diproses">1<' in page


def test_a_changed_grant_holds_from_the_next_page_on(app, client, login_as):
    """An operator moved to another OPD, a monitor who stops following a sub category: does
    the very next message page follow the new grant, never the one the viewer had before?"""
    from models import Opd

    web = message_id(app, "Website dinas tidak bisa dibuka")  # Diskominfo's
    land = message_id(app, "Sengketa batas lahan kebun warga")  # DLH's, op-biroekonomi monitors it
    login_as("op-diskominfo")
    assert client.get(f"/admin/detail/{web}").status_code == 200
    assert client.get(f"/admin/detail/{land}").status_code == 404
    with app.app_context():
        get_user("op-diskominfo").opd = Opd.query.filter_by(code="DLH").one()
        db.session.commit()
    assert client.get(f"/admin/detail/{web}").status_code == 404
    assert client.get(f"/admin/detail/{land}").status_code == 200
    login_as("op-biroekonomi")
    assert client.get(f"/admin/detail/{land}").status_code == 200
    with app.app_context():
        monitor = get_user("op-biroekonomi")
        monitor.monitored_subcategories.clear()
        db.session.commit()
    assert client.get(f"/admin/detail/{land}").status_code == 404


def test_operator_cannot_download_another_opds_attachment(app, client, login_as):
    """Can an operator download a file attached to another OPD's message?"""
    from services import storage

    mid = message_id(app, "Website dinas tidak bisa dibuka")
    with app.app_context():
        message = db.session.get(Message, mid)
        attachment = storage.store(message, "bukti.pdf", b"%PDF-1.4\n%%EOF", storage.PDF)
        db.session.commit()
        attachment_id = attachment.id
    login_as("op-dlh")
    assert client.get(f"/admin/detail/{mid}/lampiran/{attachment_id}").status_code == 404
    dlh = message_id(app, "Limbah di Sungai Karang Mumus")
    # Pairing its own message id with a foreign attachment id does not work either.
    assert client.get(f"/admin/detail/{dlh}/lampiran/{attachment_id}").status_code == 404
    login_as("op-diskominfo")
    response = client.get(f"/admin/detail/{mid}/lampiran/{attachment_id}")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")


def test_citizen_cannot_reach_admin(client, login_as):
    """Can the citizen `warga` reach /admin or any staff page?"""
    login_as("warga")
    for url in ("/admin/", "/admin/pesan/", "/admin/pengguna/", "/admin/detail/1",
                "/admin/evaluasi/"):
        assert client.get(url).status_code == 403, url


def test_admin_cannot_manage_users_or_roles(app, client, login_as):
    """Can an admin list, create or edit users, or change roles?"""
    login_as("admin")
    warga_id = user_id(app, "warga")
    assert client.get("/admin/pengguna/").status_code == 403
    assert client.get(f"/admin/pengguna/edit/?id={warga_id}").status_code == 403
    response = client.post("/admin/pengguna/new/", data={
        "username": "penyusup", "email": "penyusup@example.com", "password_baru": "Rahasia-123",
        "roles": "1"})
    assert response.status_code == 403
    assert client.post("/admin/pengguna/delete/", data={"id": warga_id}).status_code == 403
    assert client.get("/admin/pengguna/ajax/lookup/?name=opd&query=D").status_code == 403
    assert client.get("/admin/peran/").status_code == 403
    with app.app_context():
        assert User.query.filter_by(username="penyusup").count() == 0
        assert User.query.filter_by(username="warga").count() == 1


def user_id(app, username):
    with app.app_context():
        return get_user(username).id


def menu_links(page: str) -> set[str]:
    """The addresses the back office's menu bar offers on `page`."""
    menu = page[page.index('id="admin-navbar-collapse"'):page.index("aspirasi-user")]
    return set(re.findall(r'class="(?:nav-link|dropdown-item)[^"]*"\s+href="(/admin/[^"]*)"', menu))


def test_each_role_s_menu_offers_what_it_may_open_in_its_language(app, client, demo):
    """The menu is written once per kind of reader: after the superadmin's full menu, does
    every other role get a menu of only the pages it may open (each answering 200), and does
    the language chosen name the entries?"""
    full = menu_links(as_role(client, "superadmin").get("/admin/").get_data(as_text=True))
    assert len(full) >= 12
    for role in (*STAFF, "superadmin"):
        client = as_role(client, role)
        links = menu_links(client.get("/admin/").get_data(as_text=True))
        assert links and links <= full, role
        for url in full:
            opens = client.get(url).status_code == 200
            assert (url in links) == opens, (role, url)
    admin = as_role(client, "admin")
    indonesian = admin.get("/admin/").get_data(as_text=True)
    english = admin.get("/admin/?lang=en").get_data(as_text=True)
    entry = r"\s{}</a>"
    assert re.search(entry.format("Kotak masuk"), indonesian)
    assert not re.search(entry.format("Inbox"), indonesian)
    assert re.search(entry.format("Inbox"), english)
    assert not re.search(entry.format("Kotak masuk"), english)


def test_the_frame_carries_nothing_of_one_reader_to_another(app, client, demo):
    """When a second admin opens the page the first one opened, does the frame name the second
    admin, count their unread notifications, carry their own sign-out token, and say it is in
    their language?"""
    from aspirasi.cli import create_user
    from models import Notification

    with app.app_context():
        create_user("admin-dua", "admin2@example.com", PASSWORD, ["admin"], full_name="Dewi Kedua")
        db.session.add_all(Notification(user_id=get_user("admin-dua").id, kind="pesan_baru",
                                        text=f"Catatan {n}") for n in range(3))
        db.session.commit()

    def frame(page: str) -> tuple[str, str, str, str]:
        return (re.search(r'aspirasi-username">([^<]*)<', page).group(1),
                re.search(r'id="badge-count" data-count="(\d+)"', page).group(1),
                re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
                re.search(r'<html lang="(\w+)"', page).group(1))

    first = frame(log_in(client, "admin").get("/admin/pesan/").get_data(as_text=True))
    second_client = app.test_client()
    second_page = log_in(second_client, "admin-dua").get("/admin/pesan/").get_data(as_text=True)
    second = frame(second_page)
    assert second[0] == "Dewi Kedua" and first[0] != second[0]
    assert second[1] == "3" and first[1] != "3"  # the three notes are the second admin's own
    assert second[2] != first[2]
    assert first[3] == second[3] == "id"
    english = frame(second_client.get("/admin/pesan/?lang=en").get_data(as_text=True))
    assert english[3] == "en"
    assert 'aria-label="Buka atau tutup menu"' in second_page


def test_a_list_of_one_grant_shows_that_grant_within_what_the_viewer_may_see(app, client, login_as):
    """op-biroekonomi operates Biro Perekonomian and monitors 'Permasalahan Lahan': does its OPD
    list show exactly the visible messages at that OPD, and its monitor list exactly the
    visible messages in that sub category, whatever the OPD?"""
    from models import Opd, Subcategory
    from models.access import staff_message_scope
    from tests.helpers import gen_message

    gen_message(app, status="diteruskan", opd="BIROEKONOMI", sub="adu-internet", perihal="Di biro")
    gen_message(app, status="diteruskan", opd="DISKOMINFO", sub="adu-lahan", perihal="Lahan lain")
    gen_message(app, status="diteruskan", opd="BIROEKONOMI", sub="adu-lahan", perihal="Keduanya")
    with app.app_context():
        user = get_user("op-biroekonomi")
        visible = Message.query.filter(staff_message_scope(user))
        opd_id = Opd.query.filter_by(code="BIROEKONOMI").one().id
        sub_id = Subcategory.query.filter_by(code="adu-lahan").one().id
        expected = {
            "/admin/pesan-opd/": {m.tracking for m in visible.filter(Message.opd_id == opd_id)},
            "/admin/pantauan/": {m.tracking for m in visible.filter(Message.subcategory_id == sub_id)},
        }
        everything = {m.tracking for m in Message.query}
    assert len(expected["/admin/pesan-opd/"]) == 2 and len(expected["/admin/pantauan/"]) == 3
    login_as("op-biroekonomi")
    for url, trackings in expected.items():
        page = client.get(f"{url}?page_size=100").get_data(as_text=True)
        assert {t for t in everything if f">{t}</a>" in page} == trackings, url


def test_monitor_cannot_change_anything(app, client, login_as):
    """Can the monitor (op-biroekonomi) change a monitored message it does not handle?"""
    mid = message_id(app, "Sengketa batas lahan kebun warga")  # DLH's, monitored
    before = fresh(app, mid)
    login_as("op-biroekonomi")
    page = client.get(f"/admin/detail/{mid}").get_data(as_text=True)
    assert "Sengketa batas lahan kebun warga" in page and 'id="read-only"' in page
    assert 'id="timeline"' in page
    for action in ("accept", "update", "note", "reply", "return", "forward", "flags", "close",
                   "reprimand"):
        response = client.post(f"/admin/detail/{mid}/aksi/{action}",
                               data={"note": "ubah", "version": before["version"]})
        assert response.status_code == 403, action
    # The list has no edit, delete or create address at all.
    assert client.post(f"/admin/pantauan/edit/?id={mid}", data={"perihal": "x"}).status_code == 404
    assert client.post("/admin/pantauan/delete/", data={"id": mid}).status_code == 404
    assert client.post("/admin/pantauan/new/", data={"perihal": "x"}).status_code == 404
    assert fresh(app, mid) == before


MESSAGE_LISTS = ("/admin/pesan-baru/", "/admin/pesan/", "/admin/terlambat/", "/admin/pesan-opd/",
                 "/admin/pantauan/")


def test_message_lists_offer_no_create_edit_delete_or_export_of_their_own(client, login_as):
    """Do the message lists answer only their list: no create, edit, details, delete or
    export address under them, even for a superadmin (the export is the reports module's)?"""
    login_as("superadmin")
    for url in MESSAGE_LISTS:
        assert client.get(url).status_code == 200, url
        for action in ("new/", "edit/?id=1", "details/?id=1", "export/csv/"):
            assert client.get(url + action).status_code == 404, (url, action)
        assert client.post(url + "delete/", data={"id": 1}).status_code == 404, url


def test_builtin_exports_are_off(app, client, login_as):
    """Does Flask-Admin's own CSV export give any message data to anyone?"""
    login_as("superadmin")
    for endpoint in ("pesan", "pesan-opd", "pantauan", "pengguna", "audit"):
        response = client.get(f"/admin/{endpoint}/export/csv/")
        assert response.status_code in (302, 404), endpoint  # the lists have no such address
        assert "text/csv" not in response.headers.get("Content-Type", "")


def test_anonymous_is_sent_to_login(client, demo):
    """Is an anonymous visitor to /admin sent to the login page?"""
    response = client.get("/admin/pesan/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_csrf_token_required_on_admin_forms(app, client, login_as, csrf_enabled):
    """With CSRF on, is an admin form posted without its token refused and nothing changed?"""
    mid = message_id(app, "Lampu jalan padam di Tenggarong")
    before = fresh(app, mid)
    login_as_with_csrf(client)
    response = client.post(f"/admin/detail/{mid}/aksi/note",
                           data={"note": "tanpa token", "version": before["version"]})
    assert response.status_code == 400
    response = client.post("/admin/opd/new/", data={"code": "BARU", "name": "OPD Baru"})
    assert response.status_code in (400, 403)
    assert fresh(app, mid) == before
    with app.app_context():
        from models import Opd
        assert Opd.query.filter_by(code="BARU").count() == 0


def login_as_with_csrf(client):
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"identity": "superadmin",
                                           "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


# --- the anonim rule across every page a non-admin staff identity can reach -------------------

ANONIM_REPORTER = {"username": "rinjaniputri", "full_name": "Rinjani Kusumawardani",
                   "nik": "6471054107950002", "phone": "081298765432",
                   "email": "rinjani.k@example.com"}
NON_ADMIN_STAFF = ("op-dlh", "op-biroekonomi", "evaluator")
# Every back-office page, export and letter a non-admin staff member may open about a message.
REPORTER_URLS = ("/admin/", "/admin/pesan/", "/admin/terlambat/", "/admin/pesan-opd/",
                 "/admin/pantauan/", "/admin/evaluasi/", "/admin/evaluasi/teguran",
                 "/admin/detail/{id}", "/admin/detail/{id}/surat.pdf",
                 "/admin/laporan/pesan/ekspor.csv", "/admin/laporan/pesan/ekspor.xlsx",
                 "/admin/laporan/")


def readable(response) -> str:
    """A response's text as a person would read it: PDF and XLSX opened, not scanned raw."""
    import io

    kind = response.headers.get("Content-Type", "")
    if "pdf" in kind:
        from pypdf import PdfReader
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    if "spreadsheet" in kind:
        from openpyxl import load_workbook
        book = load_workbook(io.BytesIO(response.data))
        return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    return response.get_data(as_text=True)


def identity_traces(text: str) -> list[str]:
    """Which of the anonim reporter's identifiers `text` contains (case-insensitive)."""
    lowered = text.lower()
    traces = [value for value in ANONIM_REPORTER.values() if value.lower() in lowered]
    traces += [part for part in ANONIM_REPORTER["full_name"].split() if part.lower() in lowered]
    return traces


@pytest.fixture
def anonim_message(app, demo):
    """An anonim message of a distinctive citizen, at DLH under the monitored sub category,
    with the reporter's own steps (submit) in its timeline."""
    from aspirasi.cli import create_user
    from tests.helpers import advance, gen_message

    with app.app_context():
        user = create_user(ANONIM_REPORTER["username"], ANONIM_REPORTER["email"], PASSWORD,
                           ["user"], full_name=ANONIM_REPORTER["full_name"], confirmed=True)
        user.nik, user.phone = ANONIM_REPORTER["nik"], ANONIM_REPORTER["phone"]
        db.session.commit()
    message = gen_message(app, reporter=ANONIM_REPORTER["username"], anonim=True,
                          perihal="Pungutan liar di kantor kelurahan")
    advance(app, message, "forward", opd="DLH", sub="adu-lahan")
    return message.id


def test_anonim_reporter_is_hidden_from_every_non_admin_staff_page(app, client, anonim_message):
    """For an anonim message, does any page, export, list, letter or staff mail a non-admin
    staff identity can reach contain the reporter's name, username, NIK, phone or email?"""
    from models import QueuedMail

    reached = 0
    for role in NON_ADMIN_STAFF:
        as_role(client, role)
        for url in REPORTER_URLS:
            response = client.get(url.format(id=anonim_message))
            if response.status_code != 200:
                continue
            reached += 1
            assert identity_traces(readable(response)) == [], (role, url)
        page = client.get(f"/admin/detail/{anonim_message}").get_data(as_text=True)
        assert "Pungutan liar di kantor kelurahan" in page, role  # the page really showed it
        assert 'id="reporter-name">Anonim' in page
    assert reached >= 12  # the detail page, letter and exports were really read
    with app.app_context():
        staff_mail = [m.subject + m.body for m in QueuedMail.query.all()
                      if m.recipient != ANONIM_REPORTER["email"]]
    assert staff_mail and all(identity_traces(text) == [] for text in staff_mail)


def test_admin_still_sees_the_anonim_reporter_with_the_nik_masked(app, client, anonim_message):
    """Does an admin, who triages, see the anonim reporter's name, username and contact on the
    detail page and in the timeline, with the NIK masked?"""
    log_in(client, "admin")
    page = client.get(f"/admin/detail/{anonim_message}").get_data(as_text=True)
    for key in ("full_name", "username", "phone", "email"):
        assert ANONIM_REPORTER[key] in page, key
    assert ANONIM_REPORTER["nik"] not in page
    assert "6471********0002" in page

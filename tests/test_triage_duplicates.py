"""Likely duplicates beside the triage form: same NIK, same phone, or a similar subject at the
same place, within 30 days, only among messages the viewer may see, each with a one-click
"close as duplicate of this"."""
import re
from datetime import timedelta

from models import AuditLog, Message, db, utcnow
from tests.helpers import OTHER_NIK, PASSWORD, gen_message, get_user

GUEST = dict(reporter=None, guest_name="Rahmat Hidayat")


def duplicates_on(page: str) -> dict:
    """{tracking: set of reasons} of the likely duplicates the triage page lists."""
    found = {}
    for block in page.split('likely-duplicate" data-tracking="')[1:]:
        tracking = block[:block.index('"')]
        block = block[:block.index("</form>")]
        found[tracking] = set(re.findall(r'data-reason="(\w+)"', block))
    return found


def triage_page(client, mid) -> str:
    response = client.get(f"/admin/detail/{mid}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_same_nik_is_listed(app, client, login_as):
    """Is an earlier message under the same NIK listed as a likely duplicate, by that reason?"""
    login_as("admin")
    earlier = gen_message(app, perihal="Bantuan sosial belum cair", body="Sudah tiga bulan.",
                          guest_nik=OTHER_NIK, kabupaten="Kota Bontang", **GUEST)
    other = gen_message(app, perihal="Saluran air tersumbat", body="Air meluap ke rumah warga.",
                        guest_nik=OTHER_NIK, kabupaten="Kota Balikpapan",
                        guest_phone="081355500011", **GUEST)
    listed = duplicates_on(triage_page(client, other.id))
    assert listed[earlier.tracking] == {"nik"}


def test_same_phone_is_listed(app, client, login_as):
    """Is an earlier message from the same phone number (another NIK) listed by that reason?"""
    login_as("admin")
    earlier = gen_message(app, perihal="Bantuan sosial belum cair", body="Sudah tiga bulan.",
                          guest_phone="081355500011", kabupaten="Kota Bontang", **GUEST)
    other = gen_message(app, perihal="Saluran air tersumbat", body="Air meluap.",
                        guest_phone="081355500011", kabupaten="Kota Balikpapan", **GUEST)
    listed = duplicates_on(triage_page(client, other.id))
    assert listed[earlier.tracking] == {"telepon"}


def test_similar_subject_at_the_same_place_is_listed(app, client, login_as):
    """Is a message from someone else with a similar subject in the same kabupaten listed, and
    one with the same subject elsewhere or an unrelated subject there not?"""
    login_as("admin")
    alike = gen_message(app, perihal="Jalan berlubang di Jl. Gatot Subroto",
                        body="Lubangnya besar.", kabupaten="Kota Bontang",
                        guest_nik="6474010101900001", **GUEST)
    elsewhere = gen_message(app, perihal="Jalan berlubang di Jl. Gatot Subroto",
                            body="Lubangnya besar.", kabupaten="Kota Balikpapan", **GUEST)
    unrelated = gen_message(app, perihal="Bantuan sosial belum diterima", body="Sudah lama.",
                            kabupaten="Kota Bontang", **GUEST)
    new = gen_message(app, perihal="Jl. Gatot Subroto berlubang", body="Bahaya bagi pengendara.",
                      kabupaten="Kota Bontang", reporter=None, guest_name="Dewi")
    page = triage_page(client, new.id)
    listed = duplicates_on(page)
    assert listed[alike.tracking] == {"perihal"}
    assert elsewhere.tracking not in listed and unrelated.tracking not in listed
    assert re.search(r"Perihal mirip \(\d+ %\), Kota Bontang", page)
    # The reason is given, never the other reporter's identity.
    assert "6474010101900001" not in page and "Rahmat Hidayat" not in page


def test_older_than_thirty_days_or_withdrawn_is_not_listed(app, client, login_as):
    """Are a same-NIK message older than 30 days and a withdrawn one left out, while one of
    29 days is listed?"""
    login_as("admin")
    made = {}
    for key, days in (("old", 31), ("recent", 29), ("withdrawn", 1)):
        made[key] = gen_message(app, perihal=f"Pesan {key}", body="Isi.", guest_nik=OTHER_NIK,
                                **GUEST)
        with app.app_context():
            message = db.session.get(Message, made[key].id)
            message.created_at = utcnow() - timedelta(days=days)
            if key == "withdrawn":
                message.status = "dicabut"
            db.session.commit()
    new = gen_message(app, perihal="Pesan baru", body="Isi.", guest_nik=OTHER_NIK, **GUEST)
    listed = duplicates_on(triage_page(client, new.id))
    assert made["recent"].tracking in listed
    assert made["old"].tracking not in listed and made["withdrawn"].tracking not in listed


def test_only_messages_the_viewer_may_see_are_candidates(app, demo):
    """Does the duplicate search keep to what the viewer may see: an operator, asking for a
    message of its own OPD, finds no same-NIK message of another OPD?"""
    from models.duplicates import likely_duplicates

    at_dlh = gen_message(app, status="diteruskan", perihal="Sungai tercemar", body="Hitam.",
                         opd="DLH", sub="adu-pencemaran", guest_nik=OTHER_NIK, **GUEST)
    at_kominfo = gen_message(app, status="diteruskan", perihal="Website mati", body="Error.",
                             guest_nik=OTHER_NIK, **GUEST)
    with app.app_context():
        message = db.session.get(Message, at_dlh.id)
        operator_sees = {d.tracking for d in likely_duplicates(get_user("op-dlh"), message)}
        admin_sees = {d.tracking for d in likely_duplicates(get_user("admin"), message)}
    assert at_kominfo.tracking not in operator_sees
    assert at_kominfo.tracking in admin_sees


def test_one_click_close_as_duplicate(app, client, demo, csrf_enabled):
    """Does the "close as duplicate of this" button (with its CSRF token) close the message
    through the lifecycle, link it to the original, and audit it like any close?"""
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    assert client.post("/login", data={"identity": "admin", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    original = gen_message(app, perihal="Bantuan sosial belum cair", body="Sudah tiga bulan.",
                           guest_nik=OTHER_NIK, **GUEST)
    copy = gen_message(app, perihal="Bansos belum cair juga", body="Mohon dicek.",
                       guest_nik=OTHER_NIK, **GUEST)
    page = triage_page(client, copy.id)
    block = page.split(f'likely-duplicate" data-tracking="{original.tracking}"')[1]
    form = block[block.index("<form"):block.index("</form>")]
    action = re.search(r'action="([^"]+)"', form).group(1)
    fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', form))
    assert fields["reason"] == "duplicate" and fields["duplicate_of"] == original.tracking
    refused = client.post(action, data={k: v for k, v in fields.items() if k != "csrf_token"})
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.get(Message, copy.id).status == "baru"
    response = client.post(action, data=fields)
    assert response.status_code == 302
    with app.app_context():
        closed = db.session.get(Message, copy.id)
        assert closed.status == "ditutup" and closed.duplicate_of_id == original.id
        assert [a.action for a in AuditLog.query.filter_by(object_id=copy.tracking)] == [
            "pesan.close"]
    page = triage_page(client, copy.id)
    assert f'href="/admin/detail/{original.id}">{original.tracking}</a>' in page
    assert 'id="triage-panel"' not in page  # closed: nothing left to triage


def test_no_duplicates_says_so(app, client, login_as):
    """Does a message with nothing like it say so rather than list anything?"""
    login_as("admin")
    new = gen_message(app, perihal="Zorblat quintex", body="Vlorn.", **GUEST)
    page = triage_page(client, new.id)
    assert duplicates_on(page) == {}
    assert 'id="no-duplicates"' in page


def test_a_reporter_s_messages_are_ranked_by_subject_with_the_reason(app, client, login_as):
    """Among warga's seven demo messages (the same NIK), is the one about the same road first
    however old it is, and does each other one say how little its subject is alike?"""
    login_as("admin")
    again = gen_message(app, perihal="Jalan berlubang di Jl. Juanda makin parah",
                        body="Belum juga diperbaiki.", kabupaten="Kota Samarinda")
    page = triage_page(client, again.id)
    listed = duplicates_on(page)
    with app.app_context():
        same_road = Message.query.filter_by(perihal="Jalan berlubang di Jl. Juanda").one().tracking
    assert len(listed) == 7 and next(iter(listed)) == same_road
    assert listed[same_road] == {"nik", "telepon", "perihal"}
    blocks = page.split('likely-duplicate" data-tracking="')[2:]
    likeness = [int(re.search(r'data-likeness="(\d+)"', block).group(1)) for block in blocks]
    assert len(likeness) == 6 and all(percent < 50 for percent in likeness)
    assert likeness == sorted(likeness, reverse=True)
    assert "perihal lain (kemiripan" in page

"""Submitting a message: with an account (/pesan/kirim) and as a guest (/lapor)."""
import pytest

from models import Attachment, Message, MessageEvent, QueuedMail
from tests.helpers import GOOD_NIK, count_rows, gen_citizen, jpeg_bytes, log_in, pdf_bytes, upload

MESSAGE = {"perihal": "Banjir di Jl. Pahlawan", "body": "Setiap hujan air naik setinggi lutut.",
           "kabupaten": "Kota Samarinda", "address": "Jl. Pahlawan RT 12"}
GUEST = {"guest_kind": "layanan", "perihal": "Antrean KTP sangat panjang",
         "body": "Antrean di kantor kecamatan sampai sore.", "nik": GOOD_NIK,
         "phone": "081234500011", "email": "tamu@example.com", "event_date": "2026-01-05"}


def nothing_stored(app):
    return (count_rows(app, Message), count_rows(app, Attachment), count_rows(app, MessageEvent))


def post(client, url, data, files=()):
    payload = dict(data)
    if files:
        payload["lampiran" if url == "/pesan/kirim" else "foto"] = list(files)
    return client.post(url, data=payload, content_type="multipart/form-data")


def test_submit_creates_a_web_message_with_files_and_mails_the_tracking_number(app, citizen,
                                                                                outbox):
    """Does a valid submission store the message, its files, a timeline event and mail the number?"""
    response = post(citizen, "/pesan/kirim", {**MESSAGE, "anonim": "y"},
                    [upload(jpeg_bytes(), "banjir.jpg"), upload(pdf_bytes(), "surat.pdf")])
    assert response.status_code == 302
    with app.app_context():
        message = Message.query.one()
        assert (message.channel, message.status, message.reporter.username) == ("web", "baru",
                                                                                 "siti")
        assert (message.kabupaten, message.address) == ("Kota Samarinda", "Jl. Pahlawan RT 12")
        assert (message.anonim, message.rahasia) == (True, False)
        assert message.category_id is None
        assert sorted(a.content_type for a in message.attachments) == ["application/pdf",
                                                                       "image/jpeg"]
        assert [e.action for e in message.events] == ["submit"]
        tracking = message.tracking
    assert response.headers["Location"].endswith(f"/pesan/terkirim/{tracking}")
    receipt = citizen.get(response.headers["Location"]).get_data(as_text=True)
    assert tracking in receipt
    mails = [m for m in outbox if m.to == ["siti@example.com"]]
    assert len(mails) == 1 and tracking in mails[0].body


def test_rahasia_is_a_separate_flag(app, citizen):
    """Can a citizen mark a message rahasia without anonim?"""
    post(citizen, "/pesan/kirim", {**MESSAGE, "rahasia": "y"})
    with app.app_context():
        message = Message.query.one()
        assert (message.anonim, message.rahasia) == (False, True)


def test_the_citizen_cannot_pick_a_category(app, citizen):
    """Is a category sent with the form ignored (the admin classifies)?"""
    post(citizen, "/pesan/kirim", {**MESSAGE, "category_id": "1", "status": "selesai"})
    with app.app_context():
        message = Message.query.one()
        assert message.category_id is None and message.status == "baru"


@pytest.mark.parametrize("changes, files, text", [
    ({"perihal": ""}, [], "Perihal wajib diisi"),
    ({"body": "   "}, [], "Isi pesan wajib diisi"),
    ({}, [upload(b"MZ\x90\x00\x03 this is a program", "foto.jpg")], "bukan JPG / PDF yang sah"),
    ({}, [upload(b"\xff\xd8\xff" + b"0" * (6 * 1024 * 1024), "besar.jpg")], "lebih dari 5 MB"),
    ({}, [upload(jpeg_bytes(), f"f{i}.jpg") for i in range(6)], "Paling banyak 5 berkas"),
    ({"kabupaten": "Kota Jakarta"}, [], "Pilih kabupaten/kota dari daftar"),
])
def test_bad_submission_gets_a_clear_message_and_stores_nothing(app, citizen, outbox, changes,
                                                                 files, text):
    """Are a missing perihal, a renamed .exe, a 6 MB file and a sixth file refused cleanly?"""
    response = post(citizen, "/pesan/kirim", {**MESSAGE, **changes}, files)
    assert response.status_code == 400
    assert text in response.get_data(as_text=True)
    assert nothing_stored(app) == (0, 0, 0)
    assert outbox == []


def test_a_request_over_the_size_limit_gets_the_413_page(app, citizen):
    """Does a request larger than MAX_CONTENT_LENGTH get the friendly 413 page?"""
    too_big = b"\xff\xd8\xff" + b"0" * app.config["MAX_CONTENT_LENGTH"]
    response = post(citizen, "/pesan/kirim", MESSAGE, [upload(too_big, "besar.jpg")])
    assert response.status_code == 413
    assert nothing_stored(app) == (0, 0, 0)


def test_submit_without_nik_sends_the_citizen_to_settings(app, client):
    """Is a citizen without a NIK sent to /settings with a message, and nothing stored?"""
    gen_citizen(app, nik=None)
    log_in(client, "siti")
    response = post(client, "/pesan/kirim", MESSAGE)
    assert response.status_code == 302 and response.headers["Location"].endswith("/settings")
    assert "Lengkapi NIK" in client.get("/settings").get_data(as_text=True)
    assert count_rows(app, Message) == 0


def test_submit_needs_a_login(client):
    """Is an anonymous visitor sent to the login page?"""
    response = client.get("/pesan/kirim")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_submit_form_without_csrf_token_is_refused(app, citizen, csrf_enabled):
    """With CSRF on, is a submission without a token refused and nothing stored?"""
    response = post(citizen, "/pesan/kirim", MESSAGE)
    assert response.status_code == 400
    assert count_rows(app, Message) == 0


def test_submit_is_rate_limited(app, citizen, rate_limits_enabled):
    """Is the sixth submission within a minute answered with the 429 page?"""
    for _ in range(5):
        assert post(citizen, "/pesan/kirim", MESSAGE).status_code == 302
    response = post(citizen, "/pesan/kirim", MESSAGE)
    assert response.status_code == 429
    assert "Terlalu banyak permintaan" in response.get_data(as_text=True)
    assert count_rows(app, Message) == 5


# --- guest (/lapor) -------------------------------------------------------------------

def test_guest_report_creates_a_guest_message_and_shows_the_tracking_number(app, client, outbox):
    """Does /lapor store a guest message with NIK, phone, date and photo, and show its number?"""
    response = post(client, "/lapor", GUEST, [upload(jpeg_bytes(), "antrean.jpg")])
    assert response.status_code == 302
    with app.app_context():
        message = Message.query.one()
        assert (message.channel, message.guest_kind, message.status) == ("guest", "layanan",
                                                                         "baru")
        assert (message.guest_nik, message.guest_phone) == (GOOD_NIK, "081234500011")
        assert str(message.event_date) == "2026-01-05"
        assert message.reporter_id is None and len(message.attachments) == 1
        tracking = message.tracking
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert tracking in page and "Simpan nomor tracking" in page
    assert any(m.to == ["tamu@example.com"] and tracking in m.body for m in outbox)


def test_guest_receipt_page_is_only_for_the_browser_that_sent_it(app, client):
    """Can another browser open a guest's receipt page by URL?"""
    response = post(client, "/lapor", GUEST)
    other = app.test_client()
    assert other.get(response.headers["Location"]).status_code == 404


@pytest.mark.parametrize("changes, files, text", [
    ({"nik": "0934567890123456"}, [], "kode provinsi"),
    ({"nik": ""}, [], "Wajib diisi"),
    ({"phone": "telepon"}, [], "Nomor telepon tidak valid"),
    ({"email": "bukan-email"}, [], "Alamat email tidak valid"),
    ({"event_date": "2999-12-31"}, [], "masa depan"),
    ({"perihal": ""}, [], "Judul wajib diisi"),
    ({}, [upload(pdf_bytes(), "dokumen.pdf")], "bukan JPG yang sah"),
])
def test_bad_guest_report_is_refused_and_stores_nothing(app, client, outbox, changes, files, text):
    """Are a bad NIK, phone, email, date, missing title or a non-JPG photo refused cleanly?"""
    response = post(client, "/lapor", {**GUEST, **changes}, files)
    assert response.status_code == 400
    assert text in response.get_data(as_text=True)
    assert nothing_stored(app) == (0, 0, 0)
    assert count_rows(app, QueuedMail) == 0


def test_guest_report_is_rate_limited(app, client, rate_limits_enabled):
    """Is the sixth guest report within a minute refused with 429, saying when to retry?"""
    for _ in range(5):
        assert post(client, "/lapor", GUEST).status_code == 302
    refused = post(client, "/lapor", GUEST)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60  # the minute's window ends by then
    assert count_rows(app, Message) == 5

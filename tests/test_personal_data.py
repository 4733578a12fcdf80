"""The citizen's rights over their personal data: download everything (/settings/data-saya)
and close the account (/settings/tutup-akun)."""
import io
import json
import zipfile
from pathlib import Path

from models import AuditLog, Message, User, db, lifecycle
from tests.helpers import (
    GOOD_NIK,
    OTHER_NIK,
    PASSWORD,
    count_rows,
    gen_citizen,
    gen_message,
    get_user,
    jpeg_bytes,
    log_in,
    pdf_bytes,
    upload,
)

PROFILE = {"nik": GOOD_NIK, "full_name": "Siti Rahmawati", "birth_place": "Balikpapan",
           "birth_date": "1995-07-01", "religion": "Islam", "gender": "P",
           "phone": "081255501234", "address": "Jl. Sudirman No. 9"}


def siti_with_everything(app, client):
    """Siti with a full profile and photo, a message with a PDF attachment, and a rated,
    finished message; Andi, another citizen, with a message and attachment of his own."""
    gen_citizen(app, "andi", nik=OTHER_NIK)
    log_in(client, "andi")
    client.post("/pesan/kirim", data={"perihal": "Pesan milik Andi", "body": "Rahasia Andi",
                                      "lampiran": [upload(pdf_bytes(), "andi.pdf")]},
                content_type="multipart/form-data")
    gen_citizen(app, "siti", nik=None)
    log_in(client, "siti")
    photo = jpeg_bytes()
    assert client.post("/settings", data={**PROFILE, "foto": upload(photo, "saya.jpg")},
                       content_type="multipart/form-data").status_code == 302
    assert client.post("/pesan/kirim", data={
        "perihal": "Drainase tersumbat", "body": "Air meluap ke jalan.",
        "lampiran": [upload(pdf_bytes(), "bukti.pdf")]},
        content_type="multipart/form-data").status_code == 302
    finished = gen_message(app, reporter="siti", status="selesai", perihal="Lampu padam")
    with app.app_context():
        message = db.session.get(Message, finished.id)
        lifecycle.perform(message, "rate", get_user("siti"), stars="4.5", note="Cepat.")
        lifecycle.commit()
    return photo


def test_my_data_is_one_zip_with_everything_and_only_mine(app, client, demo):
    """Does /settings/data-saya give the signed-in citizen a ZIP whose JSON matches the
    database (profile, messages with public timelines, ratings, mail), with their photo and
    attachments as files, nothing of another citizen, and an audit row?"""
    photo = siti_with_everything(app, client)
    response = client.get("/settings/data-saya")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("data-saya.json"))
    with app.app_context():
        siti = get_user("siti")
        assert data["profile"]["nik"] == siti.nik == GOOD_NIK
        assert data["profile"]["full_name"] == "Siti Rahmawati"
        assert data["profile"]["phone"] == "081255501234"
        assert data["profile"]["email"] == siti.email
        assert data["profile"]["birth_date"] == "1995-07-01"
        mine = Message.query.filter_by(reporter_id=siti.id).order_by(Message.id).all()
        assert [m["tracking"] for m in data["messages"]] == [m.tracking for m in mine]
        drainase = next(m for m in data["messages"] if m["perihal"] == "Drainase tersumbat")
        assert drainase["body"] == "Air meluap ke jalan."
        assert [step["action"] for step in drainase["timeline"]] == ["submit"]
        lampu = next(m for m in data["messages"] if m["perihal"] == "Lampu padam")
        assert "reply" in [step["action"] for step in lampu["timeline"]]
        assert data["ratings"] == [{"stars": 4.5, "comment": "Cepat.", "tracking": lampu["tracking"],
                                    "created_at": data["ratings"][0]["created_at"]}]
        assert data["mails"] and all(m["recipient"] == siti.email for m in data["mails"])
    assert archive.read("foto-profil.jpg") == photo
    pdf_name = drainase["attachments"][0]["file"]
    assert pdf_name.endswith("bukti.pdf") and archive.read(pdf_name) == pdf_bytes()
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"Andi" not in everything and OTHER_NIK.encode() not in everything
    assert not [name for name in archive.namelist() if "andi" in name.lower()]
    assert count_rows(app, AuditLog, action="akun.unduh_data") == 1


def test_my_data_needs_a_login(client):
    """Does an anonymous visitor get the login page instead of anyone's data?"""
    response = client.get("/settings/data-saya")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_closing_with_a_wrong_password_changes_nothing(app, client):
    """Is closing with a wrong password refused with a clear message, the account intact?"""
    gen_citizen(app, "siti")
    log_in(client, "siti")
    response = client.post("/settings/tutup-akun", data={"password": "salah-sekali"})
    assert response.status_code == 400
    assert "Kata sandi salah" in response.get_data(as_text=True)
    with app.app_context():
        siti = get_user("siti")
        assert siti.active and siti.nik == GOOD_NIK and siti.closed_at is None
    assert client.get("/settings").status_code == 200  # still signed in


def test_closing_the_account_erases_identity_and_keeps_messages_anonymous(app, client, demo):
    """After closing: does login fail, the open session end, the photo file go, the messages
    stay and read "Anonim" to staff and admins alike, and the email register again?"""
    siti_with_everything(app, client)
    with app.app_context():
        siti = get_user("siti")
        siti_id, email = siti.id, siti.email
        photo_path = Path(app.config["UPLOAD_DIR"]) / siti.photo_path
        trackings = [m.tracking for m in Message.query.filter_by(reporter_id=siti.id)]
    assert photo_path.is_file() and len(trackings) == 2
    other_session = app.test_client()
    log_in(other_session, "siti")
    assert other_session.get("/settings").status_code == 200

    response = client.post("/settings/tutup-akun", data={"password": PASSWORD})
    assert response.status_code == 302

    assert client.get("/settings").status_code == 302          # this session is over
    assert other_session.get("/settings").status_code == 302   # and so is the other one
    refused = client.post("/login", data={"identity": "siti", "password": PASSWORD})
    assert refused.status_code != 302
    assert not photo_path.exists()
    with app.app_context():
        siti = db.session.get(User, siti_id)
        assert not siti.active and siti.closed_at is not None
        assert siti.email == f"closed-{siti_id}@invalid"
        for field in ("username", "nik", "full_name", "phone", "address", "birth_place",
                      "birth_date", "photo_path", "password"):
            assert getattr(siti, field) is None, field
        kept = Message.query.filter(Message.tracking.in_(trackings)).all()
        assert len(kept) == 2 and all(m.anonim and m.reporter_id == siti_id for m in kept)
        ids = [m.id for m in kept]
        assert AuditLog.query.filter_by(action="akun.tutup").count() == 1
    for role in ("admin", "superadmin", "evaluator"):
        log_in(client, role)
        for mid in ids:
            page = client.get(f"/admin/detail/{mid}").get_data(as_text=True)
            assert 'id="reporter-name">Anonim<' in page, role
            for trace in ("Siti Rahmawati", GOOD_NIK, "081255501234", email, "Jl. Sudirman"):
                assert trace not in page, (role, trace)
    log_in(client, None)
    again = client.post("/register", data={"email": email, "username": "siti",
                                           "password": PASSWORD, "password_confirm": PASSWORD})
    assert again.status_code == 302
    assert count_rows(app, User, email=email) == 1


def test_closing_needs_the_password_field(app, client):
    """Is a post without the password refused, the account left open?"""
    gen_citizen(app, "siti")
    log_in(client, "siti")
    assert client.post("/settings/tutup-akun", data={}).status_code == 400
    with app.app_context():
        assert get_user("siti").active


def test_settings_links_to_both_pages(app, client):
    """Does /settings link to the data download and to closing the account?"""
    gen_citizen(app, "siti")
    page = log_in(client, "siti").get("/settings").get_data(as_text=True)
    assert 'href="/settings/data-saya"' in page and 'href="/settings/tutup-akun"' in page
    assert log_in(client, "siti").get("/settings/tutup-akun").status_code == 200


def test_closing_leaves_no_trace_in_queued_mail_or_the_audit(app, client, demo):
    """After mail greeting Siti by name, and mail naming her to someone else, was sent and more
    still waits for her, and an admin searched for her by NIK, phone and email: does closing
    the account leave her name, username, NIK, phone and email, and the masked values the
    searches kept, in no stored mail (sent or waiting) and no audit row?"""
    import re

    from models import QueuedMail
    from models.reporter_lookup import audit_line
    from tests.helpers import deliver_queue

    siti_with_everything(app, client)
    with app.app_context():
        email = get_user("siti").email
    log_in(client, None)
    assert client.post("/reset", data={"email": email}).status_code in (200, 302)
    deliver_queue(app)  # sent: kept on record
    assert client.post("/reset", data={"email": email}).status_code in (200, 302)
    client.post("/register", data={"email": "orang.lain@example.com", "username": "siti",
                                   "password": PASSWORD, "password_confirm": PASSWORD})
    deliver_queue(app)  # what named her to others went out: its stored copy is kept too
    assert client.post("/reset", data={"email": email}).status_code in (200, 302)
    searches = [GOOD_NIK, PROFILE["phone"], "+62 812-5550-1234", email.upper()]
    log_in(client, "admin")
    for term in searches:
        assert client.get("/admin/pesan/", query_string={"q": term}).status_code == 200
    with app.app_context():
        texts = [f"{m.subject}\n{m.body}\n{m.html or ''}" for m in QueuedMail.query]
        assert any(re.search(r"\bsiti\b", text) for text in texts)  # the setup greets her
        assert sum(m.sent_at is None for m in QueuedMail.query) >= 1
        assert any(m.sent_at and m.recipient != email and "siti" in (m.body or "").lower()
                   for m in QueuedMail.query)  # sent to someone else, naming her
        masked = [audit_line(term).split(": ", 1)[1] for term in searches]
        details = [row.detail or "" for row in AuditLog.query]
        assert all(any(mask in detail for detail in details) for mask in masked)

    log_in(client, "siti")
    assert client.post("/settings/tutup-akun", data={"password": PASSWORD}).status_code == 302

    traces = [PROFILE["full_name"], GOOD_NIK, PROFILE["phone"], "0812-5550-1234", email,
              PROFILE["address"], *masked]
    with app.app_context():
        for mail in QueuedMail.query:
            text = f"{mail.recipient}\n{mail.subject}\n{mail.body}\n{mail.html or ''}"
            assert not re.search(r"\bsiti\b", text, re.IGNORECASE), text
            for trace in traces:
                assert trace.lower() not in text.lower(), (trace, text)
        searched = AuditLog.query.filter_by(action="pesan.cari_pelapor").all()
        assert len(searched) == len(searches)  # the searches stay on record, without her
        for row in AuditLog.query:
            text = f"{row.username}\n{row.detail}"
            assert not re.search(r"\bsiti\b", text, re.IGNORECASE), text
            for trace in traces:
                assert trace.lower() not in text.lower(), (trace, text)

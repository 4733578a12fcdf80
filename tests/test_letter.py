"""The forwarding letter (surat penerusan) PDF, read back with pypdf."""
import io
from datetime import datetime

from pypdf import PdfReader

from models import Message, db
from tests.helpers import gen_message


def letter_text(client, mid):
    response = client.get(f"/admin/detail/{mid}/surat.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def test_letter_has_number_date_recipient_subject_summary(app, client, login_as):
    """Does the letter carry the number, date, recipient OPD, perihal, summary and tracking?"""
    mid = gen_message(app, status="diteruskan", perihal="Website <script> rusak",
                      body="Situs tidak bisa diakses sejak Senin & Selasa.").id
    with app.app_context():
        tracking = db.session.get(Message, mid).tracking
    login_as("admin")
    text = letter_text(client, mid)
    year = datetime.now().year
    # Five demo messages were forwarded before this one this year, so it is the sixth letter.
    assert f"000.1.5/6/ASPIRASI/{year}" in text
    assert "Dinas Komunikasi dan Informatika" in text
    assert "Website <script> rusak" in text
    assert "Senin & Selasa" in text
    assert tracking in text
    assert str(year) in text and "Samarinda," in text


def test_letter_number_is_stable_and_operator_may_download(app, client, login_as):
    """Is the number the same on a second download, and may the receiving operator fetch it?"""
    mid = gen_message(app, status="diteruskan").id
    login_as("admin")
    first = letter_text(client, mid)
    login_as("op-diskominfo")
    assert letter_text(client, mid) == first


def test_no_letter_for_a_message_not_forwarded(app, client, login_as):
    """Is a letter refused for a message still waiting for triage?"""
    mid = gen_message(app).id
    login_as("admin")
    response = client.get(f"/admin/detail/{mid}/surat.pdf")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/detail/{mid}")


def test_evaluator_cannot_download_letter(app, client, login_as):
    """Is the letter kept to the admin and the receiving OPD (the evaluator gets 403)?"""
    mid = gen_message(app, status="diteruskan").id
    login_as("evaluator")
    assert client.get(f"/admin/detail/{mid}/surat.pdf").status_code == 403


def test_letter_is_signed_by_the_official_the_superadmin_set(app, client, login_as):
    """Does the letter carry the signatory title, name and NIP set in the superadmin's settings,
    and is a NIP with letters refused without changing anything?"""
    login_as("superadmin")
    bad = client.post("/admin/pengaturan/", data={
        "sla_triage_minutes": "120", "sla_answer_workdays": "2", "reopen_workdays": "10",
        "letter_signatory_title": "Kepala Biro Umum", "letter_signatory_name": "Dra. Siti Rahma",
        "letter_signatory_nip": "1970ABC"})
    assert bad.status_code == 400 and "hanya boleh berisi angka" in bad.get_data(as_text=True)
    good = client.post("/admin/pengaturan/", data={
        "sla_triage_minutes": "120", "sla_answer_workdays": "2", "reopen_workdays": "10",
        "letter_signatory_title": "Kepala Biro Umum", "letter_signatory_name": "Dra. Siti Rahma",
        "letter_signatory_nip": "19700101 199503 2 001"})
    assert good.status_code == 302
    mid = gen_message(app, status="diteruskan").id
    text = letter_text(client, mid)
    assert "Kepala Biro Umum" in text and "Dra. Siti Rahma" in text
    assert "NIP. 19700101 199503 2 001" in text

"""The forwarding letter (surat penerusan) PDF, read back with pypdf."""
import io
from datetime import UTC, datetime, timedelta

from babel.dates import format_date
from pypdf import PdfReader

import models.base
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


def clock_at(moment: datetime):
    """A stand-in for `datetime` whose now() is `moment` (naive UTC), for the app's clock."""
    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return moment.replace(tzinfo=UTC).astimezone(tz) if tz else moment
    return Frozen


def forwarded_at(app, monkeypatch, moment: datetime) -> Message:
    """A message submitted and forwarded to Diskominfo with the app's clock at `moment`."""
    with monkeypatch.context() as patch:
        patch.setattr(models.base, "datetime", clock_at(moment))
        return gen_message(app, status="diteruskan")


def test_the_letter_and_the_mails_give_days_in_wita(app, client, login_as, outbox, monkeypatch):
    """Forwarded at 23:30 UTC on 6 December, 07:30 WITA on the 7th: do the letter (date,
    received, deadline) and the mails to the operator and the reporter give the WITA days the
    pages show?"""
    message = forwarded_at(app, monkeypatch, datetime(2026, 12, 6, 23, 30))
    with app.app_context():
        due = db.session.get(Message, message.id).answer_due_at
    login_as("admin")
    text = " ".join(letter_text(client, message.id).split())
    assert "Tanggal : 7 Desember 2026" in text
    assert "Diterima 7 Desember 2026" in text
    assert "Samarinda, 7 Desember 2026" in text
    assert "6 Desember" not in text
    due_day = format_date(due + timedelta(hours=8), "d MMMM yyyy", locale="id")
    assert f"paling lambat {due_day}." in text
    mails = {mail.to[0]: mail.body for mail in outbox if message.tracking in mail.subject
             or message.tracking in mail.body}
    assert "7 Des 2026 07:30 WITA" in mails["op-diskominfo@aspirasi.kaltimprov.go.id"]
    assert "7 Des 2026 07:30 WITA" in mails["warga@example.com"]


def test_a_letter_of_new_years_morning_is_numbered_in_the_new_year(app, client, login_as,
                                                                   monkeypatch):
    """Forwarded at 04:00 WITA on 1 January (20:00 UTC on 31 December): is the letter dated
    1 Januari and numbered as the first of the new year?"""
    message = forwarded_at(app, monkeypatch, datetime(2026, 12, 31, 20, 0))
    login_as("admin")
    text = " ".join(letter_text(client, message.id).split())
    assert "000.1.5/1/ASPIRASI/2027" in text
    assert "Tanggal : 1 Januari 2027" in text

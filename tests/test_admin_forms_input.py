"""Bad input on the staff intake and the superadmin's settings: a 400 in Indonesian, the
typed values kept on the page, and nothing stored."""
import pytest

from models import AuditLog, Message, Setting, db

INTAKE = {"channel": "walkin", "guest_name": "Siti Aminah", "guest_phone": "081234567890",
          "perihal": "Banjir di Sempaja", "body": "Air setinggi lutut sejak pagi."}
SETTINGS = {"sla_triage_minutes": "90", "sla_answer_workdays": "3", "reopen_workdays": "10",
            "letter_signatory_title": "Kepala Biro Umum", "letter_signatory_name": "Siti Rahma",
            "letter_signatory_nip": ""}


def stored(app) -> tuple[int, int, int]:
    with app.app_context():
        return Message.query.count(), Setting.query.count(), AuditLog.query.count()


@pytest.mark.parametrize("change, reason", [
    ({"guest_name": "   "}, "Nama pelapor wajib diisi"),
    ({"perihal": "x" * 201}, "Perihal paling panjang 200 karakter"),
    ({"body": ""}, "Isi pesan wajib diisi"),
    ({"channel": ""}, "Pilih kanal penerimaan"),
    ({"channel": "web"}, "Pilih kanal penerimaan"),
    ({"kabupaten": "Kota Jakarta"}, "Pilih kabupaten/kota dari daftar"),
    ({"guest_phone": ""}, "Isi paling sedikit satu kontak pelapor"),
    ({"guest_phone": "0141-123456"}, "Nomor telepon tidak valid"),
    ({"guest_nik": "6472011505900000"}, "Nomor urut NIK"),
])
def test_bad_intake_is_refused_and_stores_nothing(app, client, login_as, change, reason):
    """Is an intake with a missing or malformed field a 400 giving the reason, storing
    nothing, with what was typed still in the form?"""
    login_as("admin")
    before = stored(app)
    response = client.post("/admin/intake/", data={**INTAKE, **change})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert reason in page
    assert 'value="Banjir di Sempaja"' in page or "x" * 201 in page
    assert stored(app) == before


def test_intake_keeps_the_kabupaten_from_the_shared_list(app, client, login_as):
    """Does the intake offer the portal's kabupaten/kota list and store the chosen one?"""
    login_as("admin")
    page = client.get("/admin/intake/").get_data(as_text=True)
    assert '<option value="Kabupaten Mahakam Ulu"' in page
    response = client.post("/admin/intake/", data={**INTAKE, "kabupaten": "Kabupaten Berau",
                                                   "anonim": "1"})
    assert response.status_code == 302
    with app.app_context():
        message = Message.query.filter_by(perihal=INTAKE["perihal"]).one()
        assert (message.kabupaten, message.anonim, message.rahasia) == ("Kabupaten Berau", True,
                                                                        False)


def test_intake_without_csrf_token_is_refused(app, client, login_as):
    """With CSRF protection on, is an intake without its token refused, storing nothing?"""
    login_as("admin")
    before = stored(app)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/admin/intake/", data=INTAKE).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert stored(app) == before


@pytest.mark.parametrize("change, reason", [
    ({"sla_triage_minutes": "0"}, "harus bilangan bulat positif"),
    ({"sla_triage_minutes": "100001"}, "harus bilangan bulat positif"),
    ({"sla_answer_workdays": "²"}, "harus bilangan bulat positif"),
    ({"reopen_workdays": None}, "harus bilangan bulat positif"),
    ({"letter_signatory_name": "  "}, "Nama penanda tangan wajib diisi"),
    ({"letter_signatory_title": "K" * 161}, "paling panjang 160 karakter"),
    ({"letter_signatory_nip": "1970-01"}, "hanya boleh berisi angka dan spasi"),
])
def test_bad_settings_are_refused_and_store_nothing(app, client, login_as, change, reason):
    """Is a settings form with a bad limit or a bad signature field a 400 giving the reason,
    with no setting and no audit row written?"""
    login_as("superadmin")
    data = {k: v for k, v in {**SETTINGS, **change}.items() if v is not None}
    before = stored(app)
    response = client.post("/admin/pengaturan/", data=data)
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    assert stored(app) == before


def test_settings_without_the_letter_section_leave_the_letter_alone(app, client, login_as):
    """Does a form carrying only the time limits save them and keep the signature as it was?"""
    login_as("superadmin")
    assert client.post("/admin/pengaturan/", data=SETTINGS).status_code == 302
    limits = {k: SETTINGS[k] for k in ("sla_triage_minutes", "sla_answer_workdays",
                                       "reopen_workdays")}
    response = client.post("/admin/pengaturan/", data={**limits, "reopen_workdays": "12"})
    assert response.status_code == 302
    with app.app_context():
        assert Setting.get_int("reopen_workdays") == 12
        assert Setting.get_text("letter_signatory_name") == "Siti Rahma"


def test_settings_clean_what_they_store(app, client, login_as):
    """Are a limit written with a leading zero and a name with extra spaces stored cleaned?"""
    login_as("superadmin")
    response = client.post("/admin/pengaturan/", data={
        **SETTINGS, "sla_triage_minutes": " 090 ", "letter_signatory_name": "  Siti   Rahma "})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Setting, "sla_triage_minutes").value == "90"
        assert Setting.get_text("letter_signatory_name") == "Siti Rahma"

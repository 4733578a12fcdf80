"""The superadmin's master data, staff accounts, SLA settings and audit log."""
from models import AuditLog, Opd, Setting, Subcategory, User, db
from models.settings import DEFAULTS
from tests.helpers import get_opd, get_user, log_in


def role_id(app, name):
    from models import Role

    with app.app_context():
        return Role.query.filter_by(name=name).one().id


def test_create_opd_is_audited(app, client, login_as):
    """Can the superadmin create an OPD, leaving an audit row with who and IP?"""
    login_as("superadmin")
    response = client.post("/admin/opd/new/", data={"code": "BAPPEDA", "name": "Bappeda Kaltim",
                                                    "active": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert Opd.query.filter_by(code="BAPPEDA").one().name == "Bappeda Kaltim"
        row = AuditLog.query.filter_by(action="opd.buat").one()
        assert (row.username, row.ip) == ("superadmin", "127.0.0.1")


def test_create_operator_account_needs_an_opd(app, client, login_as):
    """Is an operator without an OPD refused, and with one created confirmed and able to log in?"""
    login_as("superadmin")
    operator = role_id(app, "operator")
    data = {"username": "op-bpbd", "email": "op-bpbd@kaltimprov.go.id", "full_name": "Op BPBD",
            "roles": operator, "active": "y", "password_baru": "Sandi-Baru-2026"}
    refused = client.post("/admin/pengguna/new/", data=data)
    assert "tepat satu OPD" in refused.get_data(as_text=True)
    with app.app_context():
        assert User.query.filter_by(username="op-bpbd").count() == 0
        bpbd = get_opd("BPBD").id
    assert client.post("/admin/pengguna/new/", data={**data, "opd": bpbd}).status_code == 302
    with app.app_context():
        created = get_user("op-bpbd")
        assert created.confirmed_at is not None and created.password.startswith("$argon2")
        assert created.opd.code == "BPBD"
    fresh_client = app.test_client()
    log_in(fresh_client, "op-bpbd", "Sandi-Baru-2026")
    assert fresh_client.get("/admin/pesan-opd/").status_code == 200


def test_new_account_needs_a_long_password(app, client, login_as):
    """Is a staff account with a 5-character password refused?"""
    login_as("superadmin")
    client.post("/admin/pengguna/new/", data={
        "username": "evaluator2", "email": "ev2@kaltimprov.go.id", "roles": role_id(app, "evaluator"),
        "password_baru": "12345"})
    with app.app_context():
        assert User.query.filter_by(username="evaluator2").count() == 0


def test_user_with_history_is_disabled_not_deleted(app, client, login_as):
    """Is deleting a user with history refused (disable instead), while disabling works?"""
    login_as("superadmin")
    with app.app_context():
        warga = get_user("warga").id
    response = client.post("/admin/pengguna/delete/", data={"id": warga}, follow_redirects=True)
    assert "nonaktifkan" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, warga) is not None


def test_settings_validate_positive_integers(app, client, login_as):
    """Are SLA settings saved when positive integers, and refused (unchanged) otherwise?"""
    login_as("superadmin")
    bad = client.post("/admin/pengaturan/", data={"sla_triage_minutes": "-5",
                                                  "sla_answer_workdays": "dua",
                                                  "reopen_workdays": "10"})
    assert bad.status_code == 400
    assert "bilangan bulat positif" in bad.get_data(as_text=True)
    with app.app_context():
        assert Setting.query.count() == 0
    good = client.post("/admin/pengaturan/", data={"sla_triage_minutes": "90",
                                                   "sla_answer_workdays": "3",
                                                   "reopen_workdays": "10"})
    assert good.status_code == 302
    with app.app_context():
        assert Setting.get_int("sla_triage_minutes") == 90
        assert Setting.get_int("sla_answer_workdays") == 3
        assert Setting.get_int("reopen_workdays") == int(DEFAULTS["reopen_workdays"])
        assert AuditLog.query.filter_by(action="pengaturan.ubah").count() == 1


def test_subcategory_monitor_and_sla(app, client, login_as):
    """Can the superadmin set a sub category's SLA hours, and is zero refused?"""
    login_as("superadmin")
    with app.app_context():
        lahan = Subcategory.query.filter_by(code="adu-lahan").one()
        data = {"category": lahan.category_id, "code": lahan.code, "name": lahan.name,
                "default_opd": lahan.default_opd_id, "monitors": get_user("op-biroekonomi").id,
                "active": "y"}
        lahan_id = lahan.id
    client.post(f"/admin/subkategori/edit/?id={lahan_id}", data={**data, "sla_hours": "0"})
    with app.app_context():
        assert db.session.get(Subcategory, lahan_id).sla_hours is None
    client.post(f"/admin/subkategori/edit/?id={lahan_id}", data={**data, "sla_hours": "24"})
    with app.app_context():
        lahan = db.session.get(Subcategory, lahan_id)
        assert lahan.sla_hours == 24 and [u.username for u in lahan.monitors] == ["op-biroekonomi"]


def test_audit_log_is_read_only_and_filterable(app, client, login_as):
    """Is the audit log listed, searchable, and impossible to edit or delete?"""
    login_as("superadmin")
    client.post("/admin/opd/new/", data={"code": "X1", "name": "OPD Uji", "active": "y"})
    page = client.get("/admin/audit/?search=opd.buat").get_data(as_text=True)
    assert "OPD Uji" in page
    with app.app_context():
        row_id = AuditLog.query.first().id
    assert client.post("/admin/audit/delete/", data={"id": row_id}).status_code == 302
    assert client.get(f"/admin/audit/edit/?id={row_id}").status_code == 302
    with app.app_context():
        assert db.session.get(AuditLog, row_id) is not None


def test_audit_log_names_each_action_in_words(app, client, login_as):
    """Does the audit log show "pesan: Teguran dikirim" for an evaluator's reprimand, "OPD
    dibuat" for a new OPD and "NIK pelapor ditampilkan utuh" for a NIK shown, never the
    stored codes?"""
    import re

    from tests.helpers import gen_message, post_action

    message = gen_message(app, status="diteruskan")
    evaluator = log_in(app.test_client(), "evaluator")
    assert post_action(evaluator, message.id, "reprimand", note="Segera tindak lanjuti.").status_code == 302
    admin = log_in(app.test_client(), "admin")
    assert admin.post(f"/admin/detail/{message.id}/nik").status_code == 200
    login_as("superadmin")
    client.post("/admin/opd/new/", data={"code": "X1", "name": "OPD Uji", "active": "y"})
    page = client.get("/admin/audit/").get_data(as_text=True)
    cells = set(re.findall(r'<td class="col-action">\s*(.*?)\s*</td>', page, re.S))
    assert {"pesan: Teguran dikirim", "OPD dibuat", "NIK pelapor ditampilkan utuh"} <= cells
    assert not {"pesan.reprimand", "opd.buat", "pesan.lihat_nik"} & cells


def test_staff_sign_ins_and_failed_attempts_are_audited(app, client, demo):
    """Does the audit log record a staff member's sign-in and a wrong password on a staff account?"""
    from models import AuditLog

    wrong = client.post("/login", data={"identity": "op-dlh", "password": "salah-sandi-123"})
    assert wrong.status_code == 200
    log_in(client, "op-dlh")
    log_in(client, "warga")  # citizens' sign-ins are not staff actions
    with app.app_context():
        rows = [(r.action, r.username) for r in AuditLog.query.order_by(AuditLog.id)]
    assert rows == [("login_failed", "op-dlh"), ("login", "op-dlh")]


def test_superadmin_keeps_the_holiday_calendar(app, client, login_as):
    """Can the superadmin add a public holiday, is a second one on the same date refused at the
    date field, and may an admin not touch the calendar?"""
    from models import AuditLog, Holiday

    login_as("admin")
    assert client.get("/admin/hari-libur/").status_code == 403
    login_as("superadmin")
    with app.app_context():
        before = Holiday.query.count()
    added = client.post("/admin/hari-libur/new/", data={"day": "2026-03-19",
                                                        "name": "Hari Suci Nyepi"})
    assert added.status_code == 302
    again = client.post("/admin/hari-libur/new/", data={"day": "2026-03-19", "name": "Lagi"})
    assert again.status_code == 200 and "Sudah ada." in again.get_data(as_text=True)
    with app.app_context():
        assert Holiday.query.count() == before + 1
        assert AuditLog.query.filter_by(action="libur.buat").count() == 1
    listing = client.get("/admin/hari-libur/").get_data(as_text=True)
    assert "Hari Suci Nyepi" in listing and "19 Mar 2026" in listing


def test_a_master_data_form_speaks_the_readers_language(app, client, login_as):
    """Does an OPD form sent without a name say so in Indonesian, and in English for an English
    reader, with nothing created?"""
    login_as("superadmin")
    with app.app_context():
        before = Opd.query.count()
    for lang, words in (("id", "Isian ini wajib diisi."), ("en", "This field is required.")):
        client.get(f"/admin/?lang={lang}")
        response = client.post("/admin/opd/new/", data={"code": "KOSONG", "name": ""})
        assert response.status_code == 200 and words in response.get_data(as_text=True), lang
    with app.app_context():
        assert Opd.query.count() == before

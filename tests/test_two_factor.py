"""Two-factor sign-in with an authenticator app: enrolment at /tf-setup, the code asked at
/tf-validate, one-time recovery codes, and STAFF_TWO_FACTOR=required for the back office."""
import re
import time

import pytest

from models import AuditLog, User
from tests.helpers import (
    PASSWORD,
    authenticator_key,
    enrol_authenticator,
    gen_citizen,
    log_in,
    totp_code,
)


def sign_in_with_password(client, username):
    client.post("/logout")
    return client.post("/login", data={"identity": username, "password": PASSWORD})


def is_signed_in_to_admin(client) -> bool:
    return client.get("/admin/").status_code == 200


@pytest.fixture
def staff_two_factor_required(app):
    app.config["STAFF_TWO_FACTOR"] = "required"
    yield
    app.config["STAFF_TWO_FACTOR"] = "optional"


def test_setup_page_shows_the_key_as_text_beside_the_qr_code(client, login_as):
    """Does /tf-setup, after choosing the authenticator, show a QR code and the same key as
    text, in Indonesian, with no inline script?"""
    login_as("op-dlh")
    first = client.get("/tf-setup")
    assert first.status_code == 200 and "Verifikasi dua langkah" in first.get_data(as_text=True)
    response = client.post("/tf-setup", data={"setup": "authenticator"})
    page = response.get_data(as_text=True)
    assert re.search(r'<img[^>]+id="qrcode"[^>]+src="data:image/svg\+xml;base64,', page)
    key = authenticator_key(page)
    assert len(key.replace("-", "")) >= 16
    assert "Aspirasi Kaltim" in page and "Kunci (ketik manual)" in page
    assert "<script>" not in page
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"].split(
        "script-src")[1].split(";")[0]


def test_after_enrolment_sign_in_asks_for_the_code(client, login_as):
    """Once enrolled, is the password alone no longer enough: a wrong code refused, the right
    one admits?"""
    login_as("op-dlh")
    key = enrol_authenticator(client)
    response = sign_in_with_password(client, "op-dlh")
    assert response.status_code == 302 and "/tf-validate" in response.headers["Location"]
    assert "Masukkan kode verifikasi" in client.get("/tf-validate").get_data(as_text=True)
    assert not is_signed_in_to_admin(client)
    right = totp_code(key)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    refused = client.post("/tf-validate", data={"code": wrong})
    assert refused.status_code == 200
    assert not is_signed_in_to_admin(client)
    admitted = client.post("/tf-validate", data={"code": right})
    assert admitted.status_code == 302
    assert is_signed_in_to_admin(client)


def test_a_code_is_accepted_only_once(client, login_as):
    """Is the code used to enrol refused when replayed at sign-in, within its validity?"""
    login_as("op-dlh")
    client.post("/tf-setup", data={"setup": "authenticator"})
    page = client.post("/tf-setup", data={"setup": "authenticator"}).get_data(as_text=True)
    key = authenticator_key(page)
    action = re.search(r'<form action="([^"]+)"[^>]*name="two_factor_verify_code_form"',
                       page).group(1)
    code = totp_code(key)
    assert client.post(action, data={"code": code}).status_code == 302
    sign_in_with_password(client, "op-dlh")
    assert client.post("/tf-validate", data={"code": code}).status_code == 200
    assert not is_signed_in_to_admin(client)
    next_code = totp_code(key, time.time() + 30)  # the app's next code, within the window
    assert client.post("/tf-validate", data={"code": next_code}).status_code == 302


def test_a_recovery_code_admits_once(app, client, login_as):
    """Does a recovery code stand in for the authenticator once, and is it refused the second
    time?"""
    login_as("op-dlh")
    enrol_authenticator(client)
    page = client.post("/mf-recovery-codes", data={"generate_new_codes": "y"}).get_data(
        as_text=True)
    codes = re.findall(r"<li><code>([0-9a-f-]+)</code></li>", page)
    assert len(codes) == 8
    with app.app_context():
        stored = User.query.filter_by(username="op-dlh").one().mf_recovery_codes
        assert codes[0] not in ",".join(stored)  # kept encrypted
    sign_in_with_password(client, "op-dlh")
    rescue = client.post("/tf-rescue", data={"help_setup": "recovery_code"})
    assert rescue.status_code == 302 and rescue.headers["Location"].endswith("/mf-recovery")
    assert client.post("/mf-recovery", data={"code": codes[0]}).status_code == 302
    assert is_signed_in_to_admin(client)
    sign_in_with_password(client, "op-dlh")
    again = client.post("/mf-recovery", data={"code": codes[0]})
    assert again.status_code == 200 and not is_signed_in_to_admin(client)
    assert client.post("/mf-recovery", data={"code": codes[1]}).status_code == 302


def test_required_mode_sends_unenrolled_staff_to_setup(client, login_as, app,
                                                        staff_two_factor_required):
    """With STAFF_TWO_FACTOR=required, is an admin without a second factor sent from /admin to
    /tf-setup with a message, offered no way to switch it off, and let in once enrolled?"""
    login_as("admin")
    response = client.get("/admin/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/tf-setup")
    page = client.get("/tf-setup").get_data(as_text=True)
    assert "wajib memakai verifikasi dua langkah" in page
    assert 'value="disable"' not in page
    assert client.get("/admin/pesan/").status_code == 302
    enrol_authenticator(client)
    assert is_signed_in_to_admin(client)


def test_required_mode_leaves_citizens_alone(app, client, demo, staff_two_factor_required):
    """With STAFF_TWO_FACTOR=required, does a citizen still sign in with the password alone
    and use the portal?"""
    gen_citizen(app)
    log_in(client, "siti")
    assert client.get("/riwayat").status_code == 200


def test_optional_mode_lets_unenrolled_staff_in(client, login_as):
    """With the default STAFF_TWO_FACTOR=optional, does staff without a second factor still
    reach /admin?"""
    login_as("admin")
    assert is_signed_in_to_admin(client)


def test_superadmin_can_remove_a_lost_second_factor(app, client, login_as, demo):
    """When a staff member loses the phone, does the superadmin's "remove" let that person sign
    in with the password again (and enrol anew)?"""
    login_as("op-dlh")
    enrol_authenticator(client)
    login_as("superadmin")
    form = {"username": "op-dlh", "email": "op-dlh@aspirasi.kaltimprov.go.id",
            "full_name": "Operator DLH", "roles": [], "active": "y",
            "hapus_dua_langkah": "y"}
    with app.app_context():
        user = User.query.filter_by(username="op-dlh").one()
        form["roles"] = [str(r.id) for r in user.roles]
        form["opd"] = str(user.opd_id)
        form["email"] = user.email
        form["full_name"] = user.full_name
    response = client.post(f"/admin/pengguna/edit/?id={demo['op-dlh']}", data=form)
    assert response.status_code == 302
    with app.app_context():
        assert not User.query.filter_by(username="op-dlh").one().has_second_factor
        assert AuditLog.query.filter_by(action="pengguna.hapus_dua_langkah").count() == 1
    response = sign_in_with_password(client, "op-dlh")
    assert "/tf-validate" not in response.headers["Location"]
    assert is_signed_in_to_admin(client)


def test_enrolment_is_audited_and_the_code_page_offers_recovery_codes(app, client, login_as):
    """Is a staff member's enrolment written to the audit log, and does the code page offer the
    recovery codes once there are some (and only then)?"""
    login_as("op-dlh")
    key = enrol_authenticator(client)
    with app.app_context():
        assert AuditLog.query.filter_by(action="two_factor_on").one().username == "op-dlh"
    sign_in_with_password(client, "op-dlh")
    assert "Pakai salah satu kode pemulihan" not in client.get("/tf-validate").get_data(
        as_text=True)
    assert client.post("/tf-validate", data={"code": totp_code(key)}).status_code == 302
    client.post("/mf-recovery-codes", data={"generate_new_codes": "y"})
    sign_in_with_password(client, "op-dlh")
    assert "Pakai salah satu kode pemulihan" in client.get("/tf-validate").get_data(as_text=True)

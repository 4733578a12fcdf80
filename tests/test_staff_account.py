"""A staff member's own account page: reached from the back office's menu bar, with password
change, two-factor setup, recovery codes and sessions; never the citizen's profile."""
import pytest

from tests.helpers import PASSWORD, enrol_authenticator, gen_citizen, log_in

STAFF = ["superadmin", "admin", "op-diskominfo", "op-biroekonomi", "evaluator"]
CITIZEN_FIELDS = ('name="nik"', 'name="religion"', 'name="birth_place"', "Agama", "NIK")
NEW = "Mahakam-Senja-Perahu-41"


@pytest.mark.parametrize("username", STAFF)
def test_each_staff_role_reaches_its_account_page_from_the_menu(app, client, login_as, username):
    """Does every staff role find "Akun saya" in the back office's menu bar, and does that page
    link to Flask-Security's password change, two-factor setup, with no citizen field?"""
    login_as(username)
    menu = client.get("/admin/").get_data(as_text=True)
    assert 'id="akun-saya" href="/admin/akun/"' in menu and "Akun saya" in menu
    page = client.get("/admin/akun/")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'href="/change"' in body and 'href="/tf-setup"' in body and "Sesi" in body
    assert not [field for field in CITIZEN_FIELDS if field in body]


@pytest.mark.parametrize("username", STAFF)
def test_a_staff_member_s_settings_is_the_account_page(app, client, login_as, username):
    """Does a staff member's /settings lead to the staff account page, not the citizen's
    profile with NIK and religion?"""
    login_as(username)
    response = client.get("/settings")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/akun/")
    body = client.get("/settings", follow_redirects=True).get_data(as_text=True)
    assert not [field for field in CITIZEN_FIELDS if field in body]


def test_a_citizen_keeps_the_profile_and_gets_no_staff_account_page(app, client, demo):
    """Does a citizen still get the profile with NIK at /settings, and a 403 at /admin/akun/?"""
    gen_citizen(app)
    log_in(client, "siti")
    body = client.get("/settings").get_data(as_text=True)
    assert 'name="nik"' in body and 'name="religion"' in body
    assert client.get("/admin/akun/").status_code == 403


def test_a_staff_password_change_returns_to_the_account_page(app, client, login_as):
    """Does an operator's password change at /change lead back to the account page, with the
    new password in force?"""
    login_as("op-dlh")
    response = client.post("/change", data={"password": PASSWORD, "new_password": NEW,
                                            "new_password_confirm": NEW}, follow_redirects=True)
    assert response.request.path == "/admin/akun/"
    log_in(app.test_client(), "op-dlh", NEW)


def test_the_recovery_codes_are_offered_once_two_factor_is_on(app, client, login_as):
    """Does the account page offer recovery codes only once the authenticator is enrolled,
    and does the link open Flask-Security's recovery codes page?"""
    login_as("admin")
    assert 'href="/mf-recovery-codes"' not in client.get("/admin/akun/").get_data(as_text=True)
    enrol_authenticator(client)
    body = client.get("/admin/akun/").get_data(as_text=True)
    assert 'href="/mf-recovery-codes"' in body
    assert client.get("/mf-recovery-codes").status_code == 200


def test_ending_the_other_sessions_keeps_this_one(app, client, login_as):
    """When an admin ends the other sessions from the account page, is the session in another
    browser signed out while this one stays signed in?"""
    other = log_in(app.test_client(), "admin")
    login_as("admin")
    response = client.post("/admin/akun/sesi-lain")
    assert response.status_code == 302
    assert client.get("/admin/akun/").status_code == 200
    assert other.get("/admin/akun/").status_code == 302  # back to the sign-in page

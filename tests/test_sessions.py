"""Sessions: a password set by the superadmin, or a deactivation, ends that person's open
sessions; a role given or taken counts from that person's next request; both sign-in cookies
are Secure when configured; the last active superadmin stays."""
import tempfile

from models import User
from tests.helpers import PASSWORD, app_config, gen_citizen, get_user, log_in


def staff_form(app, username, **changes) -> dict:
    """The user admin's edit form for `username` as it stands, with `changes`."""
    with app.app_context():
        user = get_user(username)
        form = {"username": user.username, "email": user.email, "full_name": user.full_name or "",
                "roles": [str(r.id) for r in user.roles],
                "opd": str(user.opd_id) if user.opd_id else "__None",
                "monitored_subcategories": [str(s.id) for s in user.monitored_subcategories],
                "active": "y" if user.active else ""}
    form.update(changes)
    return {k: v for k, v in form.items() if v != ""}


def test_password_set_by_the_superadmin_ends_open_sessions(app, client, login_as, demo):
    """When the superadmin sets a new password for op-dlh, is op-dlh's open session (and the
    remember-me cookie) signed out, while the new password works?"""
    operator = app.test_client()
    operator.post("/login", data={"identity": "op-dlh", "password": PASSWORD, "remember": "y"})
    assert operator.get("/admin/").status_code == 200
    login_as("superadmin")
    response = client.post(f"/admin/pengguna/edit/?id={demo['op-dlh']}",
                           data=staff_form(app, "op-dlh", password_baru="Mahakam-Senja-Perahu-41"))
    assert response.status_code == 302
    assert operator.get("/admin/").status_code == 302  # the old session no longer counts
    # Without its session cookie, the remember-me cookie alone does not sign it in either.
    operator.delete_cookie("session")
    assert operator.get("/admin/").status_code == 302
    log_in(app.test_client(), "op-dlh", "Mahakam-Senja-Perahu-41")


def test_an_edit_without_a_new_password_keeps_sessions(app, client, login_as, demo):
    """Does an edit that changes only the name leave op-dlh signed in?"""
    operator = log_in(app.test_client(), "op-dlh")
    login_as("superadmin")
    client.post(f"/admin/pengguna/edit/?id={demo['op-dlh']}",
                data=staff_form(app, "op-dlh", full_name="Operator DLH Baru"))
    assert operator.get("/admin/").status_code == 200


def test_deactivation_ends_open_sessions(app, client, login_as, demo):
    """Is a deactivated staff member's open session ended at once?"""
    operator = log_in(app.test_client(), "op-dlh")
    login_as("superadmin")
    client.post(f"/admin/pengguna/edit/?id={demo['op-dlh']}",
                data=staff_form(app, "op-dlh", active=""))
    assert operator.get("/admin/").status_code == 302
    with app.app_context():
        assert get_user("op-dlh").active is False


def test_a_changed_role_counts_from_the_next_request_of_an_open_session(app, client, login_as,
                                                                      demo):
    """When the superadmin makes op-dlh an evaluator, does op-dlh's open session lose the
    operator's list and reach the evaluator's at its very next request?"""
    operator = log_in(app.test_client(), "op-dlh")
    assert operator.get("/admin/pesan-opd/").status_code == 200
    assert operator.get("/admin/evaluasi/").status_code == 403
    login_as("superadmin")
    with app.app_context():
        evaluator_role = [str(r.id) for r in get_user("evaluator").roles]
    response = client.post(f"/admin/pengguna/edit/?id={demo['op-dlh']}",
                           data=staff_form(app, "op-dlh", roles=evaluator_role, opd="__None"))
    assert response.status_code == 302
    assert operator.get("/admin/pesan-opd/").status_code == 403
    assert operator.get("/admin/evaluasi/").status_code == 200


def test_the_last_active_superadmin_cannot_demote_or_deactivate_itself(app, client, login_as,
                                                                        demo):
    """Is the only active superadmin refused, with a message, when removing its own role or
    deactivating itself?"""
    login_as("superadmin")
    with app.app_context():
        admin_role = [str(r.id) for r in get_user("admin").roles]
    for changes in ({"roles": admin_role}, {"active": ""}):
        response = client.post(f"/admin/pengguna/edit/?id={demo['superadmin']}",
                               data=staff_form(app, "superadmin", **changes))
        assert "satu-satunya superadmin aktif" in response.get_data(as_text=True)
        with app.app_context():
            user = get_user("superadmin")
            assert user.active and "superadmin" in user.role_names


def test_the_last_active_superadmin_cannot_be_deleted(app, client, login_as, demo):
    """Is deleting the only active superadmin refused?"""
    login_as("superadmin")
    response = client.post("/admin/pengguna/delete/", data={"id": demo["superadmin"]},
                           follow_redirects=True)
    assert "satu-satunya superadmin aktif" in response.get_data(as_text=True)
    with app.app_context():
        assert User.query.filter_by(username="superadmin").count() == 1


def test_a_second_superadmin_may_be_demoted(app, client, login_as, demo):
    """With another active superadmin present, can one of them give up the role?"""
    login_as("superadmin")
    with app.app_context():
        superadmin_role = [str(r.id) for r in get_user("superadmin").roles]
        admin_role = [str(r.id) for r in get_user("admin").roles]
    client.post(f"/admin/pengguna/edit/?id={demo['admin']}",
                data=staff_form(app, "admin", roles=superadmin_role))
    response = client.post(f"/admin/pengguna/edit/?id={demo['superadmin']}",
                           data=staff_form(app, "superadmin", roles=admin_role))
    assert response.status_code == 302
    with app.app_context():
        assert "superadmin" not in get_user("superadmin").role_names


def test_both_sign_in_cookies_are_secure_when_configured(app, monkeypatch):
    """With SESSION_COOKIE_SECURE=1, do the session and the remember-me cookie both carry
    Secure and HttpOnly?"""
    from aspirasi import create_app

    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    config = app_config(tempfile.mkdtemp(prefix="aspirasi-secure-"))
    config["SQLALCHEMY_DATABASE_URI"] = app.config["SQLALCHEMY_DATABASE_URI"]
    secure_app = create_app(config)
    gen_citizen(app)
    client = secure_app.test_client()
    response = client.post("https://localhost/login",
                           data={"identity": "siti", "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert "; Secure" in cookies[name] and "; HttpOnly" in cookies[name], cookies[name]


def test_cookies_are_not_secure_by_default(app, client):
    """Without SESSION_COOKIE_SECURE (local HTTP), can one still sign in over plain HTTP?"""
    gen_citizen(app)
    response = client.post("/login", data={"identity": "siti", "password": PASSWORD,
                                           "remember": "y"})
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    assert "; Secure" not in cookies["session"] and "; Secure" not in cookies["remember_token"]

"""One minimum password length for every account: Flask-Security's SECURITY_PASSWORD_LENGTH_MIN
is what registration, the staff user admin and `create-superadmin` all apply."""
import pytest

from models import Role, User


@pytest.fixture
def longer_minimum(app):
    """The minimum raised to 12 for one test."""
    original = app.config["SECURITY_PASSWORD_LENGTH_MIN"]
    app.config["SECURITY_PASSWORD_LENGTH_MIN"] = 12
    yield "Sandi-1234"  # 10 characters: enough for 8, not for 12
    app.config["SECURITY_PASSWORD_LENGTH_MIN"] = original


def evaluator_role(app) -> int:
    with app.app_context():
        return Role.query.filter_by(name="evaluator").one().id


def test_user_admin_follows_the_configured_minimum(app, client, login_as, longer_minimum):
    """With the minimum at 12, is a staff account with a 10-character password refused, saying
    12, and one with 12 characters created?"""
    login_as("superadmin")
    refused = client.post("/admin/pengguna/new/", data={
        "username": "evaluator2", "email": "ev2@kaltimprov.go.id", "roles": evaluator_role(app),
        "password_baru": longer_minimum})
    assert "Kata sandi minimal 12 karakter" in refused.get_data(as_text=True)
    client.post("/admin/pengguna/new/", data={
        "username": "evaluator3", "email": "ev3@kaltimprov.go.id", "roles": evaluator_role(app),
        "password_baru": longer_minimum + "ab"})
    with app.app_context():
        assert User.query.filter_by(username="evaluator2").count() == 0
        assert User.query.filter_by(username="evaluator3").count() == 1


def test_cli_follows_the_configured_minimum(app, runner, longer_minimum):
    """With the minimum at 12, does `create-superadmin` refuse a 10-character password?"""
    result = runner.invoke(args=["create-superadmin", "--username", "kepala", "--email",
                                 "kepala@kaltimprov.go.id", "--password", longer_minimum])
    assert result.exit_code != 0 and "minimal 12 karakter" in result.output
    with app.app_context():
        assert User.query.filter_by(username="kepala").count() == 0


def test_registration_follows_the_configured_minimum(app, client, longer_minimum):
    """With the minimum at 12, does registration refuse a 10-character password, saying 12?"""
    response = client.post("/register", data={
        "email": "rina@example.com", "username": "rina", "password": longer_minimum,
        "password_confirm": longer_minimum})
    assert "Kata sandi minimal 12 karakter" in response.get_data(as_text=True)
    with app.app_context():
        assert User.query.filter_by(username="rina").count() == 0

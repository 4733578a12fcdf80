"""One password rule at every door: guessable passwords (zxcvbn score below 3) and passwords
that are or contain the username or email are refused at registration, change, reset, the
staff user admin and `create-superadmin`; the passwords the project itself hands out pass."""
import re

import pytest

from models import Role, User
from tests.helpers import PASSWORD, count_rows, first_link, gen_citizen, log_in

GUESSABLE = ["12345678", "password", "qwerty123", "kaltim2026", "Samarinda1"]


def role_id(app, name) -> int:
    with app.app_context():
        return Role.query.filter_by(name=name).one().id


@pytest.mark.parametrize("password", GUESSABLE + ["rina-di-samarinda", "RINA@example.com"])
def test_registration_refuses_a_weak_password(app, client, password):
    """Is a guessable password, or one containing the username or email, refused at
    registration with an Indonesian message, creating nothing?"""
    response = client.post("/register", data={
        "email": "rina@example.com", "username": "rina", "password": password,
        "password_confirm": password})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ("terlalu mudah ditebak" in page
            or "tidak boleh sama dengan atau memuat username atau email" in page)
    assert count_rows(app, User) == 0


def test_change_refuses_a_weak_password(app, client):
    """Is a guessable new password refused on /change, keeping the old one?"""
    gen_citizen(app)
    log_in(client, "siti")
    response = client.post("/change", data={"password": PASSWORD, "new_password": "password1",
                                            "new_password_confirm": "password1"})
    assert response.status_code == 200
    assert "terlalu mudah ditebak" in response.get_data(as_text=True)
    log_in(client, "siti")  # the old password still works


def test_reset_refuses_the_username_as_password(app, client, outbox):
    """Is the username itself refused as the new password through the mailed reset link?"""
    gen_citizen(app, username="sitinurhaliza")
    client.post("/reset", data={"email": "sitinurhaliza@example.com"})
    link = first_link(outbox[-1].body, "/reset/").replace("http://localhost", "")
    response = client.post(link, data={"password": "Sitinurhaliza", "password_confirm":
                                       "Sitinurhaliza"})
    assert response.status_code == 200
    assert "memuat username atau email" in response.get_data(as_text=True)


@pytest.mark.parametrize("password", ["12345678", "password", "evaluator2", "Evaluator2-2026"])
def test_user_admin_refuses_a_weak_staff_password(app, client, login_as, password):
    """Does the staff user admin refuse 12345678, "password", the username and a password
    built on it, for a new staff account?"""
    login_as("superadmin")
    response = client.post("/admin/pengguna/new/", data={
        "username": "evaluator2", "email": "ev2@kaltimprov.go.id",
        "roles": role_id(app, "evaluator"), "password_baru": password})
    page = response.get_data(as_text=True)
    assert "terlalu mudah ditebak" in page or "memuat username atau email" in page
    with app.app_context():
        assert User.query.filter_by(username="evaluator2").count() == 0


@pytest.mark.parametrize("password", ["12345678", "superadmin", "Kepala-Dinas-Kepala"])
def test_cli_refuses_a_weak_superadmin_password(app, runner, password):
    """Does `create-superadmin` refuse 12345678, a bare word and a password containing the
    username, creating nobody?"""
    result = runner.invoke(args=["create-superadmin", "--username", "kepala-dinas", "--email",
                                 "kepala@kaltimprov.go.id", "--password", password])
    assert result.exit_code != 0
    assert ("terlalu mudah ditebak" in result.output
            or "memuat username atau email" in result.output)
    with app.app_context():
        assert User.query.filter_by(username="kepala-dinas").count() == 0


def test_cli_accepts_a_strong_superadmin_password(app, runner):
    """Is a long, uncommon password accepted by `create-superadmin`?"""
    result = runner.invoke(args=["create-superadmin", "--username", "kepala", "--email",
                                 "kepala@kaltimprov.go.id", "--password", "Mahakam-Senja-Perahu-41"])
    assert result.exit_code == 0, result.output


def test_demo_passwords_pass_the_rule(app, runner, monkeypatch):
    """Do the tests' demo password and the random one seed-demo prints both pass the rule, and
    is a weak DEMO_PASSWORD refused?"""
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    monkeypatch.delenv("DEMO_PASSWORD")
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    printed = re.search(r"Kata sandi semua akun demo: (\S+)", result.output).group(1)
    log_in(app.test_client(), "warga", printed)
    monkeypatch.setenv("DEMO_PASSWORD", "password")
    weak = runner.invoke(args=["seed-demo"])
    assert weak.exit_code != 0 and "terlalu mudah ditebak" in weak.output

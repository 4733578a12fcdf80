"""Forgotten and changed passwords: mailed links valid 60 minutes, notices in Indonesian."""
import time

import itsdangerous.timed
from flask_security import verify_password

from models import User
from tests.helpers import PASSWORD, app_config, first_link, gen_citizen, log_in

NEW = "Sandi-Baru-Sekali-7"


def password_is(app, username, password) -> bool:
    with app.app_context():
        return verify_password(password, User.query.filter_by(username=username).one().password)


def stored_hash(app, username) -> str:
    with app.app_context():
        return User.query.filter_by(username=username).one().password


def request_reset(app, client, outbox) -> str:
    gen_citizen(app)
    response = client.post("/reset", data={"email": "siti@example.com"})
    assert response.status_code in (200, 302)
    mail = outbox[-1]
    assert mail.to == ["siti@example.com"]
    assert "Atur ulang" in mail.subject
    assert "60 menit" in mail.body or "1 jam" in mail.body
    return first_link(mail.body, "/reset/").replace("http://localhost", "")


def test_reset_link_sets_a_new_password(app, client, outbox):
    """Does the mailed reset link let the citizen choose a new password?"""
    link = request_reset(app, client, outbox)
    form = client.get(link)
    assert "Atur Ulang Kata Sandi" in form.get_data(as_text=True)
    response = client.post(link, data={"password": NEW, "password_confirm": NEW})
    assert response.status_code == 302
    assert password_is(app, "siti", NEW)
    assert "telah diatur ulang" in outbox[-1].body


def test_reset_link_expires_after_sixty_minutes(app, client, outbox, monkeypatch):
    """Is a reset link refused 61 minutes later, leaving the password unchanged?"""
    link = request_reset(app, client, outbox)
    later = int(time.time()) + 61 * 60
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: later)
    response = client.post(link, data={"password": NEW, "password_confirm": NEW},
                           follow_redirects=True)
    assert "kedaluwarsa" in response.get_data(as_text=True)
    assert password_is(app, "siti", PASSWORD)


def test_reset_link_still_works_after_fifty_nine_minutes(app, client, outbox, monkeypatch):
    """Is the same link still accepted just inside the 60 minutes?"""
    link = request_reset(app, client, outbox)
    later = int(time.time()) + 59 * 60
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: later)
    client.post(link, data={"password": NEW, "password_confirm": NEW})
    assert password_is(app, "siti", NEW)


def test_change_password_from_settings(app, client, outbox):
    """Can a citizen change its password, with a notice mailed, and is a wrong current one refused?"""
    gen_citizen(app)
    log_in(client, "siti")
    assert "/change" in client.get("/settings").get_data(as_text=True)
    wrong = client.post("/change", data={"password": "bukan-sandinya", "new_password": NEW,
                                         "new_password_confirm": NEW})
    assert wrong.status_code == 200
    assert "Kata sandi salah" in wrong.get_data(as_text=True)
    assert password_is(app, "siti", PASSWORD)
    response = client.post("/change", data={"password": PASSWORD, "new_password": NEW,
                                            "new_password_confirm": NEW})
    assert response.status_code == 302
    assert password_is(app, "siti", NEW)
    assert "telah diubah" in outbox[-1].body


def test_a_sign_in_hashes_with_the_installation_s_argon2_settings(app, runner):
    """Outside the tests' fast hashing, is a password hashed with argon2id at 46 MiB, one
    pass and one lane (one sign-in is one such hash), and is a hash made under other settings
    made again at its owner's next sign-in?"""
    import tempfile

    from aspirasi import create_app

    config = app_config(tempfile.mkdtemp(prefix="aspirasi-hashing-"))
    del config["SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS"]
    config["SQLALCHEMY_DATABASE_URI"] = app.config["SQLALCHEMY_DATABASE_URI"]
    installed = create_app(config)
    settings = "$argon2id$v=19$m=47104,t=1,p=1$"
    gen_citizen(app)  # hashed under the tests' settings
    assert not stored_hash(app, "siti").startswith(settings)
    response = installed.test_client().post("/login", data={"identity": "siti",
                                                            "password": PASSWORD})
    assert response.status_code == 302
    assert stored_hash(app, "siti").startswith(settings)
    created = installed.test_cli_runner().invoke(args=[
        "create-superadmin", "--username", "kepala", "--email", "kepala@example.com",
        "--password", NEW])
    assert created.exit_code == 0, created.output
    assert stored_hash(app, "kepala").startswith(settings)

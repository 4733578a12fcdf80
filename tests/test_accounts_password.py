"""Forgotten and changed passwords: mailed links valid 60 minutes, notices in Indonesian."""
import time

import itsdangerous.timed
from flask_security import verify_password

from models import User
from tests.helpers import PASSWORD, first_link, gen_citizen, log_in

NEW = "Sandi-Baru-Sekali-7"


def password_is(app, username, password) -> bool:
    with app.app_context():
        return verify_password(password, User.query.filter_by(username=username).one().password)


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

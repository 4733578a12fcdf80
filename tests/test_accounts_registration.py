"""Registration, email verification, the unverified-account guard and the resend pause."""
from datetime import timedelta

import pytest

from models import QueuedMail, User, db, utcnow
from tests.helpers import PASSWORD, count_rows, first_link, gen_citizen

FORM = {"email": "rina@example.com", "username": "rina", "password": PASSWORD,
        "password_confirm": PASSWORD}


def register(client, **changes):
    return client.post("/register", data={**FORM, **changes})


def register_and_sign_in(client):
    """Register as rina, then sign in with the new, still unverified account."""
    assert register(client).status_code == 302
    response = client.post("/login", data={"identity": "rina", "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def test_register_sends_an_indonesian_verification_mail_and_shows_verify_page(app, client, outbox):
    """Does registering create the account, mail a verification link and end signed out on the
    sign-in page with the "check your email" message, and does signing in show /verifikasi?"""
    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"].split("?")[0].endswith("/login")
    signed_in_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "rina@example.com" in signed_in_page and "Keluar" not in signed_in_page
    login = client.post("/login", data={"identity": "rina", "password": PASSWORD})
    assert client.get(login.headers["Location"]).headers["Location"].endswith("/verifikasi")
    with app.app_context():
        user = User.query.filter_by(username="rina").one()
        assert user.email == "rina@example.com" and user.confirmed_at is None
        assert user.password.startswith("$argon2")
        assert QueuedMail.query.filter_by(recipient="rina@example.com").count() == 1
    assert len(outbox) == 1
    mail = outbox[0]
    assert mail.to == ["rina@example.com"]
    assert "verifikasi" in mail.subject.lower()
    assert "Selamat datang di Aspirasi Kaltim" in mail.body
    assert "/confirm/" in first_link(mail.body, "/confirm/")
    page = client.get("/verifikasi").get_data(as_text=True)
    assert "Verifikasi email Anda" in page and "rina@example.com" in page


@pytest.mark.parametrize("path", ["/", "/pesan", "/pesan/kirim", "/riwayat", "/settings",
                                  "/tracking", "/lapor", "/change", "/admin/"])
def test_unverified_account_sees_only_the_verify_page(client, path):
    """Is every page but /verifikasi redirected there for a logged-in unverified account?"""
    register_and_sign_in(client)
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/verifikasi")


def test_following_the_verification_link_confirms_the_account(app, client, outbox):
    """Does the mailed link confirm the email and open the portal?"""
    register_and_sign_in(client)
    link = first_link(outbox[0].body, "/confirm/")
    response = client.get(link.replace("http://localhost", ""))
    assert response.status_code == 302
    with app.app_context():
        assert User.query.filter_by(username="rina").one().confirmed_at is not None
    assert client.get("/pesan").status_code == 200


def test_verification_link_with_a_forged_token_confirms_nothing(app, client):
    """Does a made-up verification token leave the account unverified?"""
    register_and_sign_in(client)
    client.get("/confirm/not-a-real-token")
    with app.app_context():
        assert User.query.filter_by(username="rina").one().confirmed_at is None


@pytest.mark.slow
def test_three_resends_pause_the_button_for_sixty_seconds(app, client, outbox):
    """After three resends in a row, is a fourth refused (button and server) until 60 s pass?"""
    register_and_sign_in(client)
    for _ in range(3):
        response = client.post("/verifikasi/kirim-ulang")
        assert response.status_code == 302
    assert len(outbox) == 1 + 3
    page = client.get("/verifikasi").get_data(as_text=True)
    assert 'id="kirim-ulang" disabled' in page
    refused = client.post("/verifikasi/kirim-ulang")
    assert refused.status_code == 429
    assert "Tunggu" in refused.get_data(as_text=True)
    assert len(outbox) == 4
    with app.app_context():
        user = User.query.filter_by(username="rina").one()
        user.confirm_resend_at = utcnow() - timedelta(seconds=61)
        db.session.commit()
    assert 'id="kirim-ulang" disabled' not in client.get("/verifikasi").get_data(as_text=True)
    assert client.post("/verifikasi/kirim-ulang").status_code == 302
    assert len(outbox) == 5
    with app.app_context():
        assert User.query.filter_by(username="rina").one().confirm_resend_count == 1


def test_resent_link_is_in_indonesian_and_works(app, client, outbox):
    """Does the resent verification mail carry a working link, in Indonesian?"""
    register_and_sign_in(client)
    client.post("/verifikasi/kirim-ulang")
    mail = outbox[-1]
    assert "Untuk memverifikasi email" in mail.body
    client.get(first_link(mail.body, "/confirm/").replace("http://localhost", ""))
    with app.app_context():
        assert User.query.filter_by(username="rina").one().confirmed_at is not None


# A duplicate email or username is refused too, but without saying so on the page (the page
# must not tell which accounts exist): tests/test_enumeration.py proves that case.
@pytest.mark.parametrize("changes, message", [
    ({"password": "pendek", "password_confirm": "pendek"}, "minimal 8 karakter"),
    ({"password_confirm": "Kata-Sandi-Lain-9"}, "tidak sama"),
    ({"email": "bukan-email"}, "tidak valid"),
])
def test_bad_registration_gets_a_clear_message_and_creates_nothing(app, client, demo, changes,
                                                                   message):
    """Are short or mismatched passwords and a bad email refused in Indonesian?"""
    before = count_rows(app, User)
    response = register(client, **changes)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count_rows(app, User) == before


def test_login_page_is_indonesian_and_accepts_email_or_username(app, client):
    """Is the login page in Indonesian with one box for email or username?"""
    page = client.get("/login").get_data(as_text=True)
    assert "Email atau username" in page and "Kata sandi" in page and "Lupa kata sandi?" in page
    gen_citizen(app)
    response = client.post("/login", data={"identity": "SITI@example.com", "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_is_refused_in_indonesian(app, client):
    """Does a wrong password get an Indonesian message and no session?"""
    gen_citizen(app)
    response = client.post("/login", data={"identity": "siti", "password": "salah-sekali"})
    assert response.status_code == 200
    assert "kata sandi salah" in response.get_data(as_text=True).lower()
    assert client.get("/riwayat").status_code == 302

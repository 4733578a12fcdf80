"""The public account forms never tell whether an account, email or username exists: login,
/reset, /confirm and /register answer an existing and an unknown account alike."""
import re

from models import User
from tests.helpers import PASSWORD, count_rows, gen_citizen


def visible_answer(client, response, typed=()) -> tuple:
    """What a person sees after a POST: the status, where it leads, the messages on the page
    and the ones flashed for the next page, with the values they typed blanked out."""
    page = response.get_data(as_text=True)
    messages = re.findall(r'<ul class="errors">(.*?)</ul>', page, re.S)
    messages += re.findall(r'class="flash[^"]*"[^>]*>(.*?)</div>', page, re.S)
    with client.session_transaction() as session:
        messages += [text for _category, text in session.get("_flashes", [])]
        session.pop("_flashes", None)
    text = " | ".join(" ".join(m.split()) for m in messages)
    for value in typed:
        text = text.replace(value, "…")
    return response.status_code, response.headers.get("Location"), text


def test_login_answers_an_unknown_account_as_a_wrong_password(app, client):
    """Does a wrong password for an existing account get exactly the answer of an unknown
    account, by email and by username?"""
    gen_citizen(app)
    for known, unknown in (("siti", "tidakada"), ("siti@example.com", "tidakada@example.com")):
        wrong = visible_answer(client, client.post(
            "/login", data={"identity": known, "password": "Salah-Sekali-2026"}))
        nobody = visible_answer(client, client.post(
            "/login", data={"identity": unknown, "password": "Salah-Sekali-2026"}))
        assert wrong == nobody
        assert wrong[0] == 200 and "Email/username atau kata sandi salah." in wrong[2]
        assert "Tidak ada akun" not in wrong[2] + nobody[2]


def test_reset_answers_alike_for_a_registered_and_an_unknown_email(app, client, outbox):
    """Does /reset say the same for a registered and an unknown email, mailing only the
    registered one?"""
    gen_citizen(app)
    known = visible_answer(client, client.post("/reset", data={"email": "siti@example.com"}),
                           typed=["siti@example.com"])
    unknown = visible_answer(client, client.post("/reset", data={"email": "budi@example.com"}),
                             typed=["budi@example.com"])
    assert known == unknown
    assert "Jika … terdaftar" in known[2]
    assert [mail.to for mail in outbox] == [["siti@example.com"]]


def test_confirm_answers_alike_for_a_registered_and_an_unknown_email(app, client, outbox):
    """Does /confirm (resend the verification link) say the same for an unverified account,
    a verified one and an unknown email?"""
    gen_citizen(app, username="rina", email="rina@example.com", confirmed=False)
    gen_citizen(app, username="siti", email="siti@example.com", nik=None)
    answers = [visible_answer(client, client.post("/confirm", data={"email": email}),
                              typed=[email])
               for email in ("rina@example.com", "siti@example.com", "budi@example.com")]
    assert answers[0] == answers[1] == answers[2]
    assert "Jika … terdaftar" in answers[0][2]
    assert [mail.to for mail in outbox] == [["rina@example.com"]]


def registration(email, username):
    return {"email": email, "username": username, "password": PASSWORD,
            "password_confirm": PASSWORD}


def test_register_answers_alike_for_a_taken_and_a_new_email(app, client, outbox):
    """Does registering with a taken email answer like a new registration, create nothing and
    tell the owner of that email by mail instead?"""
    gen_citizen(app)
    taken = visible_answer(client, client.post(
        "/register", data=registration("siti@example.com", "sitibaru")),
        typed=["siti@example.com"])
    assert count_rows(app, User) == 1
    new = visible_answer(client, client.post(
        "/register", data=registration("rina@example.com", "rina")),
        typed=["rina@example.com"])
    assert count_rows(app, User) == 2
    assert taken == new
    assert taken[0] == 302 and "sudah terdaftar" not in taken[2]
    to_siti = [mail for mail in outbox if mail.to == ["siti@example.com"]]
    assert len(to_siti) == 1 and "sudah terdaftar" in to_siti[0].body
    assert "Tidak ada akun baru yang dibuat" in to_siti[0].body


def test_register_with_a_taken_username_says_so_only_by_mail(app, client, outbox):
    """Does a taken username with a new email answer like a new registration, create nothing,
    and tell the person at that new email by mail?"""
    gen_citizen(app)
    answer = visible_answer(client, client.post(
        "/register", data=registration("rina@example.com", "siti")), typed=["rina@example.com"])
    assert count_rows(app, User) == 1
    assert answer[0] == 302 and "sudah dipakai" not in answer[2]
    assert len(outbox) == 1 and outbox[0].to == ["rina@example.com"]
    assert "sudah dipakai akun lain" in outbox[0].body


def test_a_mistyped_address_is_still_called_mistyped(app, client, outbox):
    """Do /reset and /confirm still say plainly that "bukan-email" is not an email address
    (that reveals no account), sending nothing?"""
    for url in ("/reset", "/confirm"):
        status, _location, text = visible_answer(client, client.post(url, data={
            "email": "bukan-email"}))
        assert status == 200 and "Alamat email tidak valid." in text, url
        assert "Jika" not in text
    assert outbox == []


def test_registration_leaves_nobody_signed_in_whether_the_email_was_taken_or_new(app):
    """After registering, is the visitor signed out in both cases, so the next page does not
    tell a taken email (no account created, signed out) from a new one?"""
    gen_citizen(app)
    after = {}
    for case, email, username in (("taken", "siti@example.com", "sitibaru"),
                                  ("new", "rina@example.com", "rina")):
        visitor = app.test_client()
        visitor.post("/register", data=registration(email, username))
        home = visitor.get("/")
        after[case] = (home.status_code, "Keluar" in home.get_data(as_text=True),
                       visitor.get("/riwayat").status_code)
    assert after["taken"] == after["new"] == (200, False, 302)

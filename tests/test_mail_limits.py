"""Mail bombing: mail a stranger can cause reaches one address at most
MAIL_PER_RECIPIENT_LIMIT times an hour, from however many client addresses, and mail about
one's own account (MAIL_ACCOUNT_PER_RECIPIENT_LIMIT) is counted apart; the actions themselves
(a submission, the /confirm answer) are never lost or changed by the limit."""
from datetime import timedelta

import pytest
from flask_security import verify_password

from models import ApiKey, Message, QueuedMail, User, db, utcnow
from tests.helpers import (
    GOOD_NIK,
    PASSWORD,
    announce_submissions,
    count_rows,
    first_link,
    gen_citizen,
    get_opd,
    get_sub,
    post_action,
)

TARGET = "korban@example.com"
GUEST = {"guest_kind": "umum", "perihal": "Lampu jalan padam", "body": "Sudah sepekan gelap.",
         "nik": GOOD_NIK, "phone": "081234500011", "event_date": "2026-01-05", "email": TARGET}


def from_address(app, number: int):
    """A test client that comes from its own client address (10.0.x.y)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.0.{number // 250}.{number % 250 + 1}"
    return client


def mails_to(app, address: str) -> int:
    """The mails queued to `address` once the worker has announced the submissions."""
    announce_submissions(app)
    return count_rows(app, QueuedMail, recipient=address)


@pytest.fixture
def api_key(app, demo):
    with app.app_context():
        _row, key = ApiKey.issue("Aplikasi Uji Batas Surat")
        db.session.commit()
        return key


@pytest.mark.slow
def test_confirm_mails_each_request_it_accepts_and_says_when_it_sends_none(
        app, client, rate_limits_enabled):
    """Posting /confirm for one unverified address, and for an address nobody registered, from
    a new client address each time: is every link /confirm accepts queued, within the account
    mail's share, and does the request past the limit say that no email was sent, in the same
    words for both addresses?"""
    limit = app.config["MAIL_ACCOUNT_PER_RECIPIENT_LIMIT"]
    assert client.post("/register", data={"email": TARGET, "username": "korban",
                                          "password": PASSWORD,
                                          "password_confirm": PASSWORD}).status_code == 302
    refusals = []
    for number, address in enumerate((TARGET, "tidak-terdaftar@example.com")):
        answers = [from_address(app, number * 10 + attempt).post("/confirm",
                                                                 data={"email": address})
                   for attempt in range(5)]
        assert [answer.status_code for answer in answers] == [200, 200, 200, 429, 429]
        refusals.append(answers[3].get_data(as_text=True))
    assert mails_to(app, TARGET) == 1 + 3 <= limit  # the registration's and the three links
    assert "terlalu sering" in refusals[0] and "tidak ada email baru" in refusals[0]
    assert refusals[0] == refusals[1]


def test_guest_receipts_to_one_address_stop_at_the_limit_but_every_report_is_kept(
        app, rate_limits_enabled):
    """Guest reports from many client addresses all naming one email: is every report stored
    with its own tracking number, and are receipts queued only up to the limit?"""
    limit = app.config["MAIL_PER_RECIPIENT_LIMIT"]
    locations = []
    for number in range(limit + 3):
        response = from_address(app, number).post("/lapor", data=GUEST)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        locations.append(response.headers["Location"])
    assert len(set(locations)) == limit + 3
    with app.app_context():
        assert Message.query.filter_by(guest_email=TARGET).count() == limit + 3
    assert mails_to(app, TARGET) == limit


def test_open311_and_guest_receipts_share_one_limit_per_address(app, client, api_key):
    """Do Open311 submissions count against the same per-address limit as the guest form,
    while every request is still accepted with 201?"""
    limit = app.config["MAIL_PER_RECIPIENT_LIMIT"]
    for _ in range(2):
        assert client.post("/lapor", data=GUEST).status_code == 302
    data = {"api_key": api_key, "service_code": "adu-pencemaran", "address_string": "Pasar Pagi",
            "description": "Sungai berbau menyengat.", "email": TARGET.upper(),
            "phone": "081234000111"}
    for _ in range(limit):
        response = client.post("/open311/v2/requests.json", data=data)
        assert response.status_code == 201, response.get_data(as_text=True)
    assert count_rows(app, Message) >= 2 + limit
    announce_submissions(app)
    with app.app_context():
        to_target = QueuedMail.query.filter(db.func.lower(QueuedMail.recipient) == TARGET).count()
    assert to_target == limit  # the address in capitals is the same inbox


def test_the_limit_is_per_hour(app, client):
    """Once an hour has passed since the earlier mails, is a receipt queued again?"""
    limit = app.config["MAIL_PER_RECIPIENT_LIMIT"]
    for _ in range(limit + 1):
        assert client.post("/lapor", data=GUEST).status_code == 302
    assert mails_to(app, TARGET) == limit
    with app.app_context():
        QueuedMail.query.update({"created_at": utcnow() - timedelta(minutes=61)})
        db.session.commit()
    assert client.post("/lapor", data=GUEST).status_code == 302
    assert mails_to(app, TARGET) == limit + 1


def test_staff_actions_still_mail_a_citizen_over_the_limit(app, client, login_as):
    """Mail caused by staff (a status change) is not a stranger's doing: does it still reach
    an address that strangers have already filled up?"""
    limit = app.config["MAIL_PER_RECIPIENT_LIMIT"]
    for _ in range(limit):
        assert client.post("/lapor", data=GUEST).status_code == 302
    assert mails_to(app, TARGET) == limit
    with app.app_context():
        message_id = Message.query.filter_by(guest_email=TARGET).first().id
        internet = get_sub("adu-internet")
        form = {"category_id": internet.category_id, "subcategory_id": internet.id,
                "opd_id": get_opd("DISKOMINFO").id}
    login_as("admin")
    response = post_action(client, message_id, "forward", **form)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    assert mails_to(app, TARGET) == limit + 1


def test_guest_receipts_never_hold_back_the_reset_a_person_asks_for(app, client, outbox):
    """With the address's hour filled by guest receipts (anyone can cause those), is the reset
    mail its owner asks for still sent, and does its link set a new password?"""
    gen_citizen(app)
    owner = "siti@example.com"
    for _ in range(app.config["MAIL_PER_RECIPIENT_LIMIT"] + 1):
        assert client.post("/lapor", data=dict(GUEST, email=owner)).status_code == 302
    receipts = len([mail for mail in outbox if mail.to == [owner]])
    assert receipts == app.config["MAIL_PER_RECIPIENT_LIMIT"]  # the hour is full
    assert client.post("/reset", data={"email": owner}).status_code in (200, 302)
    resets = [mail for mail in outbox if mail.to == [owner] and "Atur ulang" in mail.subject]
    assert len(resets) == 1
    link = first_link(resets[0].body, "/reset/").replace("http://localhost", "")
    new = "Sandi-Baru-Sekali-7"
    assert client.post(link, data={"password": new, "password_confirm": new}).status_code == 302
    with app.app_context():
        assert verify_password(new, User.query.filter_by(username="siti").one().password)


def test_a_reset_held_by_its_limit_says_so_alike_for_every_address(app, outbox,
                                                                   rate_limits_enabled):
    """Asked for a fourth time in the hour, from other client addresses each time, does /reset
    say that no new mail was sent, in the same words for a registered and an unknown address,
    while each of the three resets it accepted was mailed?"""
    gen_citizen(app)
    refusals = []
    for number, address in enumerate(("siti@example.com", "budi@example.com")):
        answers = [from_address(app, number * 10 + attempt).post("/reset",
                                                                 data={"email": address})
                   for attempt in range(4)]
        assert [answer.status_code in (200, 302) for answer in answers] == [True] * 3 + [False]
        assert answers[3].status_code == 429
        refusals.append(answers[3].get_data(as_text=True))
    assert "terlalu sering" in refusals[0] and "tidak ada email baru" in refusals[0]
    assert refusals[0] == refusals[1]
    assert len([mail for mail in outbox if mail.to == ["siti@example.com"]]) == 3
    assert not [mail for mail in outbox if mail.to == ["budi@example.com"]]

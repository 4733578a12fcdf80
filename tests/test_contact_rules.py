"""One rule for phone numbers and email addresses, whichever door a message comes through:
the guest form (/lapor), the staff intake (/admin/intake/) and Open311 POST."""
import pytest

from models import ApiKey, Message, db
from tests.helpers import GOOD_NIK

ACCEPTED = {  # as written -> as stored
    "081234567890": "081234567890",
    "0812-3456-7890": "081234567890",
    "0812 3456 7890": "081234567890",
    "+6281234567890": "+6281234567890",
    "+62 812-3456-7890": "+6281234567890",
    "6281234567890": "6281234567890",
    "0812345678": "0812345678",
    "0541-123456": "0541123456",       # a landline in Samarinda: a village office calls from one
    "021 1234-5678": "02112345678",          # Jakarta
}
REFUSED = [
    "12345678",            # no 08, no country code
    "+12025550100",        # not an Indonesian number
    "0141-123456",         # no area code starts with 1
    "0541-12",             # too short for a landline
    "0812345",             # too short
    "08123456789012",      # too long
    "(0812) 3456-7890",    # brackets
    "0812<script>",
    "telepon",
]


@pytest.fixture
def doors(app, client, demo, login_as):
    """Three ways to send a message with a phone number; each returns the HTTP status."""
    with app.app_context():
        _row, key = ApiKey.issue("Uji kontak")
        db.session.commit()
    guest, api = app.test_client(), app.test_client()
    staff = login_as("admin")

    def through_guest_form(phone, email="tamu@example.com"):
        return guest.post("/lapor", content_type="multipart/form-data", data={
            "guest_kind": "umum", "perihal": f"Lewat portal {phone}", "body": "Isi",
            "nik": GOOD_NIK, "phone": phone, "email": email, "event_date": "2026-01-05"})

    def through_intake(phone, email="tamu@example.com"):
        return staff.post("/admin/intake/", data={
            "channel": "phone", "guest_name": "Siti", "guest_phone": phone, "guest_email": email,
            "perihal": f"Lewat petugas {phone}", "body": "Isi"})

    def through_open311(phone, email="tamu@example.com"):
        return api.post("/open311/v2/requests.json", data={
            "api_key": key, "service_code": "adu-pencemaran", "description": f"Lewat API {phone}",
            "address_string": "Jl. Pahlawan", "phone": phone, "email": email})

    return {"guest": through_guest_form, "intake": through_intake, "api": through_open311}


def stored_phones(app) -> dict:
    """The phone stored with the newest message of each door's channel."""
    with app.app_context():
        newest_first = Message.query.filter(
            Message.channel.in_(("guest", "phone", "api"))).order_by(Message.id.desc())
        phones = {}
        for message in newest_first:
            phones.setdefault(message.channel, message.guest_phone)
        return phones


def test_the_three_doors_accept_the_same_numbers_and_store_them_alike(app, doors):
    """Are 08…, +62… and 62… numbers with spaces or dashes accepted by the guest form, the
    intake and Open311, and stored the same way (without separators) by all three?"""
    for written, stored in ACCEPTED.items():
        codes = {name: send(written).status_code for name, send in doors.items()}
        assert codes == {"guest": 302, "intake": 302, "api": 201}, written
        assert stored_phones(app) == {"guest": stored, "phone": stored, "api": stored}, written


@pytest.mark.parametrize("written", REFUSED)
def test_the_three_doors_refuse_the_same_numbers(app, doors, written):
    """Is a number that is not an Indonesian phone number refused with a 400 by all three
    doors, with the same reason, and nothing stored?"""
    with app.app_context():
        before = Message.query.count()
    for name, send in doors.items():
        response = send(written)
        assert response.status_code == 400, name
        assert "Nomor telepon tidak valid" in response.get_data(as_text=True), name
    with app.app_context():
        assert Message.query.count() == before


@pytest.mark.parametrize("written", ["siti@", "siti@@example.com", "siti example.com",
                                     "siti@example"])
def test_the_three_doors_refuse_the_same_email_addresses(app, doors, written):
    """Is a malformed email address refused by the guest form, the intake and Open311 alike?"""
    with app.app_context():
        before = Message.query.count()
    for name, send in doors.items():
        response = send("081234567890", email=written)
        assert response.status_code == 400, name
        assert "Alamat email tidak valid" in response.get_data(as_text=True), name
    with app.app_context():
        assert Message.query.count() == before


def test_email_checks_never_ask_the_network(app, doors, monkeypatch):
    """Is an address on a domain that does not exist accepted without a DNS lookup?"""
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("DNS lookup attempted")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    codes = {name: send("081234567890", email="warga@domain-yang-tidak-ada.example").status_code
             for name, send in doors.items()}
    assert codes == {"guest": 302, "intake": 302, "api": 201}

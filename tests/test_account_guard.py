"""The unverified-account rule across the whole app: an account whose email is not verified
sees only the verify page, on the portal and in /admin alike, while Open311 (signed by an
api_key, not a session) answers as it would to anyone."""
import json

import pytest

from models import ApiKey, Message, db
from tests.helpers import gen_citizen, log_in


@pytest.fixture
def unverified(app, client):
    gen_citizen(app, username="rina", email="rina@example.com", confirmed=False)
    return log_in(client, "rina")


@pytest.mark.parametrize("path", ["/admin/", "/admin/pesan/", "/admin/intake/",
                                  "/admin/pengaturan/"])
def test_unverified_account_is_sent_from_admin_to_the_verify_page(unverified, path):
    """Does an unverified account opening a back-office page land on /verifikasi?"""
    response = unverified.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/verifikasi")


def test_unverified_account_posting_to_admin_changes_nothing(app, unverified):
    """Is a POST to the staff intake by an unverified account redirected, storing nothing?"""
    response = unverified.post("/admin/intake/", data={
        "channel": "phone", "guest_name": "Siti", "guest_phone": "081234567890",
        "perihal": "Banjir", "body": "Air tinggi"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/verifikasi")
    with app.app_context():
        assert Message.query.count() == 0


def test_open311_reads_are_not_redirected_for_an_unverified_session(demo, unverified):
    """Does Open311 answer its JSON to a browser signed in with an unverified account,
    instead of redirecting it to a page?"""
    response = unverified.get("/open311/v2/services.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert any(s["service_code"] == "adu-pencemaran" for s in json.loads(response.data))


def test_open311_post_with_an_api_key_works_beside_an_unverified_session(app, demo, unverified):
    """Is a request POSTed with a valid api_key stored even when the client also carries an
    unverified account's session?"""
    with app.app_context():
        _row, key = ApiKey.issue("Uji sesi")
        db.session.commit()
    response = unverified.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": "adu-pencemaran", "description": "Sungai berbau",
        "address_string": "Jl. Pahlawan"})
    assert response.status_code == 201
    with app.app_context():
        assert Message.query.filter_by(channel="api").count() == 1


def test_unverified_account_still_reaches_the_verify_page_and_can_log_out(unverified):
    """Can an unverified account open /verifikasi and sign out (the two ways out)?"""
    assert unverified.get("/verifikasi").status_code == 200
    assert unverified.post("/logout").status_code == 302
    assert unverified.get("/pesan").status_code == 200


def test_verified_account_is_not_held_back(app, client):
    """Does a verified citizen open the portal pages without being sent to /verifikasi?"""
    gen_citizen(app, username="siti", email="siti@example.com", confirmed=True)
    log_in(client, "siti")
    for path in ("/", "/riwayat", "/settings"):
        assert client.get(path).status_code == 200, path

"""Open311 API keys in the back office: issued by a superadmin, shown once, revocable."""
import re

import pytest

from models import ApiKey, AuditLog, db

URL = "/admin/kunci-api/"


def test_superadmin_issues_a_key_that_the_api_accepts_then_revokes_it(app, login_as):
    """Is a new key shown once, accepted by the API, and refused after revoking?"""
    client = login_as("superadmin")
    page = client.post(URL + "buat", data={"name": "Aplikasi Kota"}).get_data(as_text=True)
    key = re.search(r'<code id="kunci-baru">([^<]+)</code>', page).group(1)
    with app.app_context():
        row = ApiKey.query.one()
        assert row.key_hash == ApiKey.hash(key) and key not in row.key_hash
        assert AuditLog.query.filter_by(action="api_key_create").count() == 1
        key_id = row.id
    listing = client.get(URL).get_data(as_text=True)
    assert "Aplikasi Kota" in listing and key not in listing  # shown once only
    post = {"api_key": key, "service_code": "adu-lahan", "description": "Uji kunci",
            "address_string": "Samarinda"}
    assert client.post("/open311/v2/requests.json", data=post).status_code == 201
    response = client.post(f"{URL}{key_id}/cabut")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ApiKey, key_id).revoked_at is not None
        assert AuditLog.query.filter_by(action="api_key_revoke").count() == 1
    assert client.post("/open311/v2/requests.json", data=post).status_code == 403


def test_a_key_needs_a_name(app, login_as):
    """Is a key without a name refused with an Indonesian message, creating nothing?"""
    client = login_as("superadmin")
    response = client.post(URL + "buat", data={"name": "  "})
    assert response.status_code == 400
    assert "Nama klien wajib diisi" in response.get_data(as_text=True)
    with app.app_context():
        assert ApiKey.query.count() == 0


@pytest.mark.parametrize("username", ["admin", "evaluator", "op-dlh", "warga"])
def test_only_the_superadmin_manages_keys(app, login_as, username):
    """Can anyone but the superadmin see, create or revoke API keys?"""
    with app.app_context():
        row, _key = ApiKey.issue("Klien lama")
        db.session.commit()
        key_id = row.id
    client = login_as(username)
    assert client.get(URL).status_code == 403
    assert client.post(URL + "buat", data={"name": "Penyusup"}).status_code == 403
    assert client.post(f"{URL}{key_id}/cabut").status_code == 403
    with app.app_context():
        assert ApiKey.query.count() == 1
        assert db.session.get(ApiKey, key_id).revoked_at is None

"""Open311 GeoReport v2 conformance: formats, fields, filters, errors and a POST round trip."""
import json
from datetime import datetime
from xml.etree import ElementTree as ET

import pytest

from models import ApiKey, AuditLog, Message, MessageEvent, Subcategory, db
from tests.helpers import count_rows

V2 = "/open311/v2"
REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name", "service_code",
                  "description", "agency_responsible", "service_notice", "requested_datetime",
                  "updated_datetime", "expected_datetime", "address", "lat", "long")


@pytest.fixture
def api_key(app, demo):
    with app.app_context():
        _row, key = ApiKey.issue("Aplikasi Kota Uji")
        db.session.commit()
        return key


def add_message(app, **fields) -> str:
    with app.app_context():
        values = dict(perihal="Perihal uji", body="Isi uji", status="baru", channel="web",
                      created_at=datetime(2026, 3, 10, 1, 0), updated_at=datetime(2026, 3, 10, 1, 0))
        code = fields.pop("service_code", None)
        values.update(fields)
        message = Message(**values)
        if code:
            sub = Subcategory.query.filter_by(code=code).one()
            message.subcategory, message.category, message.opd = sub, sub.category, sub.default_opd
        db.session.add(message)
        db.session.commit()
        return message.tracking


def get_json(client, url, **args):
    response = client.get(url, query_string=args)
    assert response.content_type.startswith("application/json")
    return response.status_code, json.loads(response.data)


def get_xml(client, url, **args):
    response = client.get(url, query_string=args)
    assert response.content_type.startswith("text/xml")
    assert response.data.startswith(b"<?xml")
    return response.status_code, ET.fromstring(response.data)


def test_discovery_lists_the_v2_endpoint(client, demo):
    """Does discovery name the GeoReport v2 endpoint and its formats, in JSON and XML?"""
    status, body = get_json(client, "/open311/discovery.json")
    assert status == 200
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    status, root = get_xml(client, "/open311/discovery.xml")
    assert root.tag == "discovery"
    assert root.find("endpoints/endpoint/formats/format") is not None


def test_services_are_the_active_sub_categories(app, client, demo):
    """Are services the active sub categories with the spec's fields, in JSON and XML?"""
    with app.app_context():
        Subcategory.query.filter_by(code="inf-umum").one().active = False
        db.session.commit()
        active = {s.code for s in Subcategory.query.filter_by(active=True)}
    status, services = get_json(client, f"{V2}/services.json")
    assert status == 200
    assert {s["service_code"] for s in services} == active
    assert "inf-umum" not in active
    lahan = next(s for s in services if s["service_code"] == "adu-lahan")
    assert lahan == {"service_code": "adu-lahan", "service_name": "Permasalahan Lahan",
                     "description": "Permasalahan Lahan", "metadata": False, "type": "realtime",
                     "keywords": "Aduan, Permasalahan Lahan", "group": "Aduan"}
    status, root = get_xml(client, f"{V2}/services.xml")
    assert root.tag == "services"
    codes = {s.findtext("service_code") for s in root.findall("service")}
    assert codes == active
    first = root.find("service")
    for name in ("service_name", "description", "metadata", "type", "keywords", "group"):
        assert first.find(name) is not None
    assert first.findtext("metadata") == "false" and first.findtext("type") == "realtime"


def test_service_definition_and_unknown_code(client, demo):
    """Does a known code give a definition and an unknown one a 404 error array (JSON, XML)?"""
    status, body = get_json(client, f"{V2}/services/adu-lahan.json")
    assert status == 200 and body == {"service_code": "adu-lahan", "attributes": []}
    status, root = get_xml(client, f"{V2}/services/adu-lahan.xml")
    assert root.tag == "service_definition" and root.findtext("service_code") == "adu-lahan"
    status, body = get_json(client, f"{V2}/services/tidak-ada.json")
    assert status == 404
    assert body[0]["code"] == 404 and "tidak-ada" in body[0]["description"]
    status, root = get_xml(client, f"{V2}/services/tidak-ada.xml")
    assert status == 404 and root.tag == "errors"
    assert root.findtext("error/code") == "404" and root.findtext("error/description")


def test_request_fields_are_mapped_and_typed(app, client, demo):
    """Does a forwarded message come out with the spec's fields, types and W3C WITA times?"""
    tracking = add_message(app, status="diteruskan", service_code="adu-pencemaran",
                           address="Jl. Slamet Riyadi", latitude=-0.5, longitude=117.15,
                           forwarded_at=datetime(2026, 3, 10, 2, 0),
                           answer_due_at=datetime(2026, 3, 12, 2, 0), guest_nik="6472000000009999",
                           guest_email="rahasia@example.com", guest_phone="081299990000",
                           guest_name="Nama Pelapor")
    with app.app_context():
        message = Message.query.filter_by(tracking=tracking).one()
        db.session.add_all([
            MessageEvent(message=message, action="forward", note="Catatan publik pertama", public=True),
            MessageEvent(message=message, action="note", note="Catatan internal", public=False),
            MessageEvent(message=message, action="update", note="Catatan publik terbaru", public=True),
        ])
        db.session.commit()
    status, body = get_json(client, f"{V2}/requests/{tracking}.json")
    assert status == 200 and len(body) == 1
    row = body[0]
    for name in REQUEST_FIELDS:
        assert name in row
    assert row["service_request_id"] == tracking
    assert row["status"] == "open"
    assert row["status_notes"] == "Catatan publik terbaru"
    assert row["service_code"] == "adu-pencemaran"
    assert row["service_name"] == "Pencemaran Lingkungan"
    assert row["agency_responsible"] == "Dinas Lingkungan Hidup"
    assert row["description"] == "Perihal uji"  # the subject, never the body
    assert "Isi uji" not in json.dumps(body)
    assert row["requested_datetime"] == "2026-03-10T09:00:00+08:00"
    assert row["expected_datetime"] == "2026-03-12T10:00:00+08:00"
    assert row["lat"] == -0.5 and row["long"] == 117.15
    assert row["address"] == "Jl. Slamet Riyadi"
    raw = json.dumps(body)
    for secret in ("6472000000009999", "rahasia@example.com", "081299990000", "Nama Pelapor",
                   "Catatan internal"):
        assert secret not in raw
    status, root = get_xml(client, f"{V2}/requests/{tracking}.xml")
    request = root.find("request")
    assert root.tag == "service_requests"
    assert request.findtext("service_request_id") == tracking
    assert float(request.findtext("lat")) == -0.5
    assert request.findtext("status") == "open"


def test_untriaged_message_has_no_service_and_closed_is_closed(app, client, demo):
    """Is a new message's service null, and is a finished one 'closed' without expected time?"""
    new = add_message(app)
    done = add_message(app, status="selesai", service_code="adu-lahan")
    _status, body = get_json(client, f"{V2}/requests/{new}.json")
    assert body[0]["service_code"] is None and body[0]["service_name"] is None
    _status, body = get_json(client, f"{V2}/requests/{done}.json")
    assert body[0]["status"] == "closed" and body[0]["expected_datetime"] is None


@pytest.mark.parametrize("hidden_fields", [{"rahasia": True}, {"hidden": True},
                                           {"status": "dicabut"}])
def test_confidential_hidden_and_withdrawn_never_appear(app, client, demo, hidden_fields):
    """Do rahasia, hidden and withdrawn messages stay out of the list and answer 404 by id?"""
    tracking = add_message(app, **hidden_fields)
    _status, body = get_json(client, f"{V2}/requests.json", page_size=200,
                             start_date="2026-03-01T00:00:00Z", end_date="2026-03-31T00:00:00Z")
    assert tracking not in {r["service_request_id"] for r in body}
    status, body = get_json(client, f"{V2}/requests/{tracking}.json")
    assert status == 404 and body[0]["code"] == 404
    status, root = get_xml(client, f"{V2}/requests/{tracking}.xml")
    assert status == 404 and root.findtext("error/code") == "404"
    status, _body = get_json(client, f"{V2}/tokens/{tracking}.json")
    assert status == 404


def test_request_filters(app, client, demo):
    """Do service_request_id, service_code, status, start/end_date and paging filter?"""
    a = add_message(app, service_code="adu-lahan", status="diproses",
                    created_at=datetime(2026, 3, 1, 0, 0))
    b = add_message(app, service_code="adu-pencemaran", status="selesai",
                    created_at=datetime(2026, 3, 5, 0, 0))
    c = add_message(app, status="baru", created_at=datetime(2026, 3, 9, 0, 0))
    d = add_message(app, service_code="adu-lahan", status="ditutup",
                    created_at=datetime(2026, 3, 20, 0, 0))

    def ids(**args):
        args.setdefault("end_date", "2026-03-31T00:00:00Z")  # the demo's messages are newer
        status, body = get_json(client, f"{V2}/requests.json", **args)
        assert status == 200
        return {r["service_request_id"] for r in body}

    everything = ids(start_date="2026-03-01T00:00:00Z", end_date="2026-03-31T00:00:00Z")
    assert everything == {a, b, c, d}
    assert ids(service_request_id=f"{a},{c.lower()}") == {a, c}
    assert ids(service_code="adu-lahan", start_date="2026-03-01T00:00:00Z") == {a, d}
    assert ids(status="open", start_date="2026-03-01T00:00:00Z") == {a, c}
    assert ids(status="closed", start_date="2026-03-01T00:00:00Z") == {b, d}
    # 2026-03-05T00:00Z is 08:00 WITA: a zone offset is honoured.
    assert ids(start_date="2026-03-05T08:00:00+08:00",
               end_date="2026-03-09T08:00:00+08:00") == {b, c}
    first = ids(start_date="2026-03-01T00:00:00Z", page_size=3)
    second = ids(start_date="2026-03-01T00:00:00Z", page_size=3, page=2)
    assert first == {b, c, d} and second == {a}  # newest first
    _status, root = get_xml(client, f"{V2}/requests.xml", service_request_id=a)
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [a]


@pytest.mark.parametrize("args, fragment", [
    ({"start_date": "kemarin"}, "start_date harus berupa tanggal W3C"),
    ({"end_date": "2026-13-45"}, "end_date harus berupa tanggal W3C"),
    ({"start_date": "2026-03-10T00:00:00Z", "end_date": "2026-03-01T00:00:00Z"},
     "start_date harus sebelum end_date"),
    ({"status": "pending"}, "status harus open atau closed"),
    ({"page_size": "nol"}, "page_size harus bilangan bulat positif"),
])
def test_bad_filters_answer_400_error_arrays(client, demo, args, fragment):
    """Are bad dates, statuses and paging answered 400 with the spec's error array?"""
    status, body = get_json(client, f"{V2}/requests.json", **args)
    assert status == 400
    assert body[0]["code"] == 400 and fragment in body[0]["description"]
    status, root = get_xml(client, f"{V2}/requests.xml", **args)
    assert status == 400 and fragment in root.findtext("error/description")


def submission(api_key, **extra):
    data = {"api_key": api_key, "service_code": "adu-pencemaran",
            "description": "Sungai berbau menyengat di dekat pasar.", "lat": "-0.502",
            "long": "117.153", "email": "pelapor@example.com", "first_name": "Siti",
            "last_name": "Aminah", "phone": "081234000111"}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_post_then_get_round_trip(app, client, api_key):
    """Does a POSTed request become a guest message 'baru' (channel api) that GET returns open?"""
    response = client.post(f"{V2}/requests.json", data=submission(api_key))
    assert response.status_code == 201
    body = json.loads(response.data)
    tracking = body[0]["service_request_id"]
    assert tracking.startswith("ASP-") and "service_notice" in body[0]
    with app.app_context():
        message = Message.query.filter_by(tracking=tracking).one()
        assert (message.status, message.channel) == ("baru", "api")
        assert message.subcategory_id is None  # the admin classifies at triage
        assert message.guest_email == "pelapor@example.com" and message.guest_name == "Siti Aminah"
        assert message.latitude == -0.502 and message.triage_due_at is not None
        assert [e.action for e in message.events] == ["submit"]
        audit = AuditLog.query.filter_by(action="open311_submit").one()
        assert "Aplikasi Kota Uji" in audit.detail
    status, body = get_json(client, f"{V2}/requests/{tracking}.json")
    assert status == 200 and body[0]["status"] == "open"
    assert body[0]["description"] == ("Pencemaran Lingkungan: "
                                      "Sungai berbau menyengat di dekat pasar.")
    assert "pelapor@example.com" not in json.dumps(body) and "Siti" not in json.dumps(body)
    status, body = get_json(client, f"{V2}/tokens/{tracking}.json")
    assert status == 200 and body[0]["service_request_id"] == tracking


def test_post_xml_answers_xml(client, api_key):
    """Does a POST to requests.xml answer the spec's XML shape?"""
    response = client.post(f"{V2}/requests.xml",
                           data=submission(api_key, lat=None, long=None,
                                           address_string="Jl. Basuki Rahmat 41, Samarinda"))
    assert response.status_code == 201
    root = ET.fromstring(response.data)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id").startswith("ASP-")


@pytest.mark.parametrize("key_kind", ["missing", "wrong", "revoked"])
def test_post_without_a_valid_key_is_refused_and_writes_nothing(app, client, api_key, key_kind):
    """Is a POST with a missing, wrong or revoked api_key a 403 error array, with no message?"""
    key = {"missing": None, "wrong": "bukan-kunci-yang-sah", "revoked": api_key}[key_kind]
    if key_kind == "revoked":
        with app.app_context():
            ApiKey.query.one().revoked_at = datetime(2026, 1, 1)
            db.session.commit()
    before = count_rows(app, Message)
    for fmt in ("json", "xml"):
        response = client.post(f"{V2}/requests.{fmt}", data=submission(key))
        assert response.status_code == 403
        if fmt == "json":
            assert json.loads(response.data)[0]["code"] == 403
        else:
            assert ET.fromstring(response.data).findtext("error/code") == "403"
    assert count_rows(app, Message) == before


@pytest.mark.parametrize("extra, fragment", [
    ({"service_code": None}, "service_code wajib diisi"),
    ({"service_code": "tidak-ada"}, "service_code \"tidak-ada\" tidak dikenal"),
    ({"description": "  "}, "description (isi laporan) wajib diisi"),
    ({"lat": None, "long": None}, "Lokasi wajib diisi"),
    ({"long": None}, "lat dan long harus diisi bersama"),
    ({"lat": "utara"}, "lat harus berupa angka desimal"),
    ({"lat": "95"}, "lat di luar rentang"),
    ({"email": "bukan-email"}, "Alamat email tidak valid"),
    ({"phone": "0812<script>"}, "Nomor telepon tidak valid"),
])
def test_post_with_bad_fields_is_400_and_writes_nothing(app, client, api_key, extra, fragment):
    """Is a POST with a missing or malformed field a 400 in Indonesian, changing nothing?"""
    before = count_rows(app, Message)
    response = client.post(f"{V2}/requests.json", data=submission(api_key, **extra))
    assert response.status_code == 400
    assert fragment in json.loads(response.data)[0]["description"]
    assert count_rows(app, Message) == before


def test_post_is_rate_limited(app, client, api_key, rate_limits_enabled):
    """Are POSTs limited by RATE_LIMITS['open311_post'], answered 429 as an error array?"""
    limits = app.config["RATE_LIMITS"]
    original = limits["open311_post"]
    limits["open311_post"] = "2 per minute"
    try:
        codes = [client.post(f"{V2}/requests.json", data=submission(api_key)).status_code
                 for _ in range(3)]
        assert codes == [201, 201, 429]
        response = client.post(f"{V2}/requests.xml", data=submission(api_key))
        assert response.status_code == 429
        assert ET.fromstring(response.data).findtext("error/code") == "429"
        assert 1 <= int(response.headers["Retry-After"]) <= 60
        assert client.get(f"{V2}/requests.json").status_code == 200  # reading stays open
    finally:
        limits["open311_post"] = original
    assert count_rows(app, Message) >= 2


def test_unknown_path_is_a_404_error_array(client, demo):
    """Does an unknown Open311 path answer with the error array, not an HTML page?"""
    status, root = get_xml(client, f"{V2}/tidak-ada.xml")
    assert status == 404 and root.tag == "errors"

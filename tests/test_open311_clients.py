"""Open311 GeoReport v2 as a client written elsewhere uses it: discovery, the default window
and its limits, lookups by id, the service and the media a submission names, keys, the
jurisdiction and the language of errors. Everything goes through HTTP; answers are parsed as
JSON and XML."""
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from xml.etree import ElementTree as ET

import pytest

from models import ApiKey, Message, db, utcnow
from tests.helpers import count_rows, get_opd, get_sub, log_in, post_action

V2 = "/open311/v2"


@pytest.fixture
def api_key(app, demo):
    with app.app_context():
        _row, key = ApiKey.issue("Aplikasi Warga Kota")
        db.session.commit()
        return key


@pytest.fixture
def public_base_url(app):
    """Lets a test set PUBLIC_BASE_URL and puts the session app's value back afterwards."""
    before = app.config.get("PUBLIC_BASE_URL")
    yield lambda value: app.config.__setitem__("PUBLIC_BASE_URL", value)
    app.config["PUBLIC_BASE_URL"] = before


def answer(response):
    """(status, body) of a JSON or XML answer, the body parsed as its content type says."""
    if response.content_type.startswith("text/xml"):
        return response.status_code, ET.fromstring(response.data)
    assert response.content_type.startswith("application/json"), response.content_type
    return response.status_code, json.loads(response.data)


def post(client, api_key, fmt="json", **fields):
    data = {"api_key": api_key, "service_code": "adu-pencemaran",
            "description": "Sungai berbau menyengat di dekat pasar.",
            "address_string": "Jl. Slamet Riyadi, Samarinda"}
    data.update(fields)
    return client.post(f"{V2}/requests.{fmt}", data={k: v for k, v in data.items() if v is not None})


def submitted(client, api_key, **fields) -> str:
    response = post(client, api_key, **fields)
    assert response.status_code == 201, response.data
    return json.loads(response.data)[0]["service_request_id"]


def listed(client, fmt="json", **args) -> list[str]:
    status, body = answer(client.get(f"{V2}/requests.{fmt}", query_string=args))
    assert status == 200, body
    if fmt == "xml":
        return [r.findtext("service_request_id") for r in body.findall("request")]
    return [r["service_request_id"] for r in body]


def add_messages(app, ages_in_days, **fields) -> list[str]:
    """Public messages created `ages_in_days` days ago, newest change now; their numbers."""
    now = utcnow()
    with app.app_context():
        messages = [Message(perihal=f"Uji {i}", body="Isi", status="baru", channel="web",
                            created_at=now - timedelta(days=age), updated_at=now, **fields)
                    for i, age in enumerate(ages_in_days)]
        db.session.add_all(messages)
        db.session.commit()
        return [m.tracking for m in messages]


def w3c_days_ago(days: float) -> str:
    return (utcnow() - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- 22: the service a client names -----------------------------------------------------------

def test_a_posted_service_code_is_reported_until_triage_decides(app, client, api_key):
    """Does a POSTed service_code come back as the request's service (single request, list,
    XML, ?service_code=) while the admin has not classified it, and give way to the admin's
    sub category at triage?"""
    tracking = submitted(client, api_key)
    _status, body = answer(client.get(f"{V2}/requests/{tracking}.json"))
    assert (body[0]["service_code"], body[0]["service_name"]) == ("adu-pencemaran",
                                                                  "Pencemaran Lingkungan")
    _status, root = answer(client.get(f"{V2}/requests/{tracking}.xml"))
    assert root.findtext("request/service_code") == "adu-pencemaran"
    assert root.findtext("request/service_name") == "Pencemaran Lingkungan"
    assert tracking in listed(client, service_code="adu-pencemaran")
    assert tracking in listed(client, "xml", service_code="adu-pencemaran")
    assert tracking not in listed(client, service_code="adu-lahan")

    with app.app_context():
        message_id = Message.query.filter_by(tracking=tracking).one().id
    log_in(client, "admin")
    page = client.get(f"/admin/detail/{message_id}").get_data(as_text=True)
    assert "Layanan pilihan pelapor" in page and "Pencemaran Lingkungan" in page
    with app.app_context():
        sub, opd = get_sub("adu-lahan"), get_opd("DISHUT")
        fields = {"category_id": sub.category_id, "subcategory_id": sub.id, "opd_id": opd.id}
    assert post_action(client, message_id, "forward", **fields).status_code == 302
    log_in(client, None)

    _status, body = answer(client.get(f"{V2}/requests/{tracking}.json"))
    assert (body[0]["service_code"], body[0]["service_name"]) == ("adu-lahan",
                                                                  "Permasalahan Lahan")
    assert tracking in listed(client, service_code="adu-lahan")
    assert tracking not in listed(client, service_code="adu-pencemaran")


# --- 23: the default window and its limits ----------------------------------------------------

def test_without_dates_the_list_holds_the_last_90_days(app, client, demo):
    """Does a bare requests.json (and .xml) hold the last 90 days only, not every year?"""
    recent, old = add_messages(app, [10, 120])
    for fmt in ("json", "xml"):
        found = listed(client, fmt)
        assert recent in found and old not in found
    assert old in listed(client, start_date=w3c_days_ago(150), end_date=w3c_days_ago(100))


def test_one_date_opens_a_window_of_90_days_from_it(app, client, demo):
    """Does a start_date alone reach 90 days forward, and an end_date alone 90 days back?"""
    day_200, day_150, day_50 = add_messages(app, [200, 150, 50])
    assert set(listed(client, start_date=w3c_days_ago(210))) & {day_200, day_150, day_50} \
        == {day_200, day_150}
    assert set(listed(client, end_date=w3c_days_ago(140))) & {day_200, day_150, day_50} \
        == {day_200, day_150}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_span_longer_than_90_days_is_a_400_error(client, demo, fmt):
    """Is a start_date/end_date span of more than 90 days refused with the error array?"""
    args = {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:00Z"}
    status, body = answer(client.get(f"{V2}/requests.{fmt}", query_string=args))
    assert status == 400
    text = body[0]["description"] if fmt == "json" else body.findtext("error/description")
    code = body[0]["code"] if fmt == "json" else int(body.findtext("error/code"))
    assert code == 400 and "90 hari" in text
    args["end_date"] = "2026-04-01T00:00:00Z"  # exactly 90 days
    assert client.get(f"{V2}/requests.{fmt}", query_string=args).status_code == 200


def test_up_to_a_thousand_rows_and_a_larger_page_size_is_refused(app, client, demo):
    """Does a bare list give up to 1,000 rows, page_size reach 1,000, and a larger page_size
    get a clear error instead of being cut silently?"""
    add_messages(app, [1 + i / 100 for i in range(1001)])
    assert len(listed(client)) == 1000
    assert len(listed(client, page_size=1000)) == 1000
    assert len(listed(client, page_size=1000, page=2)) >= 1
    status, body = answer(client.get(f"{V2}/requests.json", query_string={"page_size": 1001}))
    assert status == 400 and "1000" in body[0]["description"]


# --- 24: asking for requests by id ------------------------------------------------------------

def test_service_request_ids_override_every_other_filter(app, client, demo):
    """Does service_request_id=<a>,<b> return exactly those requests, whatever status, dates
    or window come with it?"""
    old_open, recent_closed = add_messages(app, [400, 5])
    other, = add_messages(app, [3])
    with app.app_context():
        Message.query.filter_by(tracking=recent_closed).one().status = "selesai"
        db.session.commit()
    ids = f"{old_open},{recent_closed.lower()}"
    for fmt in ("json", "xml"):
        assert sorted(listed(client, fmt, service_request_id=ids)) == sorted([old_open, recent_closed])
        assert sorted(listed(client, fmt, service_request_id=ids, status="open",
                             start_date=w3c_days_ago(2), end_date=w3c_days_ago(1),
                             service_code="adu-lahan", page_size=1, page=5)) \
            == sorted([old_open, recent_closed])
    assert other not in listed(client, service_request_id=ids)


# --- 25: the media a client links to ----------------------------------------------------------

class CountingHandler(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):  # noqa: N802 - the name http.server calls
        CountingHandler.hits += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def media_server():
    """A picture server on loopback that counts every request it gets."""
    server = HTTPServer(("127.0.0.1", 0), CountingHandler)
    CountingHandler.hits = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/foto/sungai.jpg?ukuran=besar&x=1"
    server.shutdown()


def test_media_url_is_kept_returned_and_shown_to_staff_unfetched(app, client, api_key,
                                                                  media_server):
    """Is a POSTed media_url returned in JSON and XML, shown to the staff who see the message
    as a labelled unverified link, hidden from staff who do not, and never fetched?"""
    tracking = submitted(client, api_key, media_url=media_server)
    _status, body = answer(client.get(f"{V2}/requests/{tracking}.json"))
    assert body[0]["media_url"] == media_server
    _status, root = answer(client.get(f"{V2}/requests/{tracking}.xml"))
    assert root.findtext("request/media_url") == media_server
    assert media_server in [r["media_url"] for r in json.loads(client.get(f"{V2}/requests.json").data)]

    with app.app_context():
        message_id = Message.query.filter_by(tracking=tracking).one().id
    log_in(client, "admin")
    page = client.get(f"/admin/detail/{message_id}").get_data(as_text=True)
    escaped = media_server.replace("&", "&amp;")
    link = next(tag for tag in page.split("<a ")[1:] if f'href="{escaped}"' in tag)
    assert 'rel="noopener noreferrer nofollow"' in link
    assert "belum diperiksa" in page
    log_in(client, "op-diskominfo")  # not the OPD of a message still waiting for triage
    response = client.get(f"/admin/detail/{message_id}")
    assert response.status_code in (403, 404)
    assert "127.0.0.1" not in response.get_data(as_text=True)
    assert CountingHandler.hits == 0


@pytest.mark.parametrize("media_url", [
    "javascript:alert(1)", "ftp://example.com/foto.jpg", "http://", "foto.jpg",
    "https://example.com/" + "a" * 2048, "https://example.com/foto sungai.jpg",
])
def test_a_bad_media_url_is_refused_and_nothing_is_stored(app, client, api_key, media_url):
    """Is a media_url that is not an http(s) address of bounded length a 400 naming it?"""
    before = count_rows(app, Message)
    status, body = answer(post(client, api_key, media_url=media_url))
    assert status == 400 and "media_url" in body[0]["description"]
    assert count_rows(app, Message) == before


# --- 26a: discovery ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/open311/discovery", "/open311/v2/discovery"])
def test_discovery_answers_at_both_addresses_from_the_public_base_url(client, demo,
                                                                     public_base_url, path):
    """Does discovery answer at /open311/ and /open311/v2/, advertising the endpoint on
    PUBLIC_BASE_URL whatever Host the request came with?"""
    public_base_url("https://aspirasi.example.go.id")
    status, body = answer(client.get(f"{path}.json", base_url="http://penyerang.example"))
    assert status == 200
    assert body["endpoints"][0]["url"] == "https://aspirasi.example.go.id/open311/v2"
    status, root = answer(client.get(f"{path}.xml", headers={"Host": "penyerang.example"}))
    assert status == 200
    assert root.findtext("endpoints/endpoint/url") == "https://aspirasi.example.go.id/open311/v2"


# --- 26b: where the key goes ------------------------------------------------------------------

def test_an_api_key_in_the_query_string_is_refused(app, client, api_key):
    """Is a POST carrying api_key in its address refused with a clear error, creating nothing,
    even when the body carries it too?"""
    before = count_rows(app, Message)
    for body_key in (None, api_key):
        response = client.post(f"{V2}/requests.json?api_key={api_key}",
                               data={"api_key": body_key, "service_code": "adu-pencemaran",
                                     "description": "Sungai berbau",
                                     "address_string": "Jl. Pahlawan"} if body_key else
                               {"service_code": "adu-pencemaran", "description": "Sungai berbau",
                                "address_string": "Jl. Pahlawan"})
        status, body = answer(response)
        assert status == 400
        assert "api_key" in body[0]["description"] and "body" in body[0]["description"]
    assert count_rows(app, Message) == before
    assert post(client, api_key).status_code == 201  # in the body it works


# --- 26c: the jurisdiction --------------------------------------------------------------------

def test_a_wrong_jurisdiction_is_a_404(app, client, api_key):
    """Is an unknown jurisdiction_id a 404 error array on every call, and the installation's
    own one accepted?"""
    own = app.config["MAIN_INSTANSI"]
    for url in (f"{V2}/services.json", f"{V2}/requests.json", f"{V2}/services/adu-lahan.json"):
        status, body = answer(client.get(url, query_string={"jurisdiction_id": "atlantis"}))
        assert status == 404 and "jurisdiction_id" in body[0]["description"], url
        assert client.get(url, query_string={"jurisdiction_id": own}).status_code == 200
    status, root = answer(client.get(f"{V2}/services.xml",
                                     query_string={"jurisdiction_id": "atlantis"}))
    assert status == 404 and root.findtext("error/code") == "404"
    before = count_rows(app, Message)
    assert post(client, api_key, jurisdiction_id="atlantis").status_code == 404
    assert count_rows(app, Message) == before
    assert post(client, api_key, jurisdiction_id=own).status_code == 201


# --- 26d: the language of errors --------------------------------------------------------------

@pytest.mark.parametrize("language, expected", [
    ("en-US,en;q=0.9", "status must be open or closed."),
    ("en", "status must be open or closed."),
    ("fr-FR", "status harus open atau closed."),
    (None, "status harus open atau closed."),
])
def test_errors_speak_the_language_the_client_asks_for(client, demo, language, expected):
    """Are error descriptions in English when Accept-Language asks for it, else Indonesian?"""
    headers = {"Accept-Language": language} if language else {}
    for fmt in ("json", "xml"):
        response = client.get(f"{V2}/requests.{fmt}", headers=headers,
                              query_string={"status": "pending"})
        status, body = answer(response)
        assert status == 400
        text = body[0]["description"] if fmt == "json" else body.findtext("error/description")
        assert text == expected
        assert "Accept-Language" in response.vary  # a cache keeps one answer per language


def test_english_errors_for_a_submission_and_a_missing_request(client, api_key):
    """Are a refused submission and an unknown request described in English on request?"""
    english = {"Accept-Language": "en"}
    response = client.post(f"{V2}/requests.json", headers=english,
                           data={"api_key": api_key, "service_code": "adu-pencemaran",
                                 "description": "Sungai", "address_string": "Jl. Pahlawan",
                                 "media_url": "ftp://x/y"})
    assert "media_url" in json.loads(response.data)[0]["description"]
    assert "harus" not in json.loads(response.data)[0]["description"]
    response = client.get(f"{V2}/requests/ASP-TIDAKADA.json", headers=english)
    assert json.loads(response.data)[0]["description"] == 'Service request "ASP-TIDAKADA" not found.'

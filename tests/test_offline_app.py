"""The installable app over HTTP: the manifest and its icons, the service worker's answer, and
the client key that makes a resent submission arrive once (guest and account forms)."""
import io
import json
import re
import uuid

from PIL import Image

from models import Attachment, Message, MessageEvent, db, lifecycle
from models.client_key import keep_once
from tests.helpers import GOOD_NIK, OTHER_NIK, count_rows, gen_citizen, jpeg_bytes, log_in, upload

MESSAGE = {"perihal": "Jalan longsor di Long Apari", "body": "Jalan desa tertutup longsor.",
           "kabupaten": "Kabupaten Mahakam Ulu", "address": ""}
GUEST = {"guest_kind": "umum", "perihal": "Sekolah kekurangan guru",
         "body": "Satu guru untuk tiga kelas.", "nik": GOOD_NIK, "phone": "081234500011",
         "email": "tamu@example.com", "event_date": "2026-01-05"}


def post(client, url, data, photo=None):
    payload = dict(data)
    if photo is not None:
        payload["lampiran" if url == "/pesan/kirim" else "foto"] = [upload(photo, "foto.jpg")]
    return client.post(url, data=payload, content_type="multipart/form-data")


def stored(app):
    return (count_rows(app, Message), count_rows(app, Attachment), count_rows(app, MessageEvent))


def worker_settings(body: str) -> dict:
    first_line = body.split("\n", 1)[0]
    found = re.fullmatch(r"self\.ASPIRASI = (\{.*\});", first_line)
    assert found, first_line
    return json.loads(found.group(1))


# --- manifest and service worker ------------------------------------------------------------

def test_manifest_is_json_with_the_portal_colours_and_icons_that_exist(client):
    """Is /manifest.webmanifest valid JSON that installs the portal (standalone, Indonesian,
    the header's green) with 192 and 512 px PNG icons and a maskable one, all served?"""
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["short_name"] == "Aspirasi Kaltim" and "Aspirasi" in manifest["name"]
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/",
                                                                              "standalone")
    assert manifest["lang"] == "id"
    assert manifest["theme_color"] == "#0b5d46" and manifest["background_color"] == "#f5f7f6"
    sizes = set()
    for icon in manifest["icons"]:
        picture = client.get(icon["src"])
        assert picture.status_code == 200, icon["src"]
        with Image.open(io.BytesIO(picture.data)) as image:
            assert image.format == "PNG"
            assert icon["sizes"] == f"{image.width}x{image.height}"
        assert icon["type"] == "image/png"
        sizes.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_every_portal_page_links_the_manifest_and_carries_no_inline_script(client):
    """Do the portal's pages name the manifest and theme colour, and load only script files
    (the worker registration too), so the CSP can keep forbidding inline script?"""
    for url in ("/", "/lapor", "/tentang", "/offline", "/login"):
        page = client.get(url).get_data(as_text=True)
        assert '<link rel="manifest" href="/manifest.webmanifest">' in page, url
        assert '<meta name="theme-color" content="#0b5d46">' in page, url
        assert 'data-worker="/sw.js"' in page, url
        for tag in re.findall(r"<script[^>]*>", page):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, (url, tag)


def test_service_worker_is_served_from_the_root_as_javascript_never_cached(client):
    """Is /sw.js served from the root as JavaScript with Cache-Control: no-cache and a CSP
    without inline or eval'd script, naming the pages it may keep and never the back office?"""
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert response.headers["Cache-Control"] == "no-cache"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp
    assert "unsafe-eval" not in csp and "unsafe-inline" not in csp.split("style-src")[0]
    body = response.get_data(as_text=True)
    assert 'addEventListener("fetch"' in body
    settings = worker_settings(body)
    assert {"/", "/pesan", "/kinerja", "/tentang", "/tracking", "/lapor",
            "/pesan/kirim"} == set(settings["pages"])
    assert not any(page.startswith(("/admin", "/riwayat", "/settings"))
                   for page in settings["pages"] + settings["pagePrefixes"])
    assert settings["never"] == ["/admin"]
    assert re.fullmatch(r"[0-9a-f]{12}", settings["version"])
    for path in settings["precache"] + [settings["offlinePage"], settings["storeScript"]]:
        assert client.get(path).status_code == 200, path


def test_offline_page_says_there_is_no_signal_in_both_languages(client):
    """Does /offline explain, in Indonesian and in English, that the page was not kept?"""
    assert "Tidak ada sinyal" in client.get("/offline").get_data(as_text=True)
    assert "No signal" in client.get("/offline?lang=en").get_data(as_text=True)


def queue_words(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="antrean-teks">(.*?)</script>', page,
                      re.S)
    assert found, "the form page carries no words for its queue"
    return json.loads(found.group(1))


def test_the_words_of_the_phone_queue_come_from_the_page_in_its_language(client, citizen):
    """Do both forms hand their script the queue's words (waiting for signal, sent, ...) in
    the reader's language, with a hidden client key field the script fills?"""
    guest = client.get("/lapor").get_data(as_text=True)
    assert queue_words(guest)["states"]["waiting"] == "Menunggu sinyal"
    assert 'name="client_key" type="hidden" value=""' in guest
    english = queue_words(client.get("/pesan/kirim?lang=en").get_data(as_text=True))
    assert english["states"]["waiting"] == "Waiting for signal"
    assert english["states"]["sent"] == "Sent. Tracking number:"


# --- one submission, however often it arrives ----------------------------------------------

def test_a_guest_report_sent_twice_with_one_key_is_kept_once(app, client, outbox):
    """Does a second POST of /lapor with the same client key answer with the first tracking
    number, keeping one message, one photo and sending one receipt mail?"""
    key = str(uuid.uuid4())
    first = post(client, "/lapor", {**GUEST, "client_key": key}, jpeg_bytes())
    again = post(client, "/lapor", {**GUEST, "client_key": key.upper()}, jpeg_bytes())
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    with app.app_context():
        message = Message.query.one()
        assert message.client_key == key
        assert first.headers["Location"].endswith(f"/lapor/terkirim/{message.tracking}")
    assert stored(app) == (1, 1, 1)
    assert len([m for m in outbox if m.to == ["tamu@example.com"]]) == 1
    # Another phone (no session) resending it also lands on the receipt of the one message.
    other_phone = app.test_client()
    resent = post(other_phone, "/lapor", {**GUEST, "client_key": key})
    assert resent.headers["Location"] == first.headers["Location"]
    assert other_phone.get(resent.headers["Location"]).status_code == 200
    assert stored(app) == (1, 1, 1)


def test_a_citizen_message_sent_twice_with_one_key_is_kept_once(app, citizen):
    """Does a second POST of /pesan/kirim with the same client key answer with the first
    tracking number and keep one message with one attachment?"""
    key = str(uuid.uuid4())
    first = post(citizen, "/pesan/kirim", {**MESSAGE, "client_key": key}, jpeg_bytes())
    again = post(citizen, "/pesan/kirim", {**MESSAGE, "client_key": key}, jpeg_bytes())
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert "/pesan/terkirim/ASP-" in first.headers["Location"]
    assert stored(app) == (1, 1, 1)
    # A different key is a different message.
    post(citizen, "/pesan/kirim", {**MESSAGE, "client_key": str(uuid.uuid4())})
    assert count_rows(app, Message) == 2


def test_forms_without_a_key_still_keep_every_submission(app, client, citizen):
    """Do the forms posted without a key (no script on the phone) work as before, each POST
    one message?"""
    for _ in range(2):
        assert post(citizen, "/pesan/kirim", MESSAGE).status_code == 302
        assert post(app.test_client(), "/lapor", GUEST).status_code == 302
    assert count_rows(app, Message) == 4


def test_a_key_that_is_not_a_uuid_is_refused_and_nothing_is_kept(app, client, citizen):
    """Is a client key that is not a UUID refused with a 400 and a clear error on both forms,
    keeping nothing?"""
    for bad in ("123", "x" * 36, "6f1c5c8e-0b7a-4d0e-9c3b-8e4f6a2d1b7", "' OR 1=1 --",
                "{6f1c5c8e-0b7a-4d0e-9c3b-8e4f6a2d1b7c}"):
        for browser, url, data in ((app.test_client(), "/lapor", GUEST),
                                   (citizen, "/pesan/kirim", MESSAGE)):
            response = post(browser, url, {**data, "client_key": bad}, jpeg_bytes())
            assert response.status_code == 400, (url, bad)
            assert "Kode pengiriman formulir tidak sah" in response.get_data(as_text=True)
    assert stored(app) == (0, 0, 0)
    english = post(app.test_client(), "/lapor?lang=en", {**GUEST, "client_key": "123"})
    assert "sending code is not valid" in english.get_data(as_text=True)


def test_a_key_used_by_another_sender_is_refused_without_showing_their_message(app, client):
    """Is a key already kept for another guest (other NIK) or another citizen refused with a
    400, keeping nothing and showing nothing of the first message?"""
    key = str(uuid.uuid4())
    first = post(client, "/lapor", {**GUEST, "client_key": key})
    with app.app_context():
        tracking = Message.query.one().tracking
    assert first.headers["Location"].endswith(tracking)
    stranger = post(app.test_client(), "/lapor", {**GUEST, "nik": OTHER_NIK, "client_key": key,
                                                  "perihal": "Lain"})
    assert stranger.status_code == 400
    page = stranger.get_data(as_text=True)
    assert "Kode pengiriman ini sudah dipakai" in page and tracking not in page
    gen_citizen(app, username="nur", nik=OTHER_NIK)
    signed_in = app.test_client()
    log_in(signed_in, "nur")
    refused = post(signed_in, "/pesan/kirim", {**MESSAGE, "client_key": key})
    assert refused.status_code == 400 and tracking not in refused.get_data(as_text=True)
    assert stored(app) == (1, 0, 1)


def test_two_copies_committed_at_once_leave_one_message(app):
    """When another copy of the submission is committed between the key check and this copy's
    commit, is this copy dropped and the kept message returned?"""
    key = str(uuid.uuid4())
    with app.app_context():
        def create():
            other = Message(channel="guest", perihal="Salinan pertama", body="isi",
                            guest_nik=GOOD_NIK, guest_phone="081234500011", client_key=key)
            lifecycle.submit(other)
            db.session.commit()  # the other copy wins the race
            mine = Message(channel="guest", perihal="Salinan kedua", body="isi",
                           guest_nik=GOOD_NIK, guest_phone="081234500011", client_key=key)
            lifecycle.submit(mine)
            lifecycle.commit()
            return mine

        kept = keep_once(create, key, guest_nik=GOOD_NIK)
        assert kept.perihal == "Salinan pertama"
        assert [m.perihal for m in Message.query.all()] == ["Salinan pertama"]

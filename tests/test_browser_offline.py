"""The portal without signal, in a real browser: pages kept by the service worker, a report
written offline kept on the phone and sent by itself when the signal returns, photos shrunk."""
import io
import time

from PIL import Image

from models import Attachment, Message
from tests.helpers import GOOD_NIK, fill_guest_form, jpeg_bytes, screenshot, upload

WORKER_READY = "() => navigator.serviceWorker.controller !== null"


def kept(path: str) -> str:
    """A page script that is true once the worker keeps `path` among its pages."""
    return (f"() => caches.open('aspirasi-pages').then(c => c.match('{path}'))"
            ".then(hit => Boolean(hit))")


def wait_until(page, script: str, seconds: float = 15) -> None:
    """Wait until a page script answers true. Unlike `wait_for_function`, which takes the
    Promise an asynchronous script returns for a true answer, this waits for its value."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {script}"
        page.wait_for_timeout(100)


def open_online_and_keep(page, path: str) -> None:
    page.goto(path)
    page.wait_for_function(WORKER_READY)
    wait_until(page, kept(path))


def camera_photo(path) -> int:
    """A 4000 x 3000 photo of a few MB (noise over a gradient, as a camera would give)."""
    coarse = Image.effect_noise((1000, 750), 64).resize((4000, 3000), Image.Resampling.BILINEAR)
    picture = Image.merge("RGB", (coarse, Image.effect_noise((4000, 3000), 30),
                                  Image.linear_gradient("L").resize((4000, 3000))))
    picture.save(path, "JPEG", quality=92)
    return path.stat().st_size


def test_a_report_written_offline_is_kept_and_sent_once_when_the_signal_returns(app, page, csrf_enabled,
                                                                                  tmp_path):
    """Can a guest fill /lapor without signal, see it waiting on the phone, and get the tracking
    number when the signal returns, with exactly one message and its photo shrunk?"""
    photo = tmp_path / "jalan.jpg"
    original_size = camera_photo(photo)
    # More than the server takes: only a shrunk photo can arrive.
    assert original_size > app.config["MAX_UPLOAD_BYTES"]

    open_online_and_keep(page, "/lapor")
    page.context.set_offline(True)
    page.reload()
    assert page.inner_text("h1") == "Lapor tanpa akun"

    fill_guest_form(page, "Jembatan putus di Long Bagun",
                    "Jembatan gantung putus sejak banjir, warga menyeberang dengan perahu.",
                    "2026-01-12", photo, umum=True)
    page.locator("main form button[type=submit]").click()

    waiting = page.locator("#antrean li[data-state=waiting]")
    waiting.wait_for()
    assert "Menunggu sinyal" in waiting.inner_text()
    assert "Jembatan putus di Long Bagun" in waiting.inner_text()
    assert page.locator("#antrean-tersimpan").is_visible()
    assert page.input_value("#perihal") == ""  # the form is free for the next report
    screenshot(page, "lapor-menunggu-sinyal")
    with app.app_context():
        assert Message.query.count() == 0

    page.context.set_offline(False)
    sent = page.locator("#antrean li[data-state=sent]")
    sent.wait_for()
    tracking = sent.locator(".tracking-number").inner_text().strip()
    assert tracking.startswith("ASP-")
    assert page.locator("#antrean li").count() == 1
    assert page.locator("#antrean-tersimpan").is_hidden()
    screenshot(page, "lapor-terkirim-dari-antrean")

    with app.app_context():
        messages = Message.query.all()
        assert [m.tracking for m in messages] == [tracking]
        assert messages[0].perihal == "Jembatan putus di Long Bagun"
        assert messages[0].client_key  # the phone's key came along
        attachments = Attachment.query.all()
        assert len(attachments) == 1 and attachments[0].filename == "jalan.jpg"
        assert attachments[0].size < original_size / 4
        from services import storage

        stored = (storage.upload_dir() / attachments[0].stored_name).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert max(image.size) <= 2000


def test_a_public_page_opened_once_opens_offline_and_a_new_one_gets_the_offline_page(page):
    """Does /tentang, visited once, open without signal, while a page never visited shows the
    small offline page instead of the browser's error?"""
    open_online_and_keep(page, "/tentang")
    page.context.set_offline(True)
    page.reload()
    assert page.inner_text("h1") == "Tentang Aspirasi Kaltim"
    page.goto("/kinerja")
    assert page.inner_text("h1") == "Tidak ada sinyal"
    page.context.set_offline(False)


def test_a_report_whose_connection_fails_while_sending_waits_on_the_phone(app, page, tmp_path):
    """When the phone believes it has signal but the post fails, is the report (its photo
    shrunk in the form itself) kept on the phone, the service worker bringing the citizen back
    to the form where it is listed as waiting, and sent once when the connection works again?"""
    photo = tmp_path / "gardu.jpg"
    original_size = camera_photo(photo)
    open_online_and_keep(page, "/lapor")
    fill_guest_form(page, "Listrik padam tiga hari", "Seluruh kampung tanpa listrik sejak Senin.",
                    "2026-02-02", photo)
    page.context.set_offline(True)
    # A weak signal: the phone says it is connected, yet nothing gets through.
    page.evaluate("Object.defineProperty(navigator, 'onLine', {get: () => true})")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/lapor#antrean-tersimpan")
    waiting = page.locator("#antrean li[data-state=waiting]")
    waiting.wait_for()
    assert "Listrik padam tiga hari" in waiting.inner_text()
    assert page.locator("#antrean-tersimpan").is_visible()
    with app.app_context():
        assert Message.query.count() == 0

    page.context.set_offline(False)
    page.locator("#antrean li[data-state=sent]").wait_for()
    with app.app_context():
        assert [m.perihal for m in Message.query.all()] == ["Listrik padam tiga hari"]
        assert [a.size < original_size / 4 for a in Attachment.query.all()] == [True]


def test_a_report_refused_after_the_signal_returns_goes_back_into_its_form_to_be_mended(
        app, page, csrf_enabled, tmp_path):
    """When a report written offline is refused once sent (a mistyped NIK), can the citizen put
    it back into the form, answers and photo included, see the server's reason beside the NIK,
    mend it and send it, leaving one message and nothing waiting on the phone?"""
    photo = tmp_path / "longsor.jpg"
    camera_photo(photo)
    open_online_and_keep(page, "/lapor")
    page.context.set_offline(True)
    page.reload()
    fill_guest_form(page, "Longsor menutup jalan", "Tanah longsor menutup jalan desa sejak pagi.",
                    "2026-03-03", photo, umum=True)
    page.fill("#nik", "647105410795")  # four digits short
    page.locator("main form button[type=submit]").click()
    page.locator("#antrean li[data-state=waiting]").wait_for()

    page.context.set_offline(False)
    refused = page.locator("#antrean li[data-state=refused]")
    refused.wait_for()
    assert "Ditolak" in refused.inner_text()
    with app.app_context():
        assert Message.query.count() == 0

    refused.get_by_role("button", name="Perbaiki isian").click()
    assert page.input_value("#perihal") == "Longsor menutup jalan"
    assert page.input_value("#body") == "Tanah longsor menutup jalan desa sejak pagi."
    assert page.input_value("#event_date") == "2026-03-03"
    assert page.is_checked("#guest_kind-1")
    assert page.input_value("#nik") == "647105410795"
    assert page.evaluate("document.querySelector('#foto').files.length") == 1
    nik_box = page.locator(".field.has-error", has=page.locator("#nik"))
    assert "tepat 16 angka" in nik_box.locator("ul.errors").inner_text()
    assert page.locator("main form .flash-error").all_inner_texts() == [
        "Isian yang tersimpan di ponsel ditolak. Perbaiki isian yang ditandai lalu kirim lagi."]
    assert page.evaluate("document.activeElement.id") == "nik"
    screenshot(page, "lapor-ditolak-diperbaiki")

    page.fill("#nik", GOOD_NIK)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/lapor/terkirim/*")
    with app.app_context():
        messages = Message.query.all()
        assert [m.perihal for m in messages] == ["Longsor menutup jalan"]
        assert messages[0].guest_nik == GOOD_NIK
        assert [a.filename for a in Attachment.query.all()] == ["longsor.jpg"]
    page.goto("/lapor")
    page.wait_for_function("() => document.querySelector('#antrean').hidden === true")
    assert page.locator("#antrean li").count() == 0


GALLERY_SHOWN = ("() => [...document.querySelectorAll('.gallery img')]"
                 ".every(img => img.complete && img.naturalWidth > 0)")


def test_the_home_page_opens_offline_with_the_pictures_the_superadmin_uploaded(
        app, page, client, login_as, monkeypatch, tmp_path):
    """Once a phone has shown the home page with the superadmin's own pictures, does it show
    them again without signal, not as broken images?"""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    login_as("superadmin")
    response = client.post("/admin/gambar-beranda/",
                           data={"caption": "Pulau Derawan di pagi hari",
                                 "picture": upload(jpeg_bytes(600, 250), "derawan.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 302

    open_online_and_keep(page, "/")
    page.locator(".gallery img").scroll_into_view_if_needed()
    page.wait_for_function(GALLERY_SHOWN)
    wait_until(page, "() => caches.open('aspirasi-pictures').then(c => c.keys())"
                     ".then(keys => keys.length === 1)")
    # A day later the browser's own cache may have let the picture go; the worker's has not.
    page.context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.context.set_offline(True)
    page.reload()
    picture = page.locator(".gallery img")
    assert picture.get_attribute("alt") == "Pulau Derawan di pagi hari"
    assert picture.get_attribute("src").startswith("/gambar/beranda/")
    picture.scroll_into_view_if_needed()
    page.wait_for_function(GALLERY_SHOWN)
    screenshot(page, "beranda-tanpa-sinyal")
    page.context.set_offline(False)

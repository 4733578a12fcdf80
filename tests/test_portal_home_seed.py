"""The home page's pictures of East Kalimantan, the footer's contacts and social links (both
set by the superadmin), and the page about the service."""
import io
import os
import re

import pytest
from PIL import Image

from models import AuditLog, Setting
from tests.helpers import jpeg_bytes, pdf_bytes, screenshot, upload

pytestmark = pytest.mark.usefixtures("demo")
PICTURES = "/admin/gambar-beranda/"
SLA = {"sla_triage_minutes": "120", "sla_answer_workdays": "2", "reopen_workdays": "10"}


@pytest.fixture(autouse=True)
def own_upload_folder(app, monkeypatch, tmp_path):
    """Each test starts with an empty upload folder."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))


def jpeg_with_gps(width=80, height=50) -> bytes:
    """A photo as a phone writes it: with EXIF carrying a GPS position and a camera name."""
    image = Image.new("RGB", (width, height), (30, 120, 200))
    exif = Image.Exif()
    exif[0x0110] = "KameraRahasia-9000"   # camera model
    exif[0x8825] = {1: "S", 2: (0.0, 30.0, 0.0)}  # GPS latitude
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def uploaded_pictures(page: str) -> list[str]:
    return re.findall(r'src="(/gambar/beranda/[0-9-a-f]+\.jpg)"', page)


def picture_rows(app) -> int:
    with app.app_context():
        return Setting.query.filter(Setting.key.startswith("beranda:")).count()


def test_home_shows_the_drawn_pictures_until_some_are_uploaded(client):
    """Does the home page show the shipped drawings of Kaltim, each with a text alternative?"""
    page = client.get("/").get_data(as_text=True)
    for name in ("mahakam", "lamin", "enggang"):
        assert f'src="/static/img/beranda/{name}.jpg"' in page
        response = client.get(f"/static/img/beranda/{name}.jpg")
        assert response.status_code == 200 and response.data.startswith(b"\xff\xd8\xff")
    assert 'alt="Sungai Mahakam saat senja' in page and "Lamin, rumah panjang" in page


def test_superadmin_uploads_a_picture_cleaned_of_its_metadata(app, client, login_as):
    """Does an uploaded picture replace the drawings on the home page, served without EXIF/GPS,
    with its caption as text alternative, and audited?"""
    login_as("superadmin")
    assert client.get(PICTURES).status_code == 200
    response = client.post(PICTURES, data={"caption": "Pulau Derawan di pagi hari",
                                           "picture": upload(jpeg_with_gps(), "derawan.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    (address,) = uploaded_pictures(home)
    assert 'alt="Pulau Derawan di pagi hari"' in home
    assert "/static/img/beranda/mahakam.jpg" not in home
    served = client.get(address)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert b"KameraRahasia" not in served.data and b"Exif" not in served.data
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.size == (80, 50) and not image.getexif()
    with app.app_context():
        assert AuditLog.query.filter_by(action="beranda.gambar.tambah").count() == 1


def test_a_huge_picture_is_scaled_down(app, client, login_as):
    """Is a picture wider than the pixel cap's side kept at most 2560 pixels wide?"""
    login_as("superadmin")
    client.post(PICTURES, data={"caption": "Panorama", "picture": upload(jpeg_bytes(3000, 200),
                                                                         "lebar.jpg")},
                content_type="multipart/form-data")
    (address,) = uploaded_pictures(client.get("/").get_data(as_text=True))
    with Image.open(io.BytesIO(client.get(address).data)) as image:
        assert image.width == 2560


@pytest.mark.parametrize(("data", "problem"), [
    ({"caption": "PDF", "picture": upload(pdf_bytes(), "brosur.jpg")}, "bukan JPG yang sah"),
    ({"caption": "", "picture": upload(jpeg_bytes(), "a.jpg")}, "Keterangan gambar wajib diisi"),
    ({"caption": "Tanpa berkas"}, "Pilih berkas gambar JPG"),
])
def test_bad_picture_is_refused_and_keeps_nothing(app, client, login_as, data, problem):
    """Is a non-JPEG, a missing caption or a missing file refused with a reason, keeping nothing?"""
    login_as("superadmin")
    response = client.post(PICTURES, data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and problem in response.get_data(as_text=True)
    assert picture_rows(app) == 0
    folder = os.path.join(app.config["UPLOAD_DIR"], "beranda")
    assert not os.path.isdir(folder) or os.listdir(folder) == []


def test_a_failing_upload_folder_keeps_no_picture_row(app, client, login_as, monkeypatch):
    """When the upload folder cannot take the file, is it a clear 503 with no row kept?"""
    from services import storage

    def refuse(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage, "_write_synced", refuse)
    login_as("superadmin")
    response = client.post(PICTURES, data={"caption": "Air terjun",
                                           "picture": upload(jpeg_bytes(), "air.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 503
    assert picture_rows(app) == 0


def test_only_the_superadmin_manages_pictures_and_deleting_removes_the_file(app, client,
                                                                            login_as):
    """Is the picture page the superadmin's only, and does deleting remove row and file?"""
    login_as("admin")
    assert client.get(PICTURES).status_code == 403
    login_as("superadmin")
    client.post(PICTURES, data={"caption": "Kepulauan Derawan",
                                "picture": upload(jpeg_bytes(), "d.jpg")},
                content_type="multipart/form-data")
    (address,) = uploaded_pictures(client.get("/").get_data(as_text=True))
    picture_id = address.rsplit("/", 1)[1][:-4]
    path = os.path.join(app.config["UPLOAD_DIR"], "beranda", picture_id + ".jpg")
    assert os.path.isfile(path)
    login_as("admin")
    assert client.post(f"{PICTURES}{picture_id}/hapus").status_code == 403
    login_as("superadmin")
    assert client.post(f"{PICTURES}{picture_id}/hapus").status_code == 302
    assert picture_rows(app) == 0 and not os.path.exists(path)
    assert client.get(address).status_code == 404
    assert "/static/img/beranda/mahakam.jpg" in client.get("/").get_data(as_text=True)


def test_sweep_keeps_home_pictures(app, client, login_as, runner):
    """Does the storage sweep leave home pictures alone (they are no attachment's file)?"""
    login_as("superadmin")
    client.post(PICTURES, data={"caption": "Derawan", "picture": upload(jpeg_bytes(), "d.jpg")},
                content_type="multipart/form-data")
    result = runner.invoke(args=["storage-sweep", "--older-than", "0", "--delete-orphans"])
    assert result.exit_code == 0, result.output
    (address,) = uploaded_pictures(client.get("/").get_data(as_text=True))
    assert client.get(address).status_code == 200


def test_footer_shows_the_contacts_and_social_links_the_superadmin_sets(app, client, login_as):
    """Does every public page's footer show the contact email, phone and social links set in
    the settings, and refuse a link that leads off the social network?"""
    page = client.get("/pesan").get_data(as_text=True)
    assert 'href="mailto:support@aspirasi.kaltimprov.go.id"' in page
    assert "instagram.com" not in page  # nothing set yet: no empty links
    login_as("superadmin")
    bad = client.post("/admin/pengaturan/", data={**SLA,
                                                  "social_instagram": "https://evil.example/x"})
    assert bad.status_code == 400 and "instagram.com" in bad.get_data(as_text=True)
    with app.app_context():
        assert Setting.query.count() == 0
    good = client.post("/admin/pengaturan/", data={
        **SLA, "contact_email": "aspirasi@kaltimprov.go.id", "contact_phone": "0541-733333",
        "social_instagram": "https://www.instagram.com/contohkaltim",
        "social_youtube": "https://www.youtube.com/@contohkaltim"})
    assert good.status_code == 302
    client.post("/logout")
    for url in ("/", "/tracking", "/login"):
        page = client.get(url).get_data(as_text=True)
        assert 'href="mailto:aspirasi@kaltimprov.go.id"' in page, url
        assert 'href="tel:0541733333"' in page and "0541-733333" in page
        assert 'href="https://www.instagram.com/contohkaltim"' in page
        assert 'href="https://www.youtube.com/@contohkaltim"' in page
        assert "Facebook" not in page
        assert 'href="/tentang"' in page


def test_about_page_says_what_the_service_is_its_legal_basis_and_who_runs_it(client):
    """Does /tentang explain the service, name its legal basis and its operator, in both
    languages?"""
    page = client.get("/tentang").get_data(as_text=True)
    assert "Undang-Undang Nomor 14 Tahun 2008" in page
    assert "Peraturan Presiden Nomor 95 Tahun 2018" in page
    assert "Instruksi Presiden Nomor 3 Tahun 2003" in page
    assert "Peraturan Gubernur Kalimantan Timur Nomor 11 Tahun 2017" in page
    assert "Dinas Komunikasi dan Informatika (Diskominfo)" in page
    assert "nomor tracking" in page
    english = client.get("/tentang?lang=en").get_data(as_text=True)
    assert "Law Number 14 of 2008" in english and "Who runs it" in english


def test_home_and_about_fit_a_phone_with_described_pictures(page):
    """On a phone, do the home page (with its pictures) and /tentang fit without sideways
    scrolling, every picture loaded and described?"""
    for url in ("/", "/tentang"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    page.goto("/")
    pictures = page.locator(".gallery img")
    assert pictures.count() == 3
    for index in range(3):
        picture = pictures.nth(index)
        picture.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=picture.element_handle())
        assert picture.get_attribute("alt")
    assert page.locator("footer a[href='/tentang']").is_visible()
    screenshot(page, "beranda-gambar")

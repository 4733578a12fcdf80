"""Risky uploads: photos lose their metadata (a phone's GPS position), PDFs never open inline."""
import io

from PIL import Image

from models import Attachment, User
from tests.helpers import (
    GOOD_NIK,
    count_rows,
    get_user,
    in_app,
    jpeg_bytes,
    log_in,
    pdf_bytes,
    upload,
)

GUEST = {"guest_kind": "umum", "perihal": "Jalan berlubang", "body": "Lubang besar di depan rumah.",
         "nik": GOOD_NIK, "phone": "081234500011", "event_date": "2026-01-05"}
GPS_IFD, ORIENTATION = 0x8825, 0x0112


def phone_photo(width=80, height=40, orientation=1) -> bytes:
    """A JPEG as a phone writes it: EXIF with the camera, a GPS position and an orientation."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "S", 2: (0.0, 30.0, 12.5), 3: "E", 4: (117.0, 8.0, 45.0)}
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.paste((20, 20, 220), (0, 0, width // 2, height))  # left half blue
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), comment=b"rumah saya")
    return buffer.getvalue()


def has_metadata(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif()) or "exif" in image.info or "comment" in image.info


def guest_upload(client, *files):
    return client.post("/lapor", data={**GUEST, "foto": list(files)},
                       content_type="multipart/form-data")


def download_first(app, client):
    with app.app_context():
        item = Attachment.query.one()
        url = f"/admin/detail/{item.message_id}/lampiran/{item.id}"
    log_in(client, "superadmin")
    return client.get(url)


def test_a_phone_photo_loses_its_gps_position(app, demo, client):
    """Does a photo with EXIF GPS come back from the download without any EXIF or comment?"""
    original = phone_photo()
    assert has_metadata(original)
    assert guest_upload(client, upload(original, "depan-rumah.jpg")).status_code == 302
    response = download_first(app, client)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert not has_metadata(response.data)
    assert b"PhoneMaker" not in response.data and b"rumah saya" not in response.data
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "inline" in response.headers["Content-Disposition"]


def test_a_sideways_photo_is_turned_upright_before_its_metadata_goes(app, demo, client):
    """Is a photo marked 'rotate 90°' stored upright, so it still looks right without EXIF?"""
    assert guest_upload(client, upload(phone_photo(80, 40, orientation=6), "miring.jpg")).status_code == 302
    with Image.open(io.BytesIO(download_first(app, client).data)) as image:
        assert image.size == (40, 80)
        # rotated clockwise: the blue left half is now on top
        r, g, b = image.convert("RGB").getpixel((20, 5))
        assert b > 150 and r < 100


def test_a_very_large_photo_is_scaled_down(app, demo, client):
    """Is a 4000×3000 photo kept at most 2560 pixels on its longer side?"""
    big = jpeg_bytes(4000, 3000)
    assert guest_upload(client, upload(big, "besar.jpg")).status_code == 302
    with Image.open(io.BytesIO(download_first(app, client).data)) as image:
        assert max(image.size) == 2560 and image.size[0] > image.size[1]


def test_a_photo_decoded_at_a_fraction_still_keeps_2560_pixels(app, demo, client):
    """Is a 6000×4000 photo (decoded at half its size) kept at exactly 2560×1707?"""
    assert guest_upload(client, upload(jpeg_bytes(6000, 4000), "lebar.jpg")).status_code == 302
    with Image.open(io.BytesIO(download_first(app, client).data)) as image:
        assert image.size == (2560, 1707)


def test_a_pdf_is_always_a_download(app, citizen, demo):
    """Is a PDF (which may carry /OpenAction JavaScript) served as an attachment, never inline?"""
    pdf = pdf_bytes().replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>")
    response = citizen.post("/pesan/kirim", data={"perihal": "Surat", "body": "Lihat surat.",
                                                  "lampiran": [upload(pdf, "surat.pdf")]},
                            content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        item = Attachment.query.one()
        tracking, aid, mid = item.message.tracking, item.id, item.message_id
    own = citizen.get(f"/riwayat/{tracking}/lampiran/{aid}")
    assert own.status_code == 200 and own.data == pdf
    assert own.headers["Content-Disposition"].startswith("attachment")
    assert own.headers["X-Content-Type-Options"] == "nosniff"
    log_in(citizen, "superadmin")
    staff = citizen.get(f"/admin/detail/{mid}/lampiran/{aid}")
    assert staff.headers["Content-Disposition"].startswith("attachment")


def test_a_profile_photo_loses_its_metadata_too(app, citizen):
    """Is the profile photo stored without the EXIF the phone wrote into it?"""
    with in_app(app):
        siti = get_user("siti")
        form = {"nik": siti.nik, "full_name": "Siti Aminah"}
    response = citizen.post("/settings", data={**form, "foto": upload(phone_photo(), "saya.jpg")},
                            content_type="multipart/form-data")
    assert response.status_code == 302
    photo = citizen.get("/settings/foto")
    assert photo.status_code == 200
    assert not has_metadata(photo.data)
    assert count_rows(app, User, username="siti") == 1

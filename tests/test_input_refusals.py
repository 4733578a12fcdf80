"""Absurd input at every door: a clear 4xx in the user's language, never a 500, nothing stored."""
import io

import pytest
from PIL import Image

from models import Attachment, Message, MessageEvent, Rating, db, lifecycle
from tests.helpers import (
    GOOD_NIK,
    advance,
    count_rows,
    gen_message,
    jpeg_bytes,
    log_in,
    upload,
)

HUGE = "99999999999999999999"
GUEST = {"guest_kind": "layanan", "perihal": "Antrean KTP sangat panjang",
         "body": "Antrean di kantor kecamatan sampai sore.", "nik": GOOD_NIK,
         "phone": "081234500011", "email": "tamu@example.com", "event_date": "2026-01-05"}


def stored(app):
    return (count_rows(app, Message), count_rows(app, Attachment), count_rows(app, MessageEvent))


def test_a_non_finite_rating_is_refused(app, demo, citizen):
    """Is a rating of nan or infinity refused with the usual message instead of a 500?"""
    tracking = gen_message(app, reporter="siti").tracking
    advance(app, tracking, "forward", "accept", "reply", opd="DLH", sub="adu-pencemaran")
    ratings = count_rows(app, Rating)
    for stars in ("nan", "inf", "-inf", "NaN", "1e309"):
        response = citizen.post(f"/riwayat/{tracking}/nilai", data={"stars": stars})
        assert response.status_code == 400, stars
        assert "0,5 sampai 5 bintang" in response.get_data(as_text=True)
    assert count_rows(app, Rating) == ratings


HUGE_URLS = [
    f"/pesan?page={HUGE}", f"/admin/laporan/pesan/?opd={HUGE}",
    f"/admin/pesan/?page={HUGE}", f"/admin/pesan-baru/?page={HUGE}", f"/admin/opd/?page={HUGE}",
    f"/admin/kategori/?page={HUGE}", f"/admin/subkategori/?page={HUGE}",
    f"/admin/hari-libur/?page={HUGE}", f"/admin/templat-jawaban/?page={HUGE}",
    f"/admin/pengguna/?page={HUGE}", f"/admin/audit/?page={HUGE}", f"/admin/peran/?page={HUGE}",
    f"/admin/pesan/?page_size={HUGE}", "/admin/pesan/?page=-5",
    f"/open311/v2/requests.json?page={HUGE}", f"/open311/v2/requests.xml?page={HUGE}",
]


def test_a_huge_page_number_is_a_clear_refusal(app, client, demo):
    """Does a 20-digit page (or id) in a list's address get a 4xx instead of a 500?"""
    gen_message(app)
    log_in(client, "superadmin")
    for url in HUGE_URLS:
        response = client.get(url)
        assert 400 <= response.status_code < 500, (url, response.status_code)
        body = response.get_data(as_text=True)
        assert "Angka" in body or "bilangan" in body or "tidak valid" in body, url


def test_a_huge_id_in_a_public_filter_is_ignored(app, demo, client):
    """Is a 20-digit category or OPD id in the public list ignored instead of a 500?"""
    gen_message(app)
    for url in (f"/pesan?kategori={HUGE}", f"/pesan?opd={HUGE}"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("args", [
    {"start_date": "9999-12-31T23:59:59-14:00"}, {"end_date": "0001-01-01T00:00:00+14:00"},
    {"start_date": "0001-01-01"}, {"end_date": "9999-12-31"},
])
def test_open311_refuses_an_absurd_date(app, client, args):
    """Is an Open311 date at the end of the calendar refused with an error array, not a 500?"""
    response = client.get("/open311/v2/requests.json", query_string=args)
    assert response.status_code == 400
    assert "tanggal" in response.get_json()[0]["description"]


REPORT_PATHS = ["/admin/laporan/", "/admin/laporan/cetak", "/admin/laporan/ekspor.csv",
                "/admin/laporan/ekspor.xlsx", "/admin/laporan/pesan/",
                "/admin/laporan/pesan/ekspor.csv"]


def test_report_refuses_dates_at_the_end_of_the_calendar(app, client, demo):
    """Do report pages and exports refuse year 1 or year 9999 with a clear message?"""
    log_in(client, "superadmin")
    for args in ({"start": "0001-01-01", "end": "9999-12-31"}, {"end": "9999-12-31"},
                 {"start": "01/01/0001"}):
        for path in REPORT_PATHS:
            response = client.get(path, query_string=args)
            assert response.status_code == 400, (path, args)
            assert "tahun" in response.get_data(as_text=True), (path, args)


def bomb() -> bytes:
    """A tiny JPEG whose header claims 30000×30000 pixels."""
    buffer = io.BytesIO()
    Image.new("L", (8, 8)).save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = (30000).to_bytes(2, "big") + (30000).to_bytes(2, "big")
    return bytes(data)


def test_a_decompression_bomb_is_refused(app, client):
    """Is a small JPEG claiming 900 megapixels refused as a bad file, with nothing stored?"""
    data = bomb()
    assert len(data) < 1024
    response = client.post("/lapor", data={**GUEST, "foto": [upload(data, "bom.jpg")]},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "bom.jpg" in response.get_data(as_text=True)
    assert stored(app) == (0, 0, 0)


def claims(width: int, height: int, size: int) -> bytes:
    """A JPEG of `size` bytes whose header claims `width`×`height`: an 8×8 picture, padded
    with a comment, its size field rewritten (the decoder would fill the rest)."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    padding = size - len(data) - 4
    assert padding >= 0
    return bytes(data[:2] + b"\xff\xfe" + (padding + 2).to_bytes(2, "big") + b" " * padding
                 + data[2:])


def test_a_tiny_file_claiming_a_huge_picture_is_refused(app, client):
    """Is a 677-byte JPEG claiming 6300×6300 (under the megapixel limit) refused as damaged,
    naming the file, with nothing stored?"""
    data = claims(6300, 6300, 677)
    assert len(data) == 677
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (6300, 6300)
    response = client.post("/lapor", data={**GUEST, "foto": [upload(data, "kecil.jpg")]},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "kecil.jpg" in page and "rusak" in page and "6300×6300" in page
    assert stored(app) == (0, 0, 0)


def test_photos_of_one_request_are_bounded_together(app, client):
    """Are three honest-sized photos that claim 36 megapixels each (108 together) refused in
    one request, before any is decoded, with nothing stored?"""
    photos = [upload(claims(6000, 6000, 40_000), f"foto{n}.jpg") for n in range(3)]
    response = client.post("/lapor", data={**GUEST, "foto": photos},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "100 megapiksel" in response.get_data(as_text=True)
    assert stored(app) == (0, 0, 0)


@pytest.mark.parametrize("field", ["perihal", "body", "guest_name", "phone", "email"])
def test_a_nul_byte_in_a_text_field_is_refused(app, client, field):
    """Is a NUL (or other control character) in any text field refused with a clear message?"""
    response = client.post("/lapor", data={**GUEST, field: GUEST.get(field, "Budi") + "\x00x"},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "karakter kendali" in response.get_data(as_text=True)
    assert stored(app) == (0, 0, 0)


def test_a_nul_byte_in_open311_is_an_error_array(app, client):
    """Does Open311 answer a NUL in a filter with its error array?"""
    response = client.get("/open311/v2/requests.json", query_string={"status": "open\x00"})
    assert response.status_code == 400
    assert "karakter kendali" in response.get_json()[0]["description"]


def test_a_control_character_in_a_file_name_is_cleaned(app, demo, client):
    """Is a file named with NUL and newlines kept under a clean name, and downloadable later?"""
    response = client.post("/lapor", data={**GUEST, "foto": [upload(jpeg_bytes(), "a\x00b\x1bc.jpg")]},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        item = Attachment.query.one()
        assert item.filename == "abc.jpg"
        mid, aid = item.message_id, item.id
    log_in(client, "superadmin")
    download = client.get(f"/admin/detail/{mid}/lampiran/{aid}")
    assert download.status_code == 200
    assert "abc.jpg" in download.headers["Content-Disposition"]


def test_a_stale_version_met_at_autoflush_is_a_409(app, client, demo, monkeypatch):
    """When another writer changes the message between the check and a flush inside the action,
    is the answer the 'changed meanwhile' 409 rather than a 500?"""
    from sqlalchemy.orm import Session

    mid = gen_message(app).id

    def other_writer_then_query(message, **kwargs):
        with Session(db.engine) as other:
            copy = other.get(Message, message.id)
            copy.perihal = "Diubah sesi lain"
            copy.version = (copy.version or 0) + 1
            other.commit()
        db.session.query(Message).count()  # autoflush meets the newer row

    lifecycle.message_changed.connect(other_writer_then_query)
    try:
        log_in(client, "admin")
        with app.app_context():
            version = db.session.get(Message, mid).version
        response = client.post(f"/admin/detail/{mid}/aksi/note",
                               data={"version": version, "note": "catatan"})
    finally:
        lifecycle.message_changed.disconnect(other_writer_then_query)
    assert response.status_code == 409
    assert "diubah oleh petugas lain" in response.get_data(as_text=True)
    with app.app_context():
        assert [e.action for e in MessageEvent.query.filter_by(message_id=mid)] == ["submit"]


def test_over_long_fields_are_refused_before_the_database_sees_them(app, client, demo):
    """Are values longer than their column refused with a message (PostgreSQL would otherwise
    answer a 500), at the staff intake, the settings and Open311?"""
    log_in(client, "admin")
    before = count_rows(app, Message)
    intake = {"channel": "phone", "guest_name": "Siti", "perihal": "Banjir", "body": "Air tinggi"}
    for field, limit in (("guest_name", 120), ("address", 255)):
        response = client.post("/admin/intake/", data={**intake, field: "x" * (limit + 1)})
        assert response.status_code == 400, field
        assert f"paling panjang {limit} karakter" in response.get_data(as_text=True)
    log_in(client, "superadmin")
    response = client.post("/admin/pengaturan/", data={"sla_triage_minutes": "9" * 5000,
                                                       "sla_answer_workdays": "2",
                                                       "reopen_workdays": "5"})
    assert response.status_code == 400
    assert "bilangan bulat positif" in response.get_data(as_text=True)
    assert count_rows(app, Message) == before


def test_a_huge_row_id_in_a_staff_action_is_refused(app, client, demo):
    """Is a forged 20-digit OPD id in a staff action refused with the field named?"""
    mid = gen_message(app).id
    log_in(client, "admin")
    with app.app_context():
        version = db.session.get(Message, mid).version
    response = client.post(f"/admin/detail/{mid}/aksi/forward",
                           data={"version": version, "opd_id": HUGE})
    assert response.status_code == 400
    assert "opd_id" in response.get_data(as_text=True)


@pytest.mark.parametrize("day, fragment", [("1800-01-01", "sebelum tahun 1945"),
                                           ("2999-01-01", "masa depan")])
def test_a_guest_event_date_outside_a_sensible_range_is_refused(app, client, day, fragment):
    """Is an event date before 1945 or in the future refused at /lapor with a clear message
    (in English too), storing nothing?"""
    response = client.post("/lapor", data={**GUEST, "event_date": day},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert fragment in response.get_data(as_text=True)
    assert stored(app) == (0, 0, 0)
    english = client.post("/lapor?lang=en", data={**GUEST, "event_date": "1800-01-01"},
                          content_type="multipart/form-data")
    assert english.status_code == 400
    assert "before 1945" in english.get_data(as_text=True)
    assert stored(app) == (0, 0, 0)


@pytest.mark.parametrize("lat", ["1_0", "\uff11\uff12", " 1.5 ", "1.5 ", "1e1", "+-1", "1.",
                                 ".5", "nan", "0x1"])
def test_open311_takes_a_coordinate_only_as_a_plain_decimal(app, client, demo, lat):
    """Is a lat that Python's float would read (underscores, full-width digits, spaces, an
    exponent) refused as not a decimal number, storing nothing?"""
    from models import ApiKey

    with app.app_context():
        _row, key = ApiKey.issue("Aplikasi Koordinat")
        db.session.commit()
    data = {"api_key": key, "service_code": "adu-pencemaran", "lat": lat, "long": "117.153",
            "description": "Sungai berbau menyengat di dekat pasar."}
    before = count_rows(app, Message)
    response = client.post("/open311/v2/requests.json", data=data)
    assert response.status_code == 400
    assert "lat harus berupa angka desimal" in response.get_json()[0]["description"]
    assert count_rows(app, Message) == before
    accepted = client.post("/open311/v2/requests.json", data={**data, "lat": "-0.502"})
    assert accepted.status_code == 201


def test_an_opd_email_must_be_an_address(app, client, demo):
    """Is an OPD saved with the email "nope" refused at the field, the OPD unchanged?"""
    from models import Opd

    log_in(client, "superadmin")
    with app.app_context():
        opd = Opd.query.filter_by(code="DLH").one()
        opd_id, name, email = opd.id, opd.name, opd.email
    response = client.post(f"/admin/opd/edit/?id={opd_id}", data={
        "code": "DLH", "name": name, "email": "nope", "address": "", "head_name": "",
        "active": "y"})
    assert response.status_code == 200
    assert "Alamat email tidak valid" in response.get_data(as_text=True)
    response = client.post("/admin/opd/new/", data={"code": "BARU", "name": "OPD Baru",
                                                    "email": "nope", "active": "y"})
    assert "Alamat email tidak valid" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Opd, opd_id).email == email
        assert Opd.query.filter_by(code="BARU").count() == 0


@pytest.mark.parametrize("username", ["w\u0430rga", "\u0440eter", "budi\u0455"])
def test_a_username_with_look_alike_letters_is_refused(app, client, demo, username):
    """Is a username mixing Latin with Cyrillic or other look-alike letters ("wаrga" with a
    Cyrillic а) refused at registration with a clear message, creating no account?"""
    from models import User

    users = count_rows(app, User)
    response = client.post("/register", data={
        "email": "mirip@example.com", "username": username, "password": "Sandi-Demo-2026",
        "password_confirm": "Sandi-Demo-2026"})
    assert response.status_code == 200
    assert "huruf Latin" in response.get_data(as_text=True)
    assert count_rows(app, User) == users


@pytest.mark.parametrize("hours", ["1e20", "100000000000000000000", "2147483648"])
def test_a_huge_sla_is_a_field_error(app, client, demo, hours):
    """Is a sub category's SLA of 1e20 hours (or any number past the column) a clear field
    error, the sub category unchanged?"""
    from models import Subcategory

    log_in(client, "superadmin")
    with app.app_context():
        sub = Subcategory.query.filter_by(code="adu-pencemaran").one()
        sub_id, before = sub.id, sub.sla_hours
        data = {"category": sub.category_id, "code": sub.code, "name": sub.name,
                "description": sub.description or "", "default_opd": sub.default_opd_id or "",
                "sla_hours": hours, "active": "y"}
    response = client.post(f"/admin/subkategori/edit/?id={sub_id}", data=data)
    assert response.status_code == 200
    assert "SLA harus bilangan bulat positif" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Subcategory, sub_id).sla_hours == before

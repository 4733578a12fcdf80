"""The profile page (/settings): NIK rules, the other fields, the photo."""
import pytest

from models import User
from tests.helpers import GOOD_NIK, OTHER_NIK, gen_citizen, jpeg_bytes, log_in, upload

PROFILE = {"nik": OTHER_NIK, "full_name": "Andi Pratama", "birth_place": "Tenggarong",
           "birth_date": "1988-03-12", "religion": "Islam", "gender": "L",
           "phone": "081255501234", "address": "Jl. Mulawarman No. 5"}


def profile_of(app, username="andi"):
    with app.app_context():
        user = User.query.filter_by(username=username).one()
        return {"nik": user.nik, "full_name": user.full_name, "phone": user.phone,
                "photo": user.photo_path}


@pytest.fixture
def andi(app, client):
    gen_citizen(app, "andi", "andi@example.com", nik=None)
    return log_in(client, "andi")


def test_profile_saves_every_field(app, andi):
    """Does /settings save NIK, name, birth data, religion, gender, phone and address?"""
    response = andi.post("/settings", data=PROFILE)
    assert response.status_code == 302
    with app.app_context():
        user = User.query.filter_by(username="andi").one()
        assert (user.nik, user.full_name, user.birth_place) == (OTHER_NIK, "Andi Pratama",
                                                                "Tenggarong")
        assert str(user.birth_date) == "1988-03-12"
        assert (user.religion, user.gender, user.phone) == ("Islam", "L", "081255501234")
        assert user.address == "Jl. Mulawarman No. 5"
    assert OTHER_NIK in andi.get("/settings").get_data(as_text=True)


@pytest.mark.parametrize("nik, reason", [
    ("647105410795000", "tepat 16 angka"),          # 15 digits
    ("64710541079500021", "tepat 16 angka"),        # 17 digits
    ("6471O54107950002", "tepat 16 angka"),         # a letter O
    ("6471 5410795000", "tepat 16 angka"),          # a space
    ("0971054107950002", "kode provinsi"),          # province 09
    ("9971054107950002", "kode provinsi"),          # province 99
    ("6471053207950002", "Tanggal lahir"),          # day 32
    ("6471057207950002", "Tanggal lahir"),          # day 72 (women: 32)
    ("6471050113950002", "Tanggal lahir"),          # month 13
    ("6471053002950002", "Tanggal lahir"),          # 30 February
    ("6471054107950000", "0000"),                   # serial 0000
])
def test_implausible_nik_is_refused_and_nothing_changes(app, andi, nik, reason):
    """Is every implausible NIK refused with its reason, leaving the profile unchanged?"""
    response = andi.post("/settings", data={**PROFILE, "nik": nik})
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    assert profile_of(app) == {"nik": None, "full_name": "Andi", "phone": None, "photo": None}


def test_a_woman_s_nik_with_day_plus_forty_is_accepted(app, andi):
    """Is a NIK whose day is 41-71 (a woman's) accepted?"""
    assert andi.post("/settings", data={**PROFILE, "nik": GOOD_NIK}).status_code == 302
    assert profile_of(app)["nik"] == GOOD_NIK


def test_duplicate_nik_is_refused(app, client):
    """Can a second account take a NIK already on another profile?"""
    gen_citizen(app, "siti", "siti@example.com", nik=GOOD_NIK)
    gen_citizen(app, "andi", "andi@example.com", nik=None)
    log_in(client, "andi")
    response = client.post("/settings", data={**PROFILE, "nik": GOOD_NIK})
    assert response.status_code == 400
    assert "NIK ini tidak dapat digunakan" in response.get_data(as_text=True)
    assert profile_of(app)["nik"] is None


def test_keeping_one_s_own_nik_is_not_a_duplicate(app, client):
    """Can a citizen save its profile again with the NIK it already has?"""
    gen_citizen(app, "siti", "siti@example.com", nik=GOOD_NIK)
    log_in(client, "siti")
    response = client.post("/settings", data={**PROFILE, "nik": GOOD_NIK, "full_name": "Siti A."})
    assert response.status_code == 302
    assert profile_of(app, "siti")["full_name"] == "Siti A."


def test_jpeg_photo_is_kept_and_shown_only_to_its_owner(app, client, andi):
    """Is a JPG profile photo stored and served to its owner only?"""
    data = jpeg_bytes()
    response = andi.post("/settings", data={**PROFILE, "foto": upload(data, "saya.jpg")},
                         content_type="multipart/form-data")
    assert response.status_code == 302
    assert profile_of(app)["photo"]
    assert andi.get("/settings/foto").data == data
    gen_citizen(app, "siti", "siti@example.com", nik=GOOD_NIK)
    log_in(client, "siti")
    assert client.get("/settings/foto").status_code == 404


def test_a_non_jpeg_photo_is_refused(app, andi):
    """Is a PDF or a renamed program as profile photo refused, saving nothing?"""
    for data, name in ((b"MZ\x90\x00program", "foto.jpg"), (b"%PDF-1.4 x %%EOF", "foto.pdf")):
        response = andi.post("/settings", data={**PROFILE, "foto": upload(data, name)},
                             content_type="multipart/form-data")
        assert response.status_code == 400
        assert "bukan JPG yang sah" in response.get_data(as_text=True)
    assert profile_of(app) == {"nik": None, "full_name": "Andi", "phone": None, "photo": None}


def test_bad_phone_and_future_birth_date_are_refused(app, andi):
    """Are a phone number with letters and a birth date in the future refused?"""
    response = andi.post("/settings", data={**PROFILE, "phone": "0812-abc", "birth_date":
                                            "2999-01-01"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nomor telepon tidak valid" in page and "masa depan" in page
    assert profile_of(app)["nik"] is None

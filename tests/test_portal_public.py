"""Public pages: home figures, the public list, tracking by number or NIK, the public log."""
import pytest

from models import Message, db
from services.demo_data import WARGA_NIK
from tests.helpers import GOOD_NIK, advance, gen_citizen, gen_message

BODY_SECRET = "Rumah saya di Gang Kenanga no. 7"
BODY_WITH_CONTACTS = ("Saluran air di depan rumah tersumbat sampah. NIK saya 6471054107950002, "
                      "HP 081299998888.")


@pytest.fixture
def mixed(app, demo):
    """The demo messages plus one rahasia, one hidden, one withdrawn and one anonim message."""
    siti = gen_citizen(app).id
    numbers = {
        "rahasia": gen_message(app, reporter="siti", perihal="PERIHAL-RAHASIA", rahasia=True),
        "hidden": gen_message(app, reporter="siti", perihal="PERIHAL-DISEMBUNYIKAN", hidden=True),
        "dicabut": gen_message(app, reporter="siti", perihal="PERIHAL-DICABUT"),
        "anonim": gen_message(app, reporter="siti", perihal="Perihal anonim", anonim=True,
                              body=BODY_SECRET),
    }
    numbers = {key: message.tracking for key, message in numbers.items()}
    with app.app_context():
        message = Message.query.filter_by(tracking=numbers["dicabut"]).one()
        from models import User, lifecycle
        lifecycle.perform(message, "withdraw", db.session.get(User, siti))
        lifecycle.commit()
    return numbers


def test_home_shows_steps_latest_messages_and_figures(client, demo):
    """Does the home page show the steps and the demo figures: 7 received, 3 finished, 43%?"""
    page = client.get("/").get_data(as_text=True)
    assert "Cara menyampaikan pesan" in page
    assert "<strong>7</strong>Pesan diterima" in page
    assert "<strong>3</strong>Pesan selesai" in page
    assert "<strong>43%</strong>" in page
    assert "Lampu jalan padam di Tenggarong" in page


def test_home_figures_leave_out_confidential_and_withdrawn(client, mixed):
    """Do rahasia, hidden and withdrawn messages stay out of the figures (8 = 7 + anonim)?"""
    page = client.get("/").get_data(as_text=True)
    assert "<strong>8</strong>Pesan diterima" in page
    assert "PERIHAL-RAHASIA" not in page


def test_public_list_hides_confidential_hidden_withdrawn_and_personal_data(client, mixed):
    """Does /pesan leave out rahasia/hidden/dicabut and never show body, NIK, email, phone, name?"""
    page = client.get("/pesan").get_data(as_text=True)
    assert "Perihal anonim" in page and "Jalan berlubang di Jl. Juanda" in page
    for absent in ("PERIHAL-RAHASIA", "PERIHAL-DISEMBUNYIKAN", "PERIHAL-DICABUT", BODY_SECRET,
                   GOOD_NIK, WARGA_NIK, "siti@example.com", "warga@example.com", "081234567890",
                   "Budi Santoso", "Siti"):
        assert absent not in page
    assert "8 pesan ditemukan" in page


def test_public_list_filters_and_searches(client, demo):
    """Do the status, category, OPD and perihal search filters narrow the list?"""
    from models import Category, Opd
    assert "3 pesan ditemukan" in client.get("/pesan?status=selesai").get_data(as_text=True)
    page = client.get("/pesan?q=LIMBAH").get_data(as_text=True)
    assert "1 pesan ditemukan" in page and "Limbah di Sungai Karang Mumus" in page
    with client.application.app_context():
        dlh = Opd.query.filter_by(code="DLH").one().id
        informasi = Category.query.filter_by(name="Informasi").one().id
    page = client.get(f"/pesan?opd={dlh}").get_data(as_text=True)
    assert "2 pesan ditemukan" in page and "Sengketa batas lahan" in page
    page = client.get(f"/pesan?kategori={informasi}").get_data(as_text=True)
    assert "1 pesan ditemukan" in page and "Jam layanan perizinan" in page
    assert "0 pesan ditemukan" in client.get("/pesan?q=%25").get_data(as_text=True)


def test_public_list_is_paginated(app, client):
    """With 25 public messages, does page 1 show 20 rows and page 2 the other 5?"""
    for i in range(25):
        gen_message(app, reporter=None, perihal=f"Pesan nomor {i:02d}", guest_nik=GOOD_NIK)
    first = client.get("/pesan").get_data(as_text=True)
    second = client.get("/pesan?page=2").get_data(as_text=True)
    assert first.count("<tr>") - 1 == 20 and second.count("<tr>") - 1 == 5
    assert "Pesan nomor 24" in first and "Pesan nomor 00" in second


def test_tracking_by_number_shows_the_latest_status(client, mixed):
    """Does a tracking number (even typed in lower case) show that message's status?"""
    page = client.get(f"/tracking?q={mixed['anonim'].lower()}").get_data(as_text=True)
    assert mixed["anonim"] in page and "Perihal anonim" in page and "Belum Dikonfirmasi" in page


def test_tracking_a_rahasia_message_shows_status_only(client, mixed):
    """Does tracking a rahasia message show its status but not its perihal?"""
    page = client.get(f"/tracking?q={mixed['rahasia']}").get_data(as_text=True)
    assert "Belum Dikonfirmasi" in page and "PERIHAL-RAHASIA" not in page
    detail = client.get(f"/tracking/{mixed['rahasia']}").get_data(as_text=True)
    assert "Belum Dikonfirmasi" in detail and "PERIHAL-RAHASIA" not in detail


def test_unknown_tracking_number_says_so(client):
    """Is an unknown tracking number answered with a clear message?"""
    page = client.get("/tracking?q=ASP-ZZZZZZZZ").get_data(as_text=True)
    assert "tidak ditemukan" in page


def test_tracking_by_nik_lists_reporter_and_guest_messages_without_body(app, client, mixed):
    """Does a NIK list its messages (account and guest) with number and status, no body,
    and neither a rahasia one (not even its number) nor a withdrawn one?"""
    guest = gen_message(app, reporter=None, perihal="Laporan tamu", guest_nik=GOOD_NIK).tracking
    page = client.get(f"/tracking?q={GOOD_NIK}").get_data(as_text=True)
    for tracking in (mixed["anonim"], mixed["hidden"], guest):
        assert tracking in page
    assert mixed["rahasia"] not in page
    assert mixed["dicabut"] not in page
    assert "PERIHAL-RAHASIA" not in page and BODY_SECRET not in page
    assert "Laporan tamu" in page
    assert "Jalan berlubang" not in page  # another NIK's message


def test_nik_tracking_is_rate_limited_but_number_tracking_is_not(client, rate_limits_enabled):
    """After 10 NIK lookups in a minute is the 11th refused, while number lookups go on?"""
    for _ in range(10):
        assert client.get(f"/tracking?q={GOOD_NIK}").status_code == 200
    refused = client.get(f"/tracking?q={GOOD_NIK}")
    assert refused.status_code == 429
    assert "Terlalu banyak permintaan" in refused.get_data(as_text=True)
    assert client.get("/tracking?q=ASP-ZZZZZZZZ").status_code == 200


def test_public_log_never_shows_internal_notes_or_returns(app, client, demo):
    """Does /tracking/<nomor> show public events only, never internal notes?"""
    tracking = gen_message(app, reporter=None, perihal="Sampah menumpuk", guest_nik=GOOD_NIK,
                           body=BODY_WITH_CONTACTS).tracking
    advance(app, tracking, "forward", "accept", "note", "reply", opd="DLH", sub="adu-pencemaran")
    page = client.get(f"/tracking/{tracking}").get_data(as_text=True)
    assert "Diteruskan ke OPD" in page and "Saluran sudah dibersihkan." in page
    assert "CATATAN-INTERNAL-RAHASIA" not in page and "Catatan internal" not in page
    assert "081299998888" not in page  # the body's phone number


def test_public_log_of_an_anonim_message_shows_no_name(client, mixed):
    """Is the sender of an anonim message shown as Anonim?"""
    page = client.get(f"/tracking/{mixed['anonim']}").get_data(as_text=True)
    assert "Anonim" in page and "Siti" not in page


def test_unknown_tracking_detail_is_404(client):
    """Does a made-up tracking number answer 404?"""
    assert client.get("/tracking/ASP-ZZZZZZZZ").status_code == 404


def test_withdrawn_message_is_hidden_from_public_tracking(client, mixed):
    """Is a withdrawn message absent from /tracking by number and its public log (404)?"""
    number = mixed["dicabut"]
    page = client.get(f"/tracking?q={number}").get_data(as_text=True)
    assert "Dicabut" not in page and 'href="/tracking/' + number not in page
    assert client.get(f"/tracking/{number}").status_code == 404
    assert client.get(f"/tracking/{mixed['anonim']}").status_code == 200

"""A citizen's own messages: the list, one message, its files and the actions on it."""
import pytest

from models import Message, MessageEvent, Rating
from tests.helpers import OTHER_NIK, advance, count_rows, gen_citizen, gen_message, jpeg_bytes, log_in, upload

# The demo data gives the admin and operators who move messages on, and another citizen.
pytestmark = pytest.mark.usefixtures("demo")


def state(app, tracking):
    with app.app_context():
        message = Message.query.filter_by(tracking=tracking).one()
        return (message.status, message.version, message.reopen_count,
                MessageEvent.query.filter_by(message_id=message.id).count(),
                Rating.query.filter_by(message_id=message.id).count())


def test_history_lists_only_own_messages(app, citizen):
    """Does /riwayat list the citizen's messages with status, and nobody else's?"""
    mine = gen_message(app, reporter="siti", perihal="Pohon tumbang di Jl. Gajah Mada").tracking
    page = citizen.get("/riwayat").get_data(as_text=True)
    assert mine in page and "Pohon tumbang" in page and "Belum Dikonfirmasi" in page
    assert "Jalan berlubang di Jl. Juanda" not in page  # the demo citizen's message


def test_another_citizen_s_message_is_404_everywhere(app, citizen):
    """Do another citizen's message, its files and its actions answer 404 by URL?"""
    gen_citizen(app, "andi", nik=OTHER_NIK)
    theirs = gen_message(app, reporter="andi").tracking
    before = state(app, theirs)
    assert citizen.get(f"/riwayat/{theirs}").status_code == 404
    assert citizen.get(f"/riwayat/{theirs}/lampiran/1").status_code == 404
    assert citizen.post(f"/riwayat/{theirs}/cabut").status_code == 404
    assert state(app, theirs) == before


def test_detail_shows_timeline_answer_and_never_internal_notes(app, citizen):
    """Does one's message show the public log and the answer, but no internal note?"""
    tracking = gen_message(app, reporter="siti").tracking
    advance(app, tracking, "forward", "accept", "note", "reply", opd="DLH", sub="adu-pencemaran")
    page = citizen.get(f"/riwayat/{tracking}").get_data(as_text=True)
    assert "Saluran sudah dibersihkan." in page and "Dinas Lingkungan Hidup" in page
    assert "Diteruskan ke OPD" in page and "Selesai" in page
    assert "CATATAN-INTERNAL-RAHASIA" not in page


def test_closed_message_shows_reason(app, citizen):
    """Does a closed message show the reason the admin gave?"""
    tracking = gen_message(app, reporter="siti").tracking
    advance(app, tracking, "close", opd="DLH", sub="adu-pencemaran")
    page = citizen.get(f"/riwayat/{tracking}").get_data(as_text=True)
    assert "Alasan penutupan" in page and "Kewenangan pemerintah kota." in page


def test_own_attachment_downloads_and_a_foreign_one_does_not(app, client, citizen):
    """Can the reporter download its attachment, while another citizen gets 404?"""
    data = jpeg_bytes()
    citizen.post("/pesan/kirim", data={"perihal": "Foto", "body": "Lihat foto.",
                                    "lampiran": [upload(data, "bukti.jpg")]},
              content_type="multipart/form-data")
    with app.app_context():
        message = Message.query.filter_by(perihal="Foto").one()
        tracking, attachment_id = message.tracking, message.attachments[0].id
    response = citizen.get(f"/riwayat/{tracking}/lampiran/{attachment_id}")
    assert response.status_code == 200 and response.data == data
    assert response.mimetype == "image/jpeg"
    gen_citizen(app, "andi", nik=OTHER_NIK)
    log_in(client, "andi")
    assert client.get(f"/riwayat/{tracking}/lampiran/{attachment_id}").status_code == 404
    client.post("/logout")
    assert client.get(f"/riwayat/{tracking}/lampiran/{attachment_id}").status_code == 302


def test_withdraw_a_new_message(app, citizen):
    """Can the citizen withdraw a message that is still baru, leaving it dicabut?"""
    tracking = gen_message(app, reporter="siti").tracking
    response = citizen.post(f"/riwayat/{tracking}/cabut", data={"version": "1"})
    assert response.status_code == 302
    assert state(app, tracking)[0] == "dicabut"


def test_the_citizen_s_own_log_shows_the_withdrawal(app, citizen):
    """After withdrawing, does the citizen's own log (/riwayat/<nomor>) and their data
    download show the withdrawal, while its public tracking page stays closed?"""
    import io
    import json
    import zipfile

    tracking = gen_message(app, reporter="siti").tracking
    assert citizen.post(f"/riwayat/{tracking}/cabut", data={"version": "1"}).status_code == 302
    page = citizen.get(f"/riwayat/{tracking}").get_data(as_text=True)
    log = page[page.index('<ol class="timeline">'):]
    assert "Dicabut oleh pelapor" in log[:log.index("</ol>")]
    archive = zipfile.ZipFile(io.BytesIO(citizen.get("/settings/data-saya").data))
    data = json.loads(archive.read("data-saya.json"))
    mine = next(m for m in data["messages"] if m["tracking"] == tracking)
    assert [step["action"] for step in mine["timeline"]][-1] == "withdraw"
    assert "Dicabut oleh pelapor" not in citizen.get(f"/tracking/{tracking}").get_data(as_text=True)


def test_withdrawing_a_forwarded_message_is_refused(app, citizen):
    """Is a forged withdraw of a forwarded message refused with a message, changing nothing?"""
    tracking = gen_message(app, reporter="siti").tracking
    advance(app, tracking, "forward", opd="DLH", sub="adu-pencemaran")
    before = state(app, tracking)
    response = citizen.post(f"/riwayat/{tracking}/cabut")
    assert response.status_code == 409
    assert "tidak dapat dilakukan" in response.get_data(as_text=True)
    assert state(app, tracking) == before


def test_a_stale_form_changes_nothing(app, citizen):
    """Is a withdraw built from an older version of the message refused?"""
    tracking = gen_message(app, reporter="siti").tracking
    before = state(app, tracking)
    response = citizen.post(f"/riwayat/{tracking}/cabut", data={"version": "0"})
    assert response.status_code == 409
    assert "telah diubah" in response.get_data(as_text=True)
    assert state(app, tracking) == before


def test_rating_a_message_that_is_not_finished_is_refused(app, citizen):
    """Is a forged rating of a message still in process refused, with no rating stored?"""
    tracking = gen_message(app, reporter="siti").tracking
    advance(app, tracking, "forward", "accept", opd="DLH", sub="adu-pencemaran")
    before = state(app, tracking)
    response = citizen.post(f"/riwayat/{tracking}/nilai", data={"stars": "5"})
    assert response.status_code == 409
    assert state(app, tracking) == before
    assert count_rows(app, Rating) == 1  # only the demo rating


def test_rate_a_finished_message_once_in_half_steps(app, citizen):
    """Can a finished message be rated 4.5 with a comment exactly once?"""
    tracking = gen_message(app, reporter="siti").tracking
    advance(app, tracking, "forward", "accept", "reply", opd="DLH", sub="adu-pencemaran")
    assert "Empat Setengah Bintang" in citizen.get(f"/riwayat/{tracking}").get_data(as_text=True)
    response = citizen.post(f"/riwayat/{tracking}/nilai", data={"stars": "4.5",
                                                             "comment": "Cepat, terima kasih"})
    assert response.status_code == 302
    with app.app_context():
        rating = Message.query.filter_by(tracking=tracking).one().rating
        assert (rating.half_stars, rating.comment) == (9, "Cepat, terima kasih")
    again = citizen.post(f"/riwayat/{tracking}/nilai", data={"stars": "1"})
    assert again.status_code == 409 and "sudah Anda nilai" in again.get_data(as_text=True)
    with app.app_context():
        assert Message.query.filter_by(tracking=tracking).one().rating.half_stars == 9


@pytest.mark.parametrize("stars", ["0", "5.5", "4.3", "lima"])
def test_an_impossible_rating_is_refused(app, citizen, stars):
    """Are 0, 5.5, 4.3 or words as a rating refused?"""
    tracking = gen_message(app, reporter="siti").tracking
    advance(app, tracking, "forward", "accept", "reply", opd="DLH", sub="adu-pencemaran")
    response = citizen.post(f"/riwayat/{tracking}/nilai", data={"stars": stars})
    assert response.status_code == 400
    assert "0,5 sampai 5 bintang" in response.get_data(as_text=True)
    assert state(app, tracking)[4] == 0


def test_reopen_needs_a_reason_and_happens_once(app, citizen):
    """Can a finished message be reopened once with a reason, back to the same OPD?"""
    tracking = gen_message(app, reporter="siti").tracking
    advance(app, tracking, "forward", "accept", "reply", opd="DLH", sub="adu-pencemaran")
    empty = citizen.post(f"/riwayat/{tracking}/buka-kembali", data={"reason": ""})
    assert empty.status_code == 400 and "alasan" in empty.get_data(as_text=True)
    assert state(app, tracking)[0] == "selesai"
    response = citizen.post(f"/riwayat/{tracking}/buka-kembali",
                         data={"reason": "Saluran tersumbat lagi."})
    assert response.status_code == 302
    with app.app_context():
        message = Message.query.filter_by(tracking=tracking).one()
        assert (message.status, message.opd.code, message.reopen_count) == ("diproses", "DLH", 1)
    advance(app, tracking, "reply", opd="DLH", sub="adu-pencemaran")
    page = citizen.get(f"/riwayat/{tracking}").get_data(as_text=True)
    assert "Buka kembali" not in page
    second = citizen.post(f"/riwayat/{tracking}/buka-kembali", data={"reason": "Lagi."})
    assert second.status_code == 409
    assert state(app, tracking)[0] == "selesai"


def test_action_without_csrf_token_is_refused(app, citizen, csrf_enabled):
    """With CSRF on, is a withdraw without a token refused?"""
    tracking = gen_message(app, reporter="siti").tracking
    assert citizen.post(f"/riwayat/{tracking}/cabut").status_code == 400
    assert state(app, tracking)[0] == "baru"

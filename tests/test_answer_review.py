"""The Diskominfo team's check of an OPD's answer before the citizen reads it (a setting)."""
import re

from models import AuditLog, Message, Notification, Setting, User, db
from tests.helpers import gen_message, log_in, post_action

LIMITS = {"sla_triage_minutes": "120", "sla_answer_workdays": "2", "reopen_workdays": "10"}
ANSWER = "Server dinas sudah dipulihkan pada 3 Maret."


def _switch_review_on(client):
    log_in(client, "superadmin")
    response = client.post("/admin/pengaturan/", data={**LIMITS, "review_answers": "1"})
    assert response.status_code == 302


def _kinds(app, username, message_id):
    with app.app_context():
        user = User.query.filter_by(username=username).one()
        return {n.kind for n in Notification.query.filter_by(user_id=user.id,
                                                             message_id=message_id,
                                                             read_at=None)}


def test_review_is_off_by_default(app, client, login_as):
    """Without the setting, does an OPD's reply still finish the message at once?"""
    message_id = gen_message(app, status="diproses").id
    login_as("op-diskominfo")
    assert post_action(client, message_id, "reply", answer=ANSWER).status_code == 302
    with app.app_context():
        assert db.session.get(Message, message_id).status == "selesai"


def test_reply_waits_for_release_and_everyone_sees_the_wait(app, client, demo):
    """With the check on, does an OPD's reply wait in `diperiksa` (the citizen sees the wait,
    not the answer; the admin is told; the monitor sees the status) until an admin releases
    it, which finishes the message, shows the answer and is audited?"""
    _switch_review_on(client)
    message = gen_message(app, status="diproses", opd="DLH", sub="adu-lahan")
    log_in(client, "op-dlh")
    assert post_action(client, message.id, "reply", answer=ANSWER).status_code == 302
    with app.app_context():
        stored = db.session.get(Message, message.id)
        assert stored.status == "diperiksa" and stored.answer is None
        assert stored.finished_at is None
    assert "diperiksa" in _kinds(app, "admin", message.id)

    log_in(client, "warga")
    page = client.get(f"/riwayat/{message.tracking}").get_data(as_text=True)
    assert "Tanggapan Sedang Diperiksa" in page and ANSWER not in page
    public = client.get(f"/tracking/{message.tracking}").get_data(as_text=True)
    assert ANSWER not in public

    log_in(client, "op-biroekonomi")  # monitors the sub category
    assert "Tanggapan Sedang Diperiksa" in client.get("/admin/pantauan/").get_data(as_text=True)

    log_in(client, "op-dlh")
    own = client.get(f"/admin/detail/{message.id}").get_data(as_text=True)
    assert "Tanggapan Sedang Diperiksa" in own and 'id="form-release"' not in own

    log_in(client, "admin")
    page = client.get(f"/admin/detail/{message.id}").get_data(as_text=True)
    assert ANSWER in page and 'id="form-release"' in page and 'id="form-send_back"' in page
    assert post_action(client, message.id, "release").status_code == 302
    with app.app_context():
        stored = db.session.get(Message, message.id)
        assert stored.status == "selesai" and stored.answer == ANSWER
        assert stored.finished_at is not None
        assert stored.events[-1].action == "release" and stored.events[-1].public
        assert AuditLog.query.filter_by(action="pesan.release").count() == 1
    assert "diperiksa" not in _kinds(app, "admin", message.id)
    log_in(client, "warga")
    assert ANSWER in client.get(f"/riwayat/{message.tracking}").get_data(as_text=True)


def test_send_back_needs_a_note_and_returns_the_answer_to_the_opd(app, client, demo):
    """Is sending an answer back refused without a note (nothing changes), and with one does
    the message return to the OPD (`diproses`), the operator told, in an internal timeline
    entry, so the OPD's next reply waits for the check again?"""
    _switch_review_on(client)
    message = gen_message(app, status="diproses")
    log_in(client, "op-diskominfo")
    post_action(client, message.id, "reply", answer=ANSWER)
    log_in(client, "admin")
    refused = post_action(client, message.id, "send_back", note="  ")
    assert refused.status_code == 400
    assert "Tuliskan apa yang perlu diperbaiki OPD." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Message, message.id).status == "diperiksa"
    assert post_action(client, message.id, "send_back",
                       note="Sebutkan tanggal pemulihan.").status_code == 302
    with app.app_context():
        stored = db.session.get(Message, message.id)
        assert stored.status == "diproses" and stored.answer is None
        assert stored.events[-1].action == "send_back" and not stored.events[-1].public
        assert AuditLog.query.filter_by(action="pesan.send_back").count() == 1
    assert "perbaiki" in _kinds(app, "op-diskominfo", message.id)
    log_in(client, "warga")
    assert "Sebutkan tanggal pemulihan." not in client.get(
        f"/riwayat/{message.tracking}").get_data(as_text=True)
    log_in(client, "op-diskominfo")
    post_action(client, message.id, "reply", answer=ANSWER + " Pukul 10.00.")
    with app.app_context():
        assert db.session.get(Message, message.id).status == "diperiksa"


def test_review_setting_accepts_only_yes_or_no(app, client, login_as):
    """Is a review switch value other than 0/1 refused with a reason and nothing stored?"""
    login_as("superadmin")
    response = client.post("/admin/pengaturan/", data={**LIMITS, "review_answers": "2"})
    assert response.status_code == 400
    assert "pilih Ya atau Tidak" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Setting, "review_answers") is None


def test_admin_dashboard_counts_answers_waiting_for_the_check(app, client, demo):
    """Does the admin's dashboard count the answers waiting for the check, linking to a list
    of exactly those messages?"""
    _switch_review_on(client)
    waiting = gen_message(app, status="diproses", perihal="Menunggu pemeriksaan")
    gen_message(app, status="diproses", perihal="Masih di OPD")
    log_in(client, "op-diskominfo")
    post_action(client, waiting.id, "reply", answer=ANSWER)
    log_in(client, "admin")
    page = client.get("/admin/").get_data(as_text=True)
    tile = re.search(r'href="([^"]+)"[^>]*>\s*(?:<[^>]+>\s*)*(\d+)\s*(?:<[^>]+>\s*)*'
                     r'Tanggapan OPD menunggu pemeriksaan', page)
    assert tile is not None, page[page.find("menunggu pemeriksaan") - 600:][:800]
    assert tile.group(2) == "1"
    listed = client.get(tile.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "Menunggu pemeriksaan" in listed and "Masih di OPD" not in listed


def test_reply_files_wait_for_the_check_too(app, client, demo):
    """Is the PDF an OPD attaches to its reply kept from the reporter (not listed, not
    downloadable) while the reply waits for the check, and given once it is released?"""
    from models import Attachment
    from tests.helpers import pdf_bytes, upload

    _switch_review_on(client)
    message = gen_message(app, status="diproses")
    log_in(client, "op-diskominfo")
    response = post_action(client, message.id, "reply", answer=ANSWER,
                           files=upload(pdf_bytes(), "berita-acara.pdf"))
    assert response.status_code == 302
    with app.app_context():
        file_id = Attachment.query.filter_by(message_id=message.id, kind="balasan").one().id
    download = f"/riwayat/{message.tracking}/lampiran/{file_id}"
    log_in(client, "warga")
    assert "berita-acara.pdf" not in client.get(f"/riwayat/{message.tracking}").get_data(
        as_text=True)
    assert client.get(download).status_code == 404
    log_in(client, "admin")
    post_action(client, message.id, "release")
    log_in(client, "warga")
    assert "berita-acara.pdf" in client.get(f"/riwayat/{message.tracking}").get_data(as_text=True)
    assert client.get(download).status_code == 200


def _my_data(client) -> tuple[dict, dict[str, bytes]]:
    """The citizen's personal-data download, read back: its JSON and every file in it."""
    import io
    import json
    import zipfile

    response = client.get("/settings/data-saya")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files["data-saya.json"]), files


def test_personal_data_download_waits_for_the_check_like_the_history(app, client, demo):
    """With the check on, does /settings/data-saya leave out the OPD's reply text and file
    while the reply waits (as /riwayat does), and hold both once it is released?"""
    from tests.helpers import pdf_bytes, upload

    _switch_review_on(client)
    message = gen_message(app, status="diproses")
    log_in(client, "op-diskominfo")
    assert post_action(client, message.id, "reply", answer=ANSWER,
                       files=upload(pdf_bytes(), "berita-acara.pdf")).status_code == 302
    log_in(client, "warga")
    data, files = _my_data(client)
    mine = next(m for m in data["messages"] if m["tracking"] == message.tracking)
    assert mine["status"] == "diperiksa" and mine["attachments"] == []
    everything = b"".join(files.values())
    assert ANSWER.encode() not in everything and b"berita-acara" not in everything
    assert pdf_bytes() not in files.values()

    log_in(client, "admin")
    assert post_action(client, message.id, "release").status_code == 302
    log_in(client, "warga")
    data, files = _my_data(client)
    mine = next(m for m in data["messages"] if m["tracking"] == message.tracking)
    assert mine["answer"] == ANSWER
    [reply_file] = mine["attachments"]
    assert reply_file["file"].endswith("berita-acara.pdf")
    assert files[reply_file["file"]] == pdf_bytes()

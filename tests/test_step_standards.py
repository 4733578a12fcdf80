"""The SOP's time standard per step ("Mutu Baku"): settings, the timeline, the report."""
import re
from datetime import datetime, timedelta

from models import Message, QueuedMail, Setting, User, db, lifecycle
from models.sla import answer_deadline
from tests.helpers import gen_message, get_opd, get_sub, log_in

MONDAY = datetime(2026, 3, 2, 1, 0)  # 09.00 WITA
MINUTE = timedelta(minutes=1)


def _handled(app, opd, *, touch, triage, reply, release=None, notice=None, start=MONDAY):
    """A message submitted at `start`, first touched by staff after `touch` (a note when it
    comes before the triage), forwarded to `opd` after `triage`, answered `reply` after the
    forwarding and, when `release` is given, checked and released that long after the reply;
    the citizen's mail about the answer went out `notice` after it (None: not yet)."""
    message_id = gen_message(app).id
    with app.app_context():
        message = db.session.get(Message, message_id)
        admin = User.query.filter_by(username="admin").one()
        operator = User.query.filter_by(opd_id=get_opd(opd).id).order_by(User.id).first()
        times = {"submit": start, "forward": start + triage, "accept": start + triage + MINUTE,
                 "reply": start + triage + reply}
        if touch < triage:
            lifecycle.perform(message, "note", admin, note="Dicek.")
            times["note"] = start + touch
        sub = get_sub("adu-internet")
        lifecycle.perform(message, "forward", admin, category=sub.category, subcategory=sub,
                          opd=get_opd(opd))
        lifecycle.perform(message, "accept", operator)
        if release is not None:
            db.session.add(Setting(key="review_answers", value="1"))
        lifecycle.perform(message, "reply", operator, answer="Selesai.")
        if release is not None:
            lifecycle.perform(message, "release", admin)
            times["release"] = times["reply"] + release
            db.session.delete(db.session.get(Setting, "review_answers"))
        db.session.flush()
        for event in message.events:
            event.created_at = times[event.action]
        answered = times["release" if release is not None else "reply"]
        if notice is not None:
            mail = QueuedMail.query.filter(QueuedMail.event_id.isnot(None)).order_by(
                QueuedMail.id.desc()).first()
            assert mail.event.action == ("release" if release is not None else "reply")
            mail.sent_at = answered + notice
        message.created_at = start
        message.answer_due_at = answer_deadline(times["forward"], sub)
        db.session.commit()
    return message_id


def _flat(html: str) -> str:
    return " ".join(html.split())


def test_timeline_shows_each_step_against_its_standard_from_the_settings(app, client, demo):
    """Does the message page show, on the entry that ended each step, how long it took, the
    standard and whether it was met, and does the standard follow the setting?"""
    message_id = _handled(app, "DISKOMINFO", touch=5 * MINUTE, triage=5 * MINUTE,
                          reply=timedelta(days=1), notice=2 * MINUTE)
    log_in(client, "admin")
    page = _flat(client.get(f"/admin/detail/{message_id}").get_data(as_text=True))
    assert "Menerima pesan: butuh 5 menit, standar 10 menit — sesuai standar" in page
    assert ("Mengklasifikasi dan meneruskan: butuh 5 menit, standar 120 menit — sesuai standar"
            in page)
    assert "Tanggapan OPD: butuh 1 hari 0 jam, batas 4 Mar 2026 09:05 — sesuai standar" in page
    assert ("Pemberitahuan ke pelapor: butuh 2 menit, standar 5 menit — sesuai standar"
            in page)
    with app.app_context():
        db.session.add(Setting(key="sla_receive_minutes", value="3"))
        db.session.commit()
    page = _flat(client.get(f"/admin/detail/{message_id}").get_data(as_text=True))
    assert "Menerima pesan: butuh 5 menit, standar 3 menit — melewati standar" in page


def test_new_step_standards_are_settings(app, client, login_as):
    """Can the superadmin set the receive, check, relay and publish standards (and is a bad
    one refused), while a form without them leaves them alone?"""
    login_as("superadmin")
    limits = {"sla_triage_minutes": "120", "sla_answer_workdays": "2", "reopen_workdays": "10"}
    new = {"sla_receive_minutes": "15", "sla_review_minutes": "20", "sla_relay_minutes": "45",
           "sla_publish_minutes": "7"}
    assert client.post("/admin/pengaturan/", data={**limits, **new}).status_code == 302
    bad = client.post("/admin/pengaturan/", data={**limits, "sla_review_minutes": "nol"})
    assert bad.status_code == 400 and "bilangan bulat positif" in bad.get_data(as_text=True)
    assert client.post("/admin/pengaturan/", data=limits).status_code == 302
    with app.app_context():
        assert {key: Setting.get_int(key) for key in new} == {
            "sla_receive_minutes": 15, "sla_review_minutes": 20, "sla_relay_minutes": 45,
            "sla_publish_minutes": 7}


def _table(page: str, table_id: str) -> list[list[str]]:
    body = re.search(rf'id="{table_id}".*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [[" ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in
             re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_report_shows_compliance_per_step_and_per_opd(app, client, demo):
    """Does the report count, for each step and each OPD, how many messages met the step's
    standard: a prompt one, a late one at DLH (its notice not sent yet), and one whose check
    took 50 of 40 minutes and whose notice 7 of 5?"""
    _handled(app, "DISKOMINFO", touch=5 * MINUTE, triage=5 * MINUTE, reply=timedelta(days=1),
             notice=2 * MINUTE)
    _handled(app, "DLH", touch=30 * MINUTE, triage=3 * 60 * MINUTE, reply=timedelta(days=5))
    _handled(app, "DISKOMINFO", touch=8 * MINUTE, triage=8 * MINUTE, reply=timedelta(days=1),
             release=50 * MINUTE, notice=7 * MINUTE)
    log_in(client, "admin")
    page = client.get("/admin/laporan/?start=01/03/2026&end=31/03/2026").get_data(as_text=True)
    assert _table(page, "tabel-langkah") == [
        ["Menerima pesan", "10 menit", "3", "2", "67"],
        ["Mengklasifikasi dan meneruskan", "120 menit", "3", "2", "67"],
        ["Tanggapan OPD", "batas tanggapan OPD", "3", "2", "67"],
        ["Memeriksa dan menyampaikan tanggapan", "40 menit", "1", "0", "0"],
        ["Pemberitahuan ke pelapor", "5 menit", "2", "1", "50"],
    ]
    assert _table(page, "tabel-langkah-opd") == [
        ["Dinas Komunikasi dan Informatika", "2/2 (100 %)", "2/2 (100 %)", "2/2 (100 %)",
         "0/1 (0 %)", "1/2 (50 %)"],
        ["Dinas Lingkungan Hidup", "0/1 (0 %)", "0/1 (0 %)", "0/1 (0 %)", "–", "–"],
    ]


def test_printed_report_carries_the_step_compliance(app, client, demo):
    """Does the printable report carry the same step table as the report page?"""
    _handled(app, "DLH", touch=30 * MINUTE, triage=3 * 60 * MINUTE, reply=timedelta(days=5))
    log_in(client, "admin")
    page = client.get("/admin/laporan/cetak?start=01/03/2026&end=31/03/2026").get_data(as_text=True)
    assert _table(page, "tabel-langkah-opd") == [
        ["Dinas Lingkungan Hidup", "0/1 (0 %)", "0/1 (0 %)", "0/1 (0 %)", "–", "–"]]

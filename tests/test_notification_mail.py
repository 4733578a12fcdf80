"""Who gets mail, and when: admins on a new message, the OPD's operators on forwarding and on a
teguran, the citizen (or a guest who gave an email) on every public step with the tracking link,
and nobody outside on internal steps."""
import re
from urllib.parse import urlsplit

from models import Message, Opd, Subcategory
from tests.helpers import GOOD_NIK, gen_message, post_action


def recipients(outbox, since=0):
    return [(mail.to[0], mail.subject) for mail in outbox[since:]]


def tracking_link(mail):
    return re.search(r"https?://\S+/tracking/(ASP-[2-9A-Z]{8})", mail.body)


def test_mail_follows_the_message_through_its_life(app, client, login_as, outbox):
    """Does each step mail exactly the people the issue names, with the tracking link?"""
    citizen = login_as("warga")
    mark = len(outbox)  # the demo data's own mail came before
    citizen.post("/pesan/kirim", data={"perihal": "Menara BTS mati", "body": "Sinyal hilang."})
    with app.app_context():
        message = Message.query.filter_by(perihal="Menara BTS mati").one()
        mid, tracking = message.id, message.tracking
        sub = Subcategory.query.filter_by(code="adu-internet").one()
        kominfo = Opd.query.filter_by(code="DISKOMINFO").one()
        sub_id, cat_id, opd_id = sub.id, sub.category_id, kominfo.id
    sent = recipients(outbox, mark)
    assert ("admin@aspirasi.kaltimprov.go.id", f"Pesan baru masuk: {tracking}") in sent
    to_citizen = [m for m in outbox[mark:] if m.to == ["warga@example.com"]]
    assert len(to_citizen) == 1 and tracking_link(to_citizen[0]).group(1) == tracking

    mark = len(outbox)
    login_as("admin")
    assert post_action(client, mid, "forward", category_id=cat_id, subcategory_id=sub_id,
                       opd_id=opd_id, note="Mohon dicek").status_code == 302
    sent = [to for to, _subject in recipients(outbox, mark)]
    assert "op-diskominfo@aspirasi.kaltimprov.go.id" in sent
    assert "op-dlh@aspirasi.kaltimprov.go.id" not in sent
    assert "warga@example.com" in sent

    mark = len(outbox)
    login_as("op-diskominfo")
    assert post_action(client, mid, "note", note="Catatan internal saja").status_code == 302
    assert post_action(client, mid, "return", note="Salah OPD").status_code == 302
    sent = [to for to, _subject in recipients(outbox, mark)]
    assert "warga@example.com" not in sent  # internal steps are not the citizen's business
    assert "admin@aspirasi.kaltimprov.go.id" in sent  # the return waits for the admins


def test_teguran_mails_the_opds_operators(app, client, login_as, outbox):
    """Does a teguran reach the handling OPD's operators by mail, and not the citizen?"""
    mid = gen_message(app, status="diteruskan").id
    mark = len(outbox)
    login_as("evaluator")
    assert post_action(client, mid, "reprimand", note="Segera tindak lanjuti").status_code == 302
    sent = recipients(outbox, mark)
    assert [to for to, _s in sent] == ["op-diskominfo@aspirasi.kaltimprov.go.id"]
    assert "Teguran" in sent[0][1]


def test_guest_with_email_gets_the_receipt_and_its_link_works(app, client, demo, outbox):
    """Does a guest who leaves an email get the tracking number, and does the link open the log?"""
    client.post("/lapor", data={"guest_kind": "umum", "perihal": "Jalan desa longsor",
                                "body": "Badan jalan amblas.", "nik": GOOD_NIK,
                                "phone": "081234500000", "email": "tamu@example.com",
                                "event_date": "2026-11-01"})
    mails = [m for m in outbox if m.to == ["tamu@example.com"]]
    assert len(mails) == 1
    link = tracking_link(mails[0])
    assert link, mails[0].body
    page = client.get(urlsplit(link.group(0)).path)
    assert page.status_code == 200 and link.group(1) in page.get_data(as_text=True)

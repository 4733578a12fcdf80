"""The operator's desk: accept, progress updates, notes, reply with a PDF, return, teguran."""
import re

from models import Attachment, Message, Reprimand, db, lifecycle
from tests.helpers import fresh, gen_message, get_user, pdf_bytes, post_action, upload


def test_reply_button_disabled_until_accepted_and_server_refuses(app, client, login_as):
    """Is the reply button disabled while `diteruskan`, and does the server refuse a reply then?"""
    mid = gen_message(app, status="diteruskan").id
    login_as("op-diskominfo")
    page = client.get(f"/admin/detail/{mid}").get_data(as_text=True)
    assert 'id="reply-button" disabled' in page
    before = fresh(app, mid)
    response = post_action(client, mid, "reply", before["version"], answer="Sudah beres")
    assert response.status_code == 409
    assert fresh(app, mid) == before


def test_operator_accepts_updates_and_replies_with_pdf(app, client, login_as):
    """Can the operator accept, post two updates, and reply with a PDF that finishes it?"""
    mid = gen_message(app, status="diteruskan").id
    login_as("op-diskominfo")
    assert post_action(client, mid, "accept", fresh(app, mid)["version"]).status_code == 302
    version = fresh(app, mid)["version"]
    assert 'id="reply-button" disabled' not in client.get(f"/admin/detail/{mid}").get_data(as_text=True)
    assert post_action(client, mid, "update", version, note="Teknisi dijadwalkan").status_code == 302
    version = fresh(app, mid)["version"]
    assert post_action(client, mid, "update", version, note="Server diganti").status_code == 302
    version = fresh(app, mid)["version"]
    response = post_action(client, mid, "reply", version, answer="Situs sudah pulih.",
                           files=upload(pdf_bytes(), "balasan.pdf"))
    assert response.status_code == 302
    state = fresh(app, mid)
    assert state["status"] == "selesai" and state["answer"] == "Situs sudah pulih."
    assert state["events"] == ["submit", "forward", "note", "accept", "update", "update",
                               "reply"]  # the forwarding note for the OPD is an internal step
    with app.app_context():
        attachment = Attachment.query.filter_by(message_id=mid).one()
        assert attachment.kind == "balasan" and attachment.event.action == "reply"


def test_message_page_lists_every_step_in_order_with_who_took_it(app, client, login_as):
    """Does the message page list the timeline step by step in the order taken, each named
    with who took it, its note shown and the internal one marked?"""
    mid = gen_message(app, status="diteruskan").id
    login_as("op-diskominfo")
    for action, note in (("accept", ""), ("update", "Teknisi dijadwalkan"),
                         ("note", "Stok kabel habis"), ("update", "Server diganti")):
        assert post_action(client, mid, action, note=note).status_code == 302
    login_as("admin")
    page = client.get(f"/admin/detail/{mid}").get_data(as_text=True)
    timeline = page.split('id="timeline"', 1)[1].split("</ul>", 1)[0]
    steps = []
    for item in re.findall(r"<li .*?</li>", timeline, re.S):
        label = re.search(r"<strong>([^<]+)</strong>", item)[1]
        who = re.search(r'<small class="text-muted">[^·<]+· ([^·<]+)', item)[1].strip()
        note = re.search(r'<div style="white-space: pre-line">([^<]*)</div>', item)
        steps.append(('class="internal"' in item, label, who, note[1] if note else None))
    assert steps == [
        (False, "Pesan dikirim", "Budi Santoso", None),  # the reporter, by name
        (False, "Diteruskan ke OPD", "admin", None),
        (True, "Catatan internal", "admin", "Mohon segera ditinjau."),  # written for the OPD
        (False, "Diterima OPD, sedang diproses", "op-diskominfo", None),
        (False, "Pembaruan status", "op-diskominfo", "Teknisi dijadwalkan"),
        (True, "Catatan internal", "op-diskominfo", "Stok kabel habis"),
        (False, "Pembaruan status", "op-diskominfo", "Server diganti"),
    ]


def test_reply_with_a_fake_pdf_changes_nothing(app, client, login_as):
    """Is a reply whose 'PDF' is really text refused, leaving status and files unchanged?"""
    mid = gen_message(app, status="diproses").id
    before = fresh(app, mid)
    login_as("op-diskominfo")
    response = post_action(client, mid, "reply", before["version"], answer="Selesai",
                           files=upload(b"bukan pdf", "palsu.pdf"))
    assert response.status_code == 400
    assert "bukan PDF yang sah" in response.get_data(as_text=True)
    assert fresh(app, mid) == before


def test_operator_returns_misrouted_message(app, client, login_as):
    """Does returning a misrouted message need a reason, and send it back to the admin's inbox?"""
    mid = gen_message(app, status="diteruskan").id
    login_as("op-diskominfo")
    empty = post_action(client, mid, "return", fresh(app, mid)["version"], note="")
    assert empty.status_code == 400 and "alasan pengembalian" in empty.get_data(as_text=True)
    version = fresh(app, mid)["version"]
    response = post_action(client, mid, "return", version, note="Bukan kewenangan kami")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    state = fresh(app, mid)
    assert state["status"] == "baru" and state["opd"] is None
    assert client.get(f"/admin/detail/{mid}").status_code == 404  # no longer its OPD's


def test_stale_version_shows_changed_meanwhile(app, client, login_as):
    """Does an action built on an old version say 'changed meanwhile' and change nothing?"""
    mid = gen_message(app, status="diteruskan").id
    login_as("op-diskominfo")
    stale = fresh(app, mid)["version"]
    assert post_action(client, mid, "note", stale, note="Catatan pertama").status_code == 302
    before = fresh(app, mid)
    response = post_action(client, mid, "accept", stale)
    assert response.status_code == 409
    assert "diubah oleh petugas lain" in response.get_data(as_text=True)
    assert fresh(app, mid) == before


def test_operator_acknowledges_teguran(app, client, login_as):
    """Does the operator's dashboard show an unacknowledged teguran, and can it acknowledge it?"""
    mid = gen_message(app, status="diteruskan").id
    with app.app_context():
        lifecycle.perform(db.session.get(Message, mid), "reprimand", get_user("evaluator"),
                          note="Segera tindak lanjuti")
        db.session.commit()
        reprimand_id = Reprimand.query.one().id
    login_as("op-dlh")
    assert client.post(f"/admin/teguran/{reprimand_id}/terima").status_code == 403
    login_as("op-diskominfo")
    page = client.get("/admin/").get_data(as_text=True)
    assert "Segera tindak lanjuti" in page and 'id="open-reprimands"' in page
    # The badge: this message's "forwarded to your OPD" notice + the teguran (the demo's
    # Diskominfo messages were accepted long ago, so their notices are settled).
    assert 'data-count="2"' in page
    assert client.post(f"/admin/teguran/{reprimand_id}/terima").status_code == 302
    with app.app_context():
        reprimand = db.session.get(Reprimand, reprimand_id)
        assert reprimand.acknowledged_by.username == "op-diskominfo"
    page = client.get("/admin/").get_data(as_text=True)
    assert 'id="open-reprimands"' not in page and 'data-count="1"' in page


def test_operator_sees_neither_the_name_nor_the_contact_of_an_anonim_reporter(app, client,
                                                                             login_as):
    """Does an OPD operator see "Anonim" and no NIK for an anonim message, while the admin sees
    who sent it (the NIK masked until the admin asks for it)?"""
    from services.demo_data import WARGA_NIK

    mid = gen_message(app, status="diteruskan", anonim=True).id
    login_as("op-diskominfo")
    page = client.get(f"/admin/detail/{mid}").get_data(as_text=True)
    assert "Anonim" in page and "Budi Santoso" not in page and WARGA_NIK not in page
    login_as("admin")
    page = client.get(f"/admin/detail/{mid}").get_data(as_text=True)
    assert "Budi Santoso" in page and WARGA_NIK not in page and "6472********0003" in page
    revealed = client.post(f"/admin/detail/{mid}/nik").get_data(as_text=True)
    assert "Budi Santoso" in revealed and WARGA_NIK in revealed

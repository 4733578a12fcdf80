"""The admin's triage desk: inbox, forward, answer, close, flags, re-route, notes, intake."""
import re

from models import AuditLog, Message, ResponseTemplate, db
from tests.helpers import fresh, gen_message, get_opd, get_sub, post_action


def audit_actions(app, mid):
    with app.app_context():
        tracking = db.session.get(Message, mid).tracking
        return [(a.action, a.username, a.ip) for a in
                AuditLog.query.filter_by(object_id=tracking).order_by(AuditLog.id)]


def test_inbox_lists_new_messages_oldest_first(app, client, login_as):
    """Does the inbox show only `baru` messages, oldest first?"""
    login_as("admin")
    gen_message(app, perihal="Pesan kedua yang lebih baru")
    page = client.get("/admin/pesan-baru/").get_data(as_text=True)
    assert page.index("Lampu jalan padam di Tenggarong") < page.index("Pesan kedua yang lebih baru")
    assert "Website dinas tidak bisa dibuka" not in page  # diproses, not in the inbox


def test_admin_forwards_with_subcategory_default_opd(app, client, login_as):
    """Does forwarding without an OPD use the sub category's default OPD, audit it, and notify?"""
    with app.app_context():
        mid = gen_message(app).id
        internet = get_sub("adu-internet")
        ids = internet.category_id, internet.id
    login_as("admin")
    response = post_action(client, mid, "forward", 1, category_id=ids[0], subcategory_id=ids[1],
                           note="Segera ditangani", rahasia="1")
    assert response.status_code == 302
    state = fresh(app, mid)
    assert state["status"] == "diteruskan" and state["opd"] == "DISKOMINFO"
    assert state["rahasia"] is True and state["anonim"] is False
    # The flag change is its own step; the note for the OPD is an internal one.
    assert state["events"] == ["submit", "flags", "forward", "note"]
    assert audit_actions(app, mid) == [("pesan.flags", "admin", "127.0.0.1"),
                                       ("pesan.forward", "admin", "127.0.0.1")]


def test_forward_without_subcategory_is_refused(app, client, login_as):
    """Is a forward without a sub category refused with a clear message, changing nothing?"""
    with app.app_context():
        mid = gen_message(app).id
        category_id = get_sub("adu-internet").category_id
    before = fresh(app, mid)
    login_as("admin")
    response = post_action(client, mid, "forward", 1, category_id=category_id)
    assert response.status_code == 400
    assert "Pilih sub kategori" in response.get_data(as_text=True)
    assert fresh(app, mid) == before
    assert audit_actions(app, mid) == []


def test_forward_with_garbage_ids_is_refused(app, client, login_as):
    """Does a forged OPD id give a clear error instead of a crash?"""
    mid = gen_message(app).id
    before = fresh(app, mid)
    login_as("admin")
    response = post_action(client, mid, "forward", 1, category_id="abc", subcategory_id="99999")
    assert response.status_code == 400
    assert "tidak sah" in response.get_data(as_text=True)
    assert fresh(app, mid) == before


def test_admin_answers_informasi_directly(app, client, login_as):
    """Can the admin answer an Informasi message, and is an Aduan refused a direct answer?"""
    with app.app_context():
        mid = gen_message(app, perihal="Syarat izin usaha?").id
        informasi = get_sub("inf-perizinan").category_id
        aduan = get_sub("adu-internet").category_id
    login_as("admin")
    refused = post_action(client, mid, "answer", 1, category_id=aduan, answer="Jawaban")
    assert refused.status_code == 400 and "Informasi" in refused.get_data(as_text=True)
    assert fresh(app, mid)["status"] == "baru"
    response = post_action(client, mid, "answer", 1, category_id=informasi,
                           answer="Syaratnya KTP dan NIB.")
    assert response.status_code == 302
    state = fresh(app, mid)
    assert state["status"] == "selesai" and state["answer"] == "Syaratnya KTP dan NIB."


def test_admin_closes_duplicate_linked_to_original(app, client, login_as):
    """Does closing as duplicate link the original by tracking number, and refuse a wrong one?"""
    with app.app_context():
        original = gen_message(app, perihal="Asli").id
        copy = gen_message(app, perihal="Salinan").id
        original_tracking = db.session.get(Message, original).tracking
    login_as("admin")
    wrong = post_action(client, copy, "close", 1, reason="duplicate", duplicate_of="ASP-TIDAKADA")
    assert wrong.status_code == 400 and "tidak ditemukan" in wrong.get_data(as_text=True)
    assert fresh(app, copy)["status"] == "baru"
    assert post_action(client, copy, "close", 1, reason="duplicate",
                       duplicate_of=original_tracking.lower()).status_code == 302
    with app.app_context():
        closed = db.session.get(Message, copy)
        assert closed.status == "ditutup" and closed.duplicate_of_id == original


def test_admin_closes_spam_which_hides_it(app, client, login_as):
    """Does closing as spam hide the message from the public list?"""
    mid = gen_message(app, perihal="Promo pinjaman").id
    login_as("admin")
    assert post_action(client, mid, "close", 1, reason="spam", note="Iklan").status_code == 302
    state = fresh(app, mid)
    assert state["status"] == "ditutup" and state["hidden"] is True


def test_admin_sets_and_clears_flags(app, client, login_as):
    """Can the admin set anonim and hidden, then clear them, each a timeline event?"""
    mid = gen_message(app).id
    login_as("admin")
    assert post_action(client, mid, "flags", 1, anonim="1", hidden="1").status_code == 302
    state = fresh(app, mid)
    assert (state["anonim"], state["rahasia"], state["hidden"]) == (True, False, True)
    assert post_action(client, mid, "flags", state["version"]).status_code == 302
    state = fresh(app, mid)
    assert (state["anonim"], state["hidden"]) == (False, False)
    assert state["events"] == ["submit", "flags", "flags"]


def test_admin_reroutes_to_another_opd(app, client, login_as):
    """Can the admin re-route a forwarded message, and is the same OPD refused?"""
    mid = gen_message(app, status="diteruskan").id
    with app.app_context():
        dlh, kominfo = get_opd("DLH").id, get_opd("DISKOMINFO").id
    version = fresh(app, mid)["version"]
    login_as("admin")
    same = post_action(client, mid, "reroute", version, opd_id=kominfo)
    assert same.status_code == 400 and "sudah berada" in same.get_data(as_text=True)
    assert post_action(client, mid, "reroute", version, opd_id=dlh, note="Salah alamat").status_code == 302
    assert fresh(app, mid)["opd"] == "DLH"


def test_internal_note_is_not_public(app, client, login_as):
    """Is the admin's internal note on the staff timeline but not among the public events?"""
    with app.app_context():
        mid = gen_message(app).id
        tracking = db.session.get(Message, mid).tracking
    login_as("admin")
    assert post_action(client, mid, "note", 1, note="Cek ke lapangan dulu").status_code == 302
    assert "Cek ke lapangan dulu" in client.get(f"/admin/detail/{mid}").get_data(as_text=True)
    assert fresh(app, mid)["events"] == ["submit", "note"]
    with app.app_context():
        message = Message.query.filter_by(tracking=tracking).one()
        assert [e.action for e in message.public_events] == ["submit"]


def test_intake_on_behalf_of_a_citizen(app, client, login_as):
    """Does a phone intake record the channel, the staff author and the guest's details?"""
    login_as("admin")
    response = client.post("/admin/intake/", data={
        "channel": "phone", "guest_name": "Siti Aminah", "guest_nik": "6472014404880002",
        "guest_phone": "0812-5555-1234", "perihal": "Banjir di Sempaja",
        "body": "Air setinggi lutut sejak pagi."})
    assert response.status_code == 302
    with app.app_context():
        message = Message.query.filter_by(perihal="Banjir di Sempaja").one()
        assert (message.channel, message.status, message.created_by.username) == ("phone", "baru", "admin")
        assert (message.guest_name, message.guest_phone) == ("Siti Aminah", "081255551234")
        assert message.reporter_id is None
        assert AuditLog.query.filter_by(action="pesan.intake", object_id=message.tracking).count() == 1


def test_intake_with_bad_nik_changes_nothing(app, client, login_as):
    """Is an intake with a 15-digit NIK and an unknown channel refused, storing nothing?"""
    login_as("admin")
    with app.app_context():
        count = Message.query.count()
    response = client.post("/admin/intake/", data={
        "channel": "fax", "guest_name": "Siti", "guest_nik": "647201440488000",
        "perihal": "Banjir", "body": "Air tinggi"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "NIK harus terdiri dari tepat 16 angka" in body and "Pilih kanal" in body
    with app.app_context():
        assert Message.query.count() == count


def test_intake_checks_nik_and_email_as_the_portal_does(app, client, login_as):
    """Is an intake refused for a 16-digit NIK with an impossible birth date, and for a malformed
    email, with the portal's own messages and nothing stored?"""
    login_as("admin")
    with app.app_context():
        count = Message.query.count()
    response = client.post("/admin/intake/", data={
        "channel": "phone", "guest_name": "Siti", "guest_nik": "6472019913880002",
        "guest_email": "siti@", "perihal": "Banjir", "body": "Air tinggi"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Tanggal lahir di dalam NIK" in body and "Alamat email tidak valid" in body
    with app.app_context():
        assert Message.query.count() == count


def test_response_template_select_on_answer_form(app, client, login_as):
    """Does the answer form offer the category's response templates, with the JS from /static?"""
    with app.app_context():
        mid = gen_message(app).id
        db.session.add(ResponseTemplate(title="Terima kasih", body="Terima kasih atas laporan Anda."))
        db.session.commit()
    login_as("admin")
    page = client.get(f"/admin/detail/{mid}").get_data(as_text=True)
    assert 'data-template-target="answer-text"' in page
    assert 'data-body="Terima kasih atas laporan Anda."' in page
    assert "/static/js/admin.js" in page
    assert client.get("/static/js/admin.js").status_code == 200


def test_each_message_page_offers_the_choices_of_its_own_forms(app, client, login_as):
    """Does the operator's page offer the response templates on its reply form (and no OPD to
    forward to), the admin's page of a new message the OPDs and sub categories, and the
    evaluator's page, which answers nothing, neither?"""
    with app.app_context():
        new = gen_message(app, perihal="Baru masuk").id
        at_opd = gen_message(app, status="diproses", perihal="Di Diskominfo").id
        db.session.add(ResponseTemplate(title="Terima kasih", body="Terima kasih atas laporan Anda."))
        db.session.commit()
    template = 'data-body="Terima kasih atas laporan Anda."'
    forwarding = 'id="subcategory_id"'
    page = login_as("op-diskominfo").get(f"/admin/detail/{at_opd}").get_data(as_text=True)
    assert 'data-template-target="reply-text"' in page and template in page
    assert forwarding not in page and "Dinas Lingkungan Hidup" not in page
    page = login_as("admin").get(f"/admin/detail/{new}").get_data(as_text=True)
    assert forwarding in page and "Layanan Internet dan Website Pemerintah" in page
    assert "Dinas Lingkungan Hidup" in page
    page = login_as("evaluator").get(f"/admin/detail/{at_opd}").get_data(as_text=True)
    assert template not in page and forwarding not in page
    assert "Dinas Komunikasi dan Informatika" in page  # the message's own OPD is still named


def test_a_message_page_offers_its_own_category_s_templates_and_the_general_ones(
        app, client, login_as):
    """Does the reply form offer the ready answers of the message's category and those for
    every category, in title order, and none of another category's?"""
    from models import Category

    with app.app_context():
        mid = gen_message(app, status="diproses").id
        own = db.session.get(Message, mid).category
        other = Category.query.filter(Category.id != own.id).first()
        db.session.add_all([
            ResponseTemplate(title="Umum", body="Jawaban untuk semua kategori."),
            ResponseTemplate(title="Khusus", body="Jawaban kategori ini.", category=own),
            ResponseTemplate(title="Lain", body="Jawaban kategori lain.", category=other)])
        db.session.commit()
    page = login_as("op-diskominfo").get(f"/admin/detail/{mid}").get_data(as_text=True)
    offered = re.findall(r'data-body="([^"]*)"', page)
    assert offered == ["Jawaban kategori ini.", "Jawaban untuk semua kategori."]


def test_all_messages_filters_and_search(app, client, login_as):
    """Do the status filter and search narrow the all-messages list?"""
    login_as("admin")
    page = client.get("/admin/pesan/?status=diproses").get_data(as_text=True)
    assert "Website dinas tidak bisa dibuka" in page and "Limbah di Sungai Karang Mumus" in page
    assert "Lampu jalan padam di Tenggarong" not in page
    page = client.get("/admin/pesan/?q=Karang").get_data(as_text=True)
    assert "Limbah di Sungai Karang Mumus" in page and "Website dinas" not in page


def test_overdue_queue(app, client, login_as):
    """Does a message past its triage deadline show in the overdue queue, flagged?"""
    from datetime import timedelta

    from models import utcnow

    with app.app_context():
        mid = gen_message(app, perihal="Sudah lama menunggu").id
        message = db.session.get(Message, mid)
        message.triage_due_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    login_as("admin")
    page = client.get("/admin/terlambat/").get_data(as_text=True)
    assert "Sudah lama menunggu" in page and "tag-overdue" in page
    assert "Lampu jalan padam di Tenggarong" not in page

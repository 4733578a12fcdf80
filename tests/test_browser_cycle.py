"""A message's whole journey in a real browser, each person in their own browser context:
the citizen submits on the portal, staff handle it in /admin, the citizen rates it."""

from models import Message, db
from tests.helpers import gen_message, get_user, pdf_bytes, screenshot


def submit_form(tab, form_id):
    with tab.expect_navigation():
        tab.locator(f"#{form_id} [type=submit]").click()


def test_message_cycle_across_roles(app, demo, open_as, tmp_path):
    """Can a message go warga → admin → Diskominfo → warga's rating → evaluator, with every
    other OPD kept out and each step visible on the public timeline?"""
    warga = open_as("warga")
    warga.goto("/pesan/kirim")
    warga.fill("#perihal", "Sinyal internet hilang di Loa Janan")
    warga.fill("#body", "Sejak seminggu sinyal internet di kantor desa hilang.")
    warga.select_option("#kabupaten", "Kabupaten Kutai Kartanegara")
    warga.locator("main form").first.locator("button[type=submit]").click()
    warga.wait_for_url("**/pesan/terkirim/*")
    tracking = warga.inner_text("#nomor-tracking").strip()
    with app.app_context():
        message = Message.query.filter_by(tracking=tracking).one()
        assert message.reporter_id == get_user("warga").id and message.status == "baru"
        mid = message.id

    admin = open_as("admin")
    admin.goto("/admin/pesan-baru/")
    assert "Sinyal internet hilang di Loa Janan" in admin.content()
    screenshot(admin, "admin-inbox")
    admin.goto(f"/admin/detail/{mid}")
    admin.select_option("#category_id", label="Aduan")
    admin.select_option("#subcategory_id", label="Aduan / Layanan Internet dan Website Pemerintah")
    assert admin.input_value("#opd_id") != ""  # the sub category proposed its OPD (admin.js)
    admin.select_option("#opd_id", label="Dinas Komunikasi dan Informatika")
    admin.fill("#forward-note", "Mohon dicek jaringan desa.")
    submit_form(admin, "form-forward")
    assert "Diteruskan ke OPD" in admin.locator("#status-label").inner_text()

    dlh = open_as("op-dlh")
    response = dlh.goto(f"/admin/detail/{mid}")
    assert response.status == 404
    dlh.goto("/admin/pesan-opd/")
    assert "Sinyal internet hilang di Loa Janan" not in dlh.content()
    screenshot(dlh, "operator-dlh-list")

    kominfo = open_as("op-diskominfo")
    kominfo.goto("/admin/pesan-opd/")
    assert "Sinyal internet hilang di Loa Janan" in kominfo.content()
    kominfo.goto(f"/admin/detail/{mid}")
    assert kominfo.locator("#reply-button").is_disabled()
    submit_form(kominfo, "form-accept")
    kominfo.fill("#form-update textarea[name=note]", "Teknisi menuju lokasi.")
    submit_form(kominfo, "form-update")
    assert not kominfo.locator("#reply-button").is_disabled()
    kominfo.fill("#reply-text", "Jaringan sudah pulih setelah perangkat diganti.")
    pdf = tmp_path / "berita-acara.pdf"
    pdf.write_bytes(pdf_bytes())
    kominfo.set_input_files("#form-reply input[name=files]", str(pdf))
    submit_form(kominfo, "form-reply")
    assert "Selesai" in kominfo.locator("#status-label").inner_text()
    assert "berita-acara.pdf" in kominfo.locator("#attachments").inner_text()
    screenshot(kominfo, "operator-diskominfo-detail")

    visitor = open_as(None)
    visitor.goto(f"/tracking/{tracking}")
    timeline = visitor.content()
    for step in ("Diteruskan ke OPD", "Teknisi menuju lokasi.", "Jaringan sudah pulih"):
        assert step in timeline, step

    warga = open_as("warga")
    warga.goto(f"/riwayat/{tracking}")
    warga.select_option("select[name=stars]", "4.5")
    warga.fill("textarea[name=comment]", "Cepat ditangani, terima kasih.")
    with warga.expect_navigation():
        warga.locator("form:has(select[name=stars]) button[type=submit]").click()
    assert "4,5/5" in warga.content()  # written the Indonesian way
    with app.app_context():
        db.session.remove()
        assert db.session.get(Message, mid).rating.stars == 4.5
    screenshot(warga, "warga-riwayat")

    evaluator = open_as("evaluator")
    evaluator.goto(f"/admin/detail/{mid}")
    assert "Selesai" in evaluator.locator("#status-label").inner_text()
    evaluator.goto("/admin/evaluasi/")
    assert evaluator.locator("#status-report").is_visible()
    screenshot(evaluator, "evaluator-report")

    admin.goto("/admin/")
    screenshot(admin, "admin-dashboard")


def test_land_complaint_reaches_the_monitor(app, demo, open_as):
    """Does a 'Permasalahan Lahan' complaint forwarded to DLH appear in op-biroekonomi's monitor?"""
    mid = gen_message(app, status="diteruskan", opd="DLH", sub="adu-lahan",
                      perihal="Patok lahan digeser").id
    monitor = open_as("op-biroekonomi")
    monitor.goto("/admin/pantauan/")
    assert "Patok lahan digeser" in monitor.content()
    screenshot(monitor, "monitor-biroekonomi")
    monitor.goto(f"/admin/detail/{mid}")
    assert monitor.locator("#read-only").is_visible()
    assert monitor.locator("#timeline").is_visible()

    superadmin = open_as("superadmin")
    superadmin.goto("/admin/pengguna/")
    screenshot(superadmin, "superadmin-users")

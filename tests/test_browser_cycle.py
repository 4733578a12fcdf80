"""A message's whole journey in a real browser, each person in their own browser context.

The citizen's message is created through `lifecycle.submit` (the portal form has its own
tests); the rating goes through the /riwayat page's form when the portal renders one.
"""
import pytest

from models import Message, db
from models import lifecycle
from tests.admin_support import forwarded, user
from tests.conftest import DEMO_PASSWORD, screenshot

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def open_as(browser, live_server):
    """Open a new browser context logged in as `username` (None: an anonymous visitor)."""
    contexts = []

    def _open(username=None):
        context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900},
                                      locale="id-ID")
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(15000)
        if username:
            tab.goto("/login")
            tab.fill("#identity", username)
            tab.fill("#password", DEMO_PASSWORD)
            tab.locator("form").filter(has=tab.locator("#identity")).locator(
                "[type=submit]").click()
            tab.wait_for_load_state()
        return tab

    yield _open
    for context in contexts:
        context.close()


def submit_form(tab, form_id):
    with tab.expect_navigation():
        tab.locator(f"#{form_id} [type=submit]").click()


def test_message_cycle_across_roles(app, demo, open_as, tmp_path):
    """Can a message go warga → admin → Diskominfo → warga's rating → evaluator, with every
    other OPD kept out and each step visible on the public timeline?"""
    with app.app_context():
        message = Message(perihal="Sinyal internet hilang di Loa Janan",
                          body="Sejak seminggu sinyal internet di kantor desa hilang.",
                          reporter=user("warga"), channel="web", kabupaten="Kabupaten Kutai Kartanegara")
        lifecycle.submit(message, actor=user("warga"))
        db.session.commit()
        mid, tracking = message.id, message.tracking

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
    pdf.write_bytes(PDF_BYTES)
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
    stars = warga.locator("[name=stars]")
    if stars.count():
        if stars.first.evaluate("e => e.tagName") == "SELECT":
            stars.first.select_option("4.5")
        else:
            warga.locator("[name=stars][value='4.5']").check()
        with warga.expect_navigation():
            stars.first.evaluate("e => e.form.requestSubmit()")
    else:  # the portal renders no rating form yet: rate through the lifecycle
        with app.app_context():
            lifecycle.perform(db.session.get(Message, mid), "rate", user("warga"), stars="4.5")
            db.session.commit()
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
    mid = forwarded(app, opd_code="DLH", sub_code="adu-lahan", perihal="Patok lahan digeser")
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

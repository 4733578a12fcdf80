"""Real forms in a real browser with CSRF protection switched on, as in production.

The rest of the suite runs with CSRF off for brevity; these journeys prove that every form a
person actually submits carries a valid token: the login, the citizen's submission, the admin's
triage form and a Flask-Admin model form.
"""
from models import Message, Opd, db
from tests.helpers import browser_log_in


def sign_in(browser, live_server, username):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15000)
    return context, browser_log_in(tab, username)


def test_citizen_and_staff_forms_pass_with_csrf_on(app, demo, browser, live_server, csrf_enabled):
    """With CSRF protection on, do login, submission, triage and an admin model form all work?"""
    context, warga = sign_in(browser, live_server, "warga")
    warga.goto("/pesan/kirim")
    warga.fill("#perihal", "Trotoar rusak di depan sekolah")
    warga.fill("#body", "Trotoar berlubang membahayakan murid.")
    with warga.expect_navigation():
        warga.locator("main form").first.locator("button[type=submit]").click()
    assert "/pesan/terkirim/" in warga.url
    context.close()

    with app.app_context():
        message = Message.query.filter_by(perihal="Trotoar rusak di depan sekolah").one()
        mid = message.id
    context, admin = sign_in(browser, live_server, "admin")
    admin.goto(f"/admin/detail/{mid}")
    admin.select_option("#category_id", label="Aduan")
    admin.select_option("#subcategory_id", label="Aduan / Jalan dan Jembatan Rusak")
    admin.select_option("#opd_id", label="Dinas Pekerjaan Umum, Penataan Ruang dan Perumahan Rakyat")
    with admin.expect_navigation():
        admin.locator("#form-forward [type=submit]").click()
    with app.app_context():
        assert db.session.get(Message, mid).status == "diteruskan"
    context.close()

    context, superadmin = sign_in(browser, live_server, "superadmin")
    superadmin.goto("/admin/opd/new/")
    superadmin.fill("#code", "DISPAR")
    superadmin.fill("#name", "Dinas Pariwisata")
    with superadmin.expect_navigation():
        superadmin.locator("form.admin-form [type=submit]").first.click()
    with app.app_context():
        assert Opd.query.filter_by(code="DISPAR").one().name == "Dinas Pariwisata"
    context.close()


def test_a_form_without_token_is_refused_in_the_browser(app, demo, browser, live_server,
                                                       csrf_enabled):
    """Is a submission whose CSRF token was removed refused, with nothing stored?"""
    with app.app_context():
        before = Message.query.count()
    context, warga = sign_in(browser, live_server, "warga")
    warga.goto("/pesan/kirim")
    warga.fill("#perihal", "Tanpa token")
    warga.fill("#body", "Isi tanpa token.")
    warga.evaluate("document.querySelector('main form input[name=csrf_token]').remove()")
    with warga.expect_navigation():
        warga.locator("main form").first.locator("button[type=submit]").click()
    assert "Formulir kedaluwarsa" in warga.content()
    with app.app_context():
        assert Message.query.count() == before
    context.close()

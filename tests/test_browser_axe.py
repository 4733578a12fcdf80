"""The WCAG 2.1 AA rules of axe-core (the accessibility engine the ecosystem uses), run in the
browser on every public, citizen and staff page: zero violations, colour contrast included.

One browser, one visit per page; each role signs in once. The back office's pages are found
by following the links of its own menu, so a page added to the menu is checked too.
"""
from axe_playwright_python.sync_playwright import Axe

from models import Message, db, lifecycle
from tests.helpers import (
    advance,
    gen_citizen,
    gen_message,
    get_opd,
    get_user,
    in_app,
)

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
           "resultTypes": ["violations"]}

PUBLIC_PAGES = ["/", "/pesan", "/tracking", "/lapor", "/login", "/register", "/reset", "/kinerja",
                "/pesan?lang=en"]
CITIZEN_PAGES = ["/pesan/kirim", "/settings", "/settings/tutup-akun",
                 "/riwayat", "/change"]

# The one element left out: the "remove" cross select2 (the widget Flask-Admin bundles for
# multiple choices) draws on each chosen item is an empty link built by the widget at run time.
# It is out of the tab order; a keyboard user removes a choice with Backspace in the labelled
# field, so nothing is lost, but the widget's markup cannot be given a name from here.
THIRD_PARTY = {"exclude": [[".select2-search-choice-close"]]}

axe = Axe()


def violations(tab) -> list[str]:
    """axe-core's WCAG 2.1 AA violations on the page the tab shows, one line per element."""
    found = axe.run(tab, context=THIRD_PARTY, options=WCAG_AA).response["violations"]
    return [f"{v['id']}: {' '.join(map(str, node['target']))} ({node['failureSummary'][:160]})"
            for v in found for node in v["nodes"]]


def audit(tab, urls, status=200) -> dict:
    report = {}
    for url in urls:
        response = tab.goto(url)
        assert response.status == status, url
        found = violations(tab)
        if found:
            report[url] = found
    return report


def readable(report: dict) -> str:
    return "\n".join(f"{url}\n  " + "\n  ".join(found) for url, found in report.items())


def test_public_pages_meet_wcag_aa(app, demo, open_as):
    """Does axe-core find any WCAG 2.1 AA violation on the pages a visitor sees, including a
    message's public page, the English version and the "not found" page?"""
    done = gen_message(app, status="selesai")
    tab = open_as()
    report = audit(tab, PUBLIC_PAGES + [f"/tracking/{done.tracking}"])
    report.update(audit(tab, ["/halaman-yang-tidak-ada"], status=404))
    assert report == {}, readable(report)


def test_citizen_pages_meet_wcag_aa(app, demo, open_as):
    """Does axe-core find any WCAG 2.1 AA violation on the signed-in citizen's pages: the
    forms, the history, a finished message with its rating form, a rated one with its stars,
    and the verify page an unverified account is held on?"""
    to_rate = gen_message(app, status="selesai", perihal="Jalan berlubang")
    rated = gen_message(app, status="selesai", perihal="Sampah menumpuk")
    waiting = gen_message(app, status="baru", perihal="Air keruh")
    tab = open_as("warga")
    tab.goto(f"/riwayat/{rated.tracking}")
    tab.select_option("#stars", "3.5")
    with tab.expect_navigation():
        tab.locator("form[action$='/nilai'] [type=submit]").click()
    report = audit(tab, CITIZEN_PAGES + [f"/riwayat/{m.tracking}"
                                         for m in (to_rate, rated, waiting)])
    gen_citizen(app, username="rina", confirmed=False)
    report.update(audit(open_as("rina"), ["/verifikasi"]))
    assert report == {}, readable(report)


STAFF = ["superadmin", "admin", "op-biroekonomi", "evaluator"]
# Flask-Admin's form pages and a few pages reached from within pages are not in the menu.
STAFF_PAGES = {"superadmin": ["/admin/pengguna/new/", "/admin/opd/new/", "/admin/kategori/new/",
                              "/admin/hari-libur/new/", "/admin/templat-jawaban/new/"],
               "admin": ["/admin/intake/", "/tf-setup"],
               "evaluator": ["/admin/evaluasi/teguran", "/admin/laporan/cetak"]}


def menu_links(tab) -> list[str]:
    hrefs = tab.eval_on_selector_all("nav a[href^='/admin/']",
                                     "links => links.map(a => a.getAttribute('href'))")
    return [href for href in dict.fromkeys(hrefs)
            if "#" not in href and "ekspor" not in href and "export" not in href]


def test_staff_pages_meet_wcag_aa(app, demo, open_as):
    """Does axe-core find any WCAG 2.1 AA violation on the back office's pages, for every
    staff role: each page of its menu, the forms, and the message page in the states where
    each role has forms to fill (triage, acceptance, processing, a reprimand, a rating)?"""
    land = dict(opd="BIROEKONOMI", sub="adu-lahan")
    new = gen_message(app, status="baru", perihal="Banjir di Sempaja")
    forwarded = gen_message(app, status="diteruskan", perihal="Sengketa lahan", **land)
    processing = gen_message(app, status="diproses", perihal="Patok batas hilang", **land)
    advance(app, processing, "note", **land)
    rated = gen_message(app, status="selesai", perihal="Lampu padam")
    with in_app(app):
        lifecycle.perform(db.session.get(Message, rated.id), "rate", get_user("warga"),
                          stars="3.5", note="Lumayan")
        lifecycle.commit()
        edits = [f"/admin/pengguna/edit/?id={demo['warga']}",
                 f"/admin/opd/edit/?id={get_opd('DLH').id}"]
    details = {"admin": [new, processing, rated], "op-biroekonomi": [forwarded, processing],
               "evaluator": [processing]}
    seen, report = set(), {}
    for username in STAFF:
        tab = open_as(username)
        tab.goto("/admin/")
        # The dashboard differs by role; the other pages of a menu are checked once.
        menu = ["/admin/"] + [url for url in menu_links(tab) if url not in seen]
        seen.update(menu)
        urls = (menu + STAFF_PAGES.get(username, [])
                + [f"/admin/detail/{m.id}" for m in details.get(username, [])]
                + edits * (username == "superadmin"))
        report.update({f"{username} {url}": found for url, found in audit(tab, urls).items()})
    assert report == {}, readable(report)


def test_message_list_states_meet_wcag_aa(app, demo, open_as):
    """Does axe-core find any WCAG 2.1 AA violation on a message list in the states its menu
    link does not show: ordered by a column, paged, a page past the last, a refused value,
    and a search by NIK an evaluator may not make?"""
    for number in range(30):
        gen_message(app, perihal=f"Drainase nomor {number}")
    tab = open_as("admin")
    report = audit(tab, ["/admin/pesan/?sort=tracking", "/admin/pesan/?page=2",
                         "/admin/pesan-baru/?page=9"])
    report.update(audit(tab, ["/admin/pesan/?channel=fax&start=bukan-tanggal"], status=400))
    report.update(audit(open_as("evaluator"), ["/admin/pesan/?q=6472011505900003"]))
    assert report == {}, readable(report)


def test_verify_page_sign_out_button_is_readable_and_works(app, open_as):
    """An unverified account's only way on is the "Keluar" button of the verify page: is its
    text readable on its background (axe's contrast rule, and not the same colour), and does
    it sign out?"""
    gen_citizen(app, username="rina", confirmed=False)
    tab = open_as("rina")
    tab.goto("/verifikasi")
    button = tab.locator("form.logout-inline button")
    colours = button.evaluate("b => { const s = getComputedStyle(b); "
                              "return [s.color, s.backgroundColor]; }")
    assert colours[0] != colours[1]
    found = axe.run(tab, context="form.logout-inline",
                    options={"runOnly": ["color-contrast"]}).response
    assert found["violations"] == []
    assert any(rule["id"] == "color-contrast" for rule in found["passes"])
    with tab.expect_navigation():
        button.click()
    tab.goto("/riwayat")
    assert "/login" in tab.url

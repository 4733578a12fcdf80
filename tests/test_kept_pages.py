"""Public pages kept rendered for signed-out visitors: served again only while nothing changed,
never kept for a signed-in person or when built from outdated figures."""
import re

from models import Message, db
from tests.helpers import counted, gen_message, in_app, log_in


def received(html: str) -> int:
    return int(re.search(r"<strong>(\d+)</strong>Pesan diterima", html).group(1))


def statements(app, client, url: str) -> tuple[int, str]:
    with counted(app) as sent:
        response = client.get(url)
    assert response.status_code == 200
    return len(sent), response.get_data(as_text=True)


def test_a_kept_page_is_served_until_a_message_changes(app, client, demo):
    """Does a second visit to the home page only read the data version, and does hiding a
    message (no new message, only a change) show the new count at once?"""
    first = received(client.get("/").get_data(as_text=True))
    count, html = statements(app, client, "/")
    assert count <= 2 and received(html) == first
    with in_app(app):
        message = Message.query.filter_by(hidden=False, rahasia=False).first()
        message.hidden = True
        db.session.commit()
    assert received(client.get("/").get_data(as_text=True)) == first - 1


def test_a_signed_in_person_never_gets_a_kept_page(app, client, demo):
    """After a signed-out visit kept the home page, does a signed-in citizen get their own
    page (with their menu and sign-out form) rather than the kept one?"""
    kept = client.get("/").get_data(as_text=True)
    assert "Keluar" not in kept
    log_in(client, "warga")
    page = client.get("/").get_data(as_text=True)
    assert "Keluar" in page and 'name="csrf_token"' in page


def test_a_page_built_from_outdated_figures_is_not_kept(app, client, demo):
    """With FIGURES_MAX_AGE, a visit right after a change may show the figures of a moment
    ago; is that page then not kept, so that once the figures are recounted visitors see them
    (instead of the outdated page, kept under the newer data version)?"""
    before = received(client.get("/").get_data(as_text=True))
    app.config["FIGURES_MAX_AGE"] = 3600
    try:
        gen_message(app, status="diteruskan", perihal="Sesudah hitungan")
        assert received(client.get("/").get_data(as_text=True)) == before  # a moment ago
    finally:
        app.config["FIGURES_MAX_AGE"] = 0
    assert received(client.get("/").get_data(as_text=True)) == before + 1


def test_while_one_request_recounts_the_others_get_the_kept_figures(app, client, demo):
    """While another worker is counting the home figures again after a change, is a visitor
    given the figures counted before (rather than counting them too), and once that count is
    done, the new figures?"""
    from aspirasi.extensions import cache

    before = received(client.get("/").get_data(as_text=True))
    gen_message(app, status="diteruskan", perihal="Sesudah hitungan")
    with app.app_context():  # the cache of this app (a test may have built others)
        cache.add("home-figures:recounting", True, 60)  # another worker is at it
    try:
        assert received(client.get("/").get_data(as_text=True)) == before
    finally:
        with app.app_context():
            cache.delete("home-figures:recounting")
    assert received(client.get("/").get_data(as_text=True)) == before + 1


def test_a_busy_kept_page_asks_the_database_nothing_and_shows_a_change_after_the_recheck(
        app, client, demo):
    """With KEPT_PAGES_RECHECK set, is a kept page served again without one SQL statement, and
    once the recheck time has passed, does a change show?"""
    from aspirasi import figure_cache

    first = received(client.get("/").get_data(as_text=True))
    app.config["KEPT_PAGES_RECHECK"] = 3600
    try:
        client.get("/")  # this worker now remembers the data version for an hour
        count, html = statements(app, client, "/")
        assert count == 0 and received(html) == first
        gen_message(app, status="diteruskan", perihal="Sesudah pemeriksaan")
        figure_cache._pages_version["at"] -= 3600  # the hour has passed
        assert received(client.get("/").get_data(as_text=True)) == first + 1
    finally:
        app.config["KEPT_PAGES_RECHECK"] = 0


def test_the_worker_counts_changed_figures_again_so_no_visit_waits(app, client, demo, runner):
    """With figures shown up to an hour after a change, does one round of the background
    worker count the report, /kinerja and the home page again after a new message, so that
    the next visits show it without counting anything themselves?"""
    from tests.helpers import log_in

    app.config.update(FIGURES_MAX_AGE=3600, FIGURES_REFRESH=45)
    try:
        before = received(client.get("/").get_data(as_text=True))
        staff = app.test_client()
        log_in(staff, "admin")
        report_before = staff.get("/admin/laporan/").get_data(as_text=True)
        gen_message(app, status="diteruskan", perihal="Sesudah penghitungan ulang")
        assert received(client.get("/").get_data(as_text=True)) == before  # an hour's leeway
        result = runner.invoke(args=["mail-deliver"])
        assert result.exit_code == 0, result.output
        count, html = statements(app, client, "/")
        assert received(html) == before + 1
        with counted(app) as sent:
            report_after = staff.get("/admin/laporan/").get_data(as_text=True)
        assert report_after != report_before
        assert not any("GROUP BY" in statement for statement in sent)  # nothing counted
    finally:
        app.config.update(FIGURES_MAX_AGE=0, FIGURES_REFRESH=0)


def test_the_worker_leaves_alone_figures_nobody_asked_for(app, demo, runner):
    """Does the worker's round count nothing while no one has asked for any figure lately
    (a quiet night costs no counting over the table)?"""
    app.config.update(FIGURES_REFRESH=45)
    try:
        with counted(app) as sent:
            result = runner.invoke(args=["mail-deliver"])
        assert result.exit_code == 0, result.output
        assert not any("GROUP BY" in statement for statement in sent)
    finally:
        app.config.update(FIGURES_REFRESH=0)

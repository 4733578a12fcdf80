"""Public pages cached for signed-out visitors: served again only while nothing changed, never
for a signed-in person or when built from outdated figures, only for the arguments a page
knows, never one per message; and the shared store's file folder, which nothing prunes."""
import os
import re
import tempfile
import time

import pytest
from jinja2 import StrictUndefined

from models import Category, Message, Opd, db
from tests.helpers import app_config, counted, gen_message, in_app, log_in, post_action


def received(html: str) -> int:
    return int(re.search(r"<strong>(\d+)</strong>Pesan diterima", html).group(1))


def found(html: str) -> int:
    return int(re.search(r"(\d+) pesan ditemukan", html).group(1))


def statements(app, client, url: str) -> tuple[int, str]:
    with counted(app) as sent:
        response = client.get(url)
    assert response.status_code == 200
    return len(sent), response.get_data(as_text=True)


def test_a_cached_page_is_served_until_a_message_changes(app, client, demo):
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


def test_a_signed_in_person_never_gets_a_cached_page(app, client, demo):
    """After a signed-out visit cached the home page, does a signed-in citizen get their own
    page (with their menu and sign-out form) rather than the cached one?"""
    cached = client.get("/").get_data(as_text=True)
    assert "Keluar" not in cached
    log_in(client, "warga")
    page = client.get("/").get_data(as_text=True)
    assert "Keluar" in page and 'name="csrf_token"' in page


def test_a_page_built_from_outdated_figures_is_not_cached(app, client, demo):
    """With FIGURES_MAX_AGE, a visit right after a change may show the figures of a moment
    ago; is that page then not cached, so that once the figures are recounted visitors see
    them (instead of the outdated page, cached under the newer data version)?"""
    before = received(client.get("/").get_data(as_text=True))
    app.config["FIGURES_MAX_AGE"] = 3600
    try:
        gen_message(app, status="diteruskan", perihal="Sesudah hitungan")
        assert received(client.get("/").get_data(as_text=True)) == before  # a moment ago
    finally:
        app.config["FIGURES_MAX_AGE"] = 0
    assert received(client.get("/").get_data(as_text=True)) == before + 1


def test_while_one_request_recounts_the_others_get_the_cached_figures(app, client, demo):
    """While another worker is counting the home figures again after a change, is a visitor
    given the figures counted before (rather than counting them too), and once that count is
    done, the new figures?"""
    from models.cache import cache

    before = received(client.get("/").get_data(as_text=True))
    gen_message(app, status="diteruskan", perihal="Sesudah hitungan")
    with app.app_context():  # the cache of this app (a test may have built others)
        cache.add("figure:home-figures:recounting", True, 60)  # another worker is at it
    try:
        assert received(client.get("/").get_data(as_text=True)) == before
    finally:
        with app.app_context():
            cache.delete("figure:home-figures:recounting")
    assert received(client.get("/").get_data(as_text=True)) == before + 1


def test_a_busy_cached_page_asks_the_database_nothing_and_shows_a_change_after_the_recheck(
        app, client, demo):
    """With CACHED_PAGES_RECHECK set, is a cached page served again without one SQL statement
    (a change meanwhile not yet shown), and once the recheck time has passed, does it show?"""
    first = received(client.get("/").get_data(as_text=True))
    app.config["CACHED_PAGES_RECHECK"] = 3600
    try:
        client.get("/")  # this worker now holds the data version for an hour
        count, html = statements(app, client, "/")
        assert count == 0 and received(html) == first
        gen_message(app, status="diteruskan", perihal="Sesudah pemeriksaan")
        assert received(client.get("/").get_data(as_text=True)) == first
        app.config["CACHED_PAGES_RECHECK"] = 0.5
        time.sleep(0.6)  # the recheck time has passed
        assert received(client.get("/").get_data(as_text=True)) == first + 1
    finally:
        app.config["CACHED_PAGES_RECHECK"] = 0


def test_the_known_arguments_of_the_list_are_cached_and_a_change_shows_at_once(
        app, client, demo):
    """Is /pesan, filtered as its own form and links write it (a status, a category, an OPD,
    a page), served again from the cache (the data version and the ids of categories and OPDs
    only), and does a new message in that filter show at once? And /kinerja for a period?"""
    with in_app(app):
        category_id = Category.query.first().id
        opd = Opd.query.filter_by(code="DISKOMINFO").one()
    url = f"/pesan?status=diteruskan&kategori=&opd={opd.id}&q=&page=1"
    first = found(client.get(url).get_data(as_text=True))
    count, html = statements(app, client, url)
    assert count <= 3 and found(html) == first
    gen_message(app, status="diteruskan", perihal="Di Diskominfo", opd="DISKOMINFO")
    assert found(client.get(url).get_data(as_text=True)) == first + 1
    assert statements(app, client, f"/pesan?kategori={category_id}")[0] > 3
    assert statements(app, client, f"/pesan?kategori={category_id}")[0] <= 3
    period = "/kinerja?start=01/01/2000&end=31/12/2099"
    assert statements(app, client, period)[0] > 2
    assert statements(app, client, period)[0] <= 2


# --- the store's folder on one machine ---------------------------------------------------------

@pytest.fixture
def file_cache_app(app, tmp_path):
    """An app on the test database whose shared cache is a folder, as on one machine."""
    from aspirasi import create_app

    config = app_config(tempfile.mkdtemp(prefix="aspirasi-cache-"))
    config.update(SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                  RATELIMIT_ENABLED=False, CACHE_TYPE="FileSystemCache",
                  CACHE_DIR=str(tmp_path / "cache"), CACHE_THRESHOLD=0)
    other = create_app(config)
    other.jinja_env.undefined = StrictUndefined
    yield other
    with other.app_context():
        db.session.remove()


def stored_files(app) -> int:
    return len(os.listdir(app.config["CACHE_DIR"]))


def test_junk_arguments_and_tracking_numbers_store_nothing(file_cache_app, demo):
    """Do addresses no stranger shares (an argument a page does not read, a value it reads
    otherwise, a search, each message's tracking page) leave the store as it was once the
    figures they show are stored, while a filter of the list's own form adds one page?"""
    client = file_cache_app.test_client()
    junk = ("/?zz={n}", "/pesan?zz={n}", "/pesan?page=0{n}", "/pesan?page=9999{n}",
            "/pesan?kategori=99999{n}", "/pesan?q=banjir{n}", "/pesan?status=apa{n}",
            "/pesan?status=baru&status=selesai&zz={n}", "/kinerja?zz={n}",
            "/kinerja?start=1/1/2026&zz={n}")
    for address in junk:
        assert client.get(address.format(n=0)).status_code == 200, address
    settled = stored_files(file_cache_app)  # the figures of the home page, list and periods
    for number in range(1, 21):
        for address in junk:
            assert client.get(address.format(n=number)).status_code == 200, address
    with in_app(file_cache_app):
        numbers = [m.tracking for m in Message.query.filter_by(rahasia=False, hidden=False)]
    assert numbers
    for nomor in numbers + [f"ASP-{n:08d}" for n in range(40)]:
        assert client.get(f"/tracking/{nomor}").status_code in (200, 404)
    assert stored_files(file_cache_app) == settled
    assert client.get("/pesan?status=selesai").status_code == 200
    assert stored_files(file_cache_app) == settled + 1


def test_an_expired_recount_lock_left_on_the_folder_is_taken_over(file_cache_app, demo):
    """When the worker that took the home figures' recount lock died before removing it, do
    the figures follow a change once the lock has expired (its file is still there)?"""
    from models.cache import cache

    client = file_cache_app.test_client()
    before = received(client.get("/").get_data(as_text=True))
    with file_cache_app.app_context():
        cache.set("figure:home-figures:recounting", True, 1)  # its holder died
    gen_message(file_cache_app, status="diteruskan", perihal="Sesudah kunci")
    time.sleep(2.1)
    assert received(client.get("/").get_data(as_text=True)) == before + 1


def test_the_worker_removes_files_older_than_the_longest_timeout(file_cache_app, demo):
    """Does a round of the worker remove the cache files written longer ago than
    CACHE_DEFAULT_TIMEOUT, and leave the others in place?"""
    from models.cache import cache

    with file_cache_app.app_context():
        cache.set("one", 1)
        cache.set("another", 2)
    folder = file_cache_app.config["CACHE_DIR"]
    files = sorted(os.path.join(folder, name) for name in os.listdir(folder))
    assert len(files) == 2
    long_ago = time.time() - file_cache_app.config["CACHE_DEFAULT_TIMEOUT"] - 60
    os.utime(files[0], (long_ago, long_ago))
    result = file_cache_app.test_cli_runner().invoke(args=["mail-deliver"])
    assert result.exit_code == 0, result.output
    assert sorted(os.path.join(folder, name) for name in os.listdir(folder)) == files[1:]


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


def test_a_clerks_own_action_is_on_their_next_page(app, client, login_as, monkeypatch):
    """With figures kept an hour after a change, does the operator who accepts their OPD's only
    waiting message see none waiting on their very next dashboard?"""
    monkeypatch.setitem(app.config, "FIGURES_MAX_AGE", 3600)
    login_as("op-dlh")
    assert 'data-figure="Menunggu diterima">1<' in client.get("/admin/").get_data(as_text=True)
    with app.app_context():
        waiting = Message.query.join(Opd).filter(Opd.code == "DLH",
                                                 Message.status == "diteruskan").one().id
    assert post_action(client, waiting, "accept").status_code == 302
    page = client.get("/admin/").get_data(as_text=True)
    assert 'data-figure="Menunggu diterima">0<' in page
    assert 'data-figure="Sedang diproses">2<' in page


def test_renamed_master_data_shows_at_once_on_the_public_pages(app, client, demo):
    """After the superadmin renames an OPD and a category in the back office, do /pesan,
    /kinerja and /tracking/<nomor>, each visited (and so cached) just before, show the new
    names at once, and the old ones nowhere?"""
    message = gen_message(app, status="diteruskan", perihal="Nama yang berganti", opd="DISKOMINFO")
    with in_app(app):
        opd = Opd.query.filter_by(code="DISKOMINFO").one()
        category = db.session.get(Message, message.id).category
        opd_id, old_opd = opd.id, opd.name
        category_id, category_code, old_category = category.id, category.code, category.name
    pages = ["/pesan", "/kinerja", f"/tracking/{message.tracking}"]
    for url in pages:
        assert shows(client.get(url), old_opd), url
    assert shows(client.get("/pesan"), old_category)

    staff = app.test_client()
    log_in(staff, "superadmin")
    renamed = staff.post(f"/admin/opd/edit/?id={opd_id}", data={
        "code": "DISKOMINFO", "name": "Dinas Kominfo Bernama Baru", "email": "",
        "address": "", "head_name": "", "active": "y"})
    assert renamed.status_code == 302
    renamed = staff.post(f"/admin/kategori/edit/?id={category_id}", data={
        "code": category_code, "name": "Kategori Bernama Baru"})
    assert renamed.status_code == 302

    for url in pages:
        page = client.get(url)
        assert shows(page, "Dinas Kominfo Bernama Baru") and not shows(page, old_opd), url
    for url in ("/pesan", f"/tracking/{message.tracking}"):
        page = client.get(url)
        assert shows(page, "Kategori Bernama Baru") and not shows(page, old_category), url


def shows(response, name: str) -> bool:
    """Whether the page shows `name` as the whole text of an element (a cell, an option)."""
    return re.search(rf">\s*{re.escape(name)}\s*<", response.get_data(as_text=True)) is not None

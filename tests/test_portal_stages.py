"""The stage tracker (verifikasi, diteruskan, tindak lanjut, selesai) on /tracking/<nomor> and
/riwayat/<nomor>, and the citizen's history table with its Kategori and Aksi columns."""
import re

import pytest

from models import Message
from tests.helpers import advance, gen_message, screenshot

pytestmark = pytest.mark.usefixtures("demo")


def current_stage(page: str) -> str:
    """The name of the stage marked as the current step."""
    found = re.findall(r'<li class="stage stage-current" aria-current="step">.*?'
                       r'<span class="stage-name">([^<]+)</span>', page, re.S)
    assert len(found) == 1, found
    return found[0]


def stage_states(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<li class="stage stage-(\w+)".*?<span class="stage-name">([^<]+)</span>',
                      page, re.S)


@pytest.mark.parametrize(("status", "stage"), [("baru", "Verifikasi"),
                                                ("diteruskan", "Diteruskan"),
                                                ("diproses", "Tindak lanjut"),
                                                ("selesai", "Selesai")])
def test_tracking_page_shows_the_stage_of_each_status(app, client, status, stage):
    """Does /tracking/<nomor> mark the stage that matches the message's status, before the log?"""
    tracking = gen_message(app, status=status).tracking
    page = client.get(f"/tracking/{tracking}").get_data(as_text=True)
    assert current_stage(page) == stage
    assert page.index("Tahap penanganan") < page.index("Log pesan")
    assert "Selanjutnya:" in page


def test_stages_before_the_current_are_done_and_after_are_ahead(app, client):
    """Are the stages before the current one done (dated) and the later ones still ahead?"""
    tracking = gen_message(app, status="diproses").tracking
    page = client.get(f"/tracking/{tracking}").get_data(as_text=True)
    assert stage_states(page) == [("done", "Verifikasi"), ("done", "Diteruskan"),
                                  ("current", "Tindak lanjut"), ("ahead", "Selesai")]
    assert "OPD menindaklanjuti pesan" in page


def test_closed_message_stops_at_verification(app, client):
    """Does a closed message show that it stopped at verification, with nothing next?"""
    tracking = gen_message(app, status="ditutup").tracking
    page = client.get(f"/tracking/{tracking}").get_data(as_text=True)
    assert stage_states(page)[0] == ("current", "Verifikasi")
    assert [state for state, _ in stage_states(page)[1:]] == ["skipped"] * 3
    assert "ditutup pada tahap verifikasi" in page and "Selanjutnya:" not in page


def test_rahasia_message_shows_its_stage_but_no_details(app, client):
    """Does a stranger see a rahasia message's stage, but still not its subject or OPD?"""
    tracking = gen_message(app, status="diteruskan", rahasia=True,
                           perihal="PERIHAL-RAHASIA-XYZ").tracking
    page = client.get(f"/tracking/{tracking}").get_data(as_text=True)
    assert current_stage(page) == "Diteruskan"
    assert "PERIHAL-RAHASIA-XYZ" not in page
    assert "· Dinas Komunikasi dan Informatika" not in page  # the OPD in the log


def test_owner_page_shows_the_same_stage_with_the_time(app, citizen):
    """Does /riwayat/<nomor> show the owner the stage tracker above the log, with times?"""
    tracking = gen_message(app, reporter="siti", status="diteruskan").tracking
    page = citizen.get(f"/riwayat/{tracking}").get_data(as_text=True)
    assert current_stage(page) == "Diteruskan"
    assert page.index("Tahap penanganan") < page.index("Log pesan")
    with app.app_context():
        forwarded = Message.query.filter_by(tracking=tracking).one().forwarded_at
    assert f'datetime="{forwarded.isoformat()}"' in page


def test_history_table_has_kategori_and_actions(app, citizen):
    """Does /riwayat list Kategori and offer log, hapus (baru only) and rating (selesai only)?"""
    fresh = gen_message(app, reporter="siti", perihal="Pesan baru saya").tracking
    done = gen_message(app, reporter="siti", status="selesai", perihal="Pesan selesai saya",
                       sub="adu-internet").tracking
    page = citizen.get("/riwayat").get_data(as_text=True)
    assert "<th>Kategori</th>" in page and "<th>Aksi</th>" in page
    assert "Belum dikategorikan" in page and "Aduan" in page
    assert f'href="/riwayat/{fresh}#log"' in page and f'href="/riwayat/{done}#log"' in page
    assert f'href="/riwayat/{fresh}/hapus"' in page
    assert f'href="/riwayat/{done}/hapus"' not in page
    assert f'href="/riwayat/{done}#nilai"' in page
    assert f'href="/riwayat/{fresh}#nilai"' not in page


def test_delete_asks_first_and_only_the_confirmation_deletes(app, citizen):
    """Does "Hapus" open a confirmation page that changes nothing until it is confirmed?"""
    tracking = gen_message(app, reporter="siti").tracking
    page = citizen.get(f"/riwayat/{tracking}/hapus").get_data(as_text=True)
    assert "Hapus pesan ini?" in page and "tidak dapat dibatalkan" in page
    assert f'action="/riwayat/{tracking}/cabut"' in page and 'href="/riwayat"' in page
    with app.app_context():
        assert Message.query.filter_by(tracking=tracking).one().status == "baru"
    response = citizen.post(f"/riwayat/{tracking}/cabut", data={"version": "1"},
                            follow_redirects=True)
    assert "Pesan Anda telah dihapus." in response.get_data(as_text=True)
    with app.app_context():
        assert Message.query.filter_by(tracking=tracking).one().status == "dicabut"


def test_delete_page_refuses_a_message_already_moved_on(app, citizen):
    """Does the confirmation page refuse (and change nothing) once the admin forwarded it?"""
    tracking = gen_message(app, reporter="siti", status="diteruskan").tracking
    response = citizen.get(f"/riwayat/{tracking}/hapus", follow_redirects=True)
    assert "tidak dapat dihapus lagi" in response.get_data(as_text=True)
    assert citizen.get("/riwayat/ASP-ZZZZZZZZ/hapus").status_code == 404


def test_stage_tracker_fits_a_phone(app, page, demo):
    """On a phone-wide screen, is the stage visible without any sideways scrolling?"""
    tracking = gen_message(app, status="diproses").tracking
    advance(app, tracking, "note")
    page.goto(f"/tracking/{tracking}")
    current = page.locator("li.stage-current")
    assert current.is_visible() and "Tindak lanjut" in current.inner_text()
    box = current.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "tahap-tracking")


def test_citizen_deletes_from_the_history_table_on_a_phone(app, page):
    """On a phone, does the history table fit the screen, and does "Hapus" lead to a
    confirmation that deletes only when confirmed (no script involved)?"""
    from tests.helpers import browser_log_in, gen_citizen

    gen_citizen(app, "rina", nik="6471054107950010")
    tracking = gen_message(app, reporter="rina", perihal="Drainase tersumbat").tracking
    gen_message(app, reporter="rina", status="selesai", perihal="Lampu taman mati")
    browser_log_in(page, "rina")
    page.goto("/riwayat")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "riwayat-aksi")
    page.click(f'a[href="/riwayat/{tracking}/hapus"]')
    page.wait_for_url(f"**/riwayat/{tracking}/hapus")
    assert "Hapus pesan ini?" in page.content()
    page.get_by_role("link", name="Batal", exact=True).click()
    page.wait_for_url("**/riwayat")
    with app.app_context():
        assert Message.query.filter_by(tracking=tracking).one().status == "baru"
    page.click(f'a[href="/riwayat/{tracking}/hapus"]')
    page.click("#confirm-delete")
    page.wait_for_url(f"**/riwayat/{tracking}")
    assert "Pesan Anda telah dihapus." in page.content()
    with app.app_context():
        assert Message.query.filter_by(tracking=tracking).one().status == "dicabut"

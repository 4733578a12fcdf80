"""One vocabulary everywhere: channel and status labels, the WITA clock, translated words."""
import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from models import Message, db, utcnow
from tests.helpers import gen_message

# Written out by hand: what staff read for each channel, in Indonesian and in English.
CHANNEL_WORDS = {
    "web": ("Portal web", "Web portal"),
    "guest": ("Tamu (tanpa akun)", "Guest (no account)"),
    "api": ("API Open311", "Open311 API"),
    "phone": ("Telepon", "Telephone"),
    "walkin": ("Datang langsung", "In person"),
    "letter": ("Surat", "Letter"),
}


@pytest.fixture
def one_per_channel(app, demo):
    """One message per channel, each with a distinct subject; {channel: (id, tracking)}."""
    made = {}
    with app.app_context():
        for channel in CHANNEL_WORDS:
            message = Message(perihal=f"Kanal uji {channel}", body="Isi pesan uji kanal.",
                              channel=channel, guest_name="Warga Uji", rahasia=True,
                              anonim=(channel == "web"))
            db.session.add(message)
            db.session.flush()
            made[channel] = (message.id, message.tracking)
        db.session.commit()
    return made


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def list_cells(page: str, tracking: str) -> list[str]:
    """The text of each cell in the list row of `tracking`."""
    rows = [row for row in re.findall(r"<tr.*?</tr>", page, re.DOTALL) if tracking in row]
    assert len(rows) == 1, tracking
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[0], re.DOTALL)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def test_channel_labels_are_the_same_in_list_detail_and_export(login_as, one_per_channel):
    """Does each channel carry the same label in the admin list, the message page and the
    CSV export of the message list?"""
    client = login_as("admin")
    listing = client.get("/admin/pesan/?page_size=100").get_data(as_text=True)
    rows = csv_rows(client.get("/admin/laporan/pesan/ekspor.csv"))
    column = rows[0].index("Saluran")
    exported = {row[0]: row[column] for row in rows[1:]}
    for channel, (message_id, tracking) in one_per_channel.items():
        label = CHANNEL_WORDS[channel][0]
        assert label in list_cells(listing, tracking), channel
        detail = client.get(f"/admin/detail/{message_id}").get_data(as_text=True)
        assert f"<td>{label}" in detail, channel
        assert exported[tracking] == label, channel


def test_channel_labels_follow_the_chosen_language(login_as, one_per_channel):
    """With English chosen, do the list and the XLSX export name the channels in English?"""
    client = login_as("admin")
    listing = client.get("/admin/pesan/?page_size=100&lang=en").get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(client.get("/admin/laporan/pesan/ekspor.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("Channel")
    exported = {row[0]: row[column] for row in rows[1:]}
    for channel, (_id, tracking) in one_per_channel.items():
        label = CHANNEL_WORDS[channel][1]
        assert label in list_cells(listing, tracking), channel
        assert exported[tracking] == label, channel


# Written out by hand: the months as the lists abbreviate them.
MONTHS = {"id": "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des".split(),
          "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()}


def test_a_list_row_reads_cell_by_cell_in_both_languages(app, login_as):
    """Does a row of the message list read, cell by cell, as staff expect: the number, the
    subject as typed (its markup shown, not run), the status with the overdue tag, OPD,
    category, channel, the time received in WITA and the age; in Indonesian and in English?
    And does the number open the message page?"""
    received = (utcnow() - timedelta(days=3, hours=2)).replace(second=0, microsecond=0)
    with app.app_context():
        message = gen_message(app, status="diproses", perihal="<b>Jalan</b> & jembatan")
        message = db.session.get(Message, message.id)
        message.created_at = received
        message.answer_due_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        mid, tracking = message.id, message.tracking
    wita = received + timedelta(hours=8)
    client = login_as("admin")
    for lang, status, late, channel, age in (
            ("id", "Sedang Diproses", "Terlambat", "Portal web", "3 hari"),
            ("en", "In Progress", "Late", "Web portal", "3 days")):
        page = client.get(f"/admin/pesan/?lang={lang}").get_data(as_text=True)
        when = f"{wita.day} {MONTHS[lang][wita.month - 1]} {wita.year} {wita:%H:%M}"
        assert list_cells(page, tracking) == [
            tracking, "&lt;b&gt;Jalan&lt;/b&gt; &amp; jembatan", f"{status} {late}",
            "Dinas Komunikasi dan Informatika", "Aduan", channel, when, age], lang
        assert f'<a href="/admin/detail/{mid}">{tracking}</a>' in page
    assert client.get(f"/admin/detail/{mid}").status_code == 200


def test_english_export_says_yes_no_and_anonymous(login_as, one_per_channel):
    """Does the English CSV export write the flags as yes/no and an anonim sender as
    Anonymous, where the Indonesian one writes ya/tidak and Anonim?"""
    client = login_as("evaluator")  # an admin would see through anonim
    web = one_per_channel["web"][1]
    for lang, anonymous, yes, no in (("id", "Anonim", "ya", "tidak"),
                                     ("en", "Anonymous", "yes", "no")):
        client.get(f"/?lang={lang}")
        rows = csv_rows(client.get("/admin/laporan/pesan/ekspor.csv"))
        header, row = rows[0], next(r for r in rows[1:] if r[0] == web)
        sender, anonim, rahasia, overdue = (row[i] for i in (11, 12, 13, 14))
        assert (sender, anonim, rahasia, overdue) == (anonymous, yes, yes, no), (lang, header)


def test_evaluator_columns_are_the_status_labels(login_as, demo):
    """Are the evaluator's status × OPD columns headed by the very labels statuses carry
    everywhere else (Belum Dikonfirmasi, Diteruskan ke OPD, Sedang Diproses, Selesai)?"""
    client = login_as("evaluator")
    page = client.get("/admin/evaluasi/").get_data(as_text=True)
    headers = dict(re.findall(r'<th data-status="(\w+)">([^<]*)</th>', page))
    assert headers == {"baru": "Belum Dikonfirmasi", "diteruskan": "Diteruskan ke OPD",
                       "diproses": "Sedang Diproses", "selesai": "Selesai"}
    listing = login_as("admin").get("/admin/pesan/").get_data(as_text=True)
    for label in headers.values():
        assert label in listing  # the list's status column and filter use the same words


def test_report_months_follow_the_chosen_language(app, login_as):
    """Does the report's monthly trend say "Januari 2026" in Indonesian and "January 2026"
    in English?"""
    with app.app_context():
        for day in (date(2026, 1, 15), date(2026, 5, 15)):
            db.session.add(Message(perihal="Tren", body="Isi", channel="guest", guest_name="A",
                                   created_at=datetime.combine(day, datetime.min.time())))
        db.session.commit()
    client = login_as("evaluator")
    for lang, words in (("id", ["Januari 2026", "Mei 2026"]),
                        ("en", ["January 2026", "May 2026"])):
        client.get(f"/?lang={lang}")
        rows = csv_rows(client.get("/admin/laporan/ekspor.csv?start=2026-01-01&end=2026-06-30"))
        months = [row[0] for row in rows if row and row[0].endswith(" 2026")]
        assert months == words, lang


def test_one_local_clock():
    """Is WITA UTC+8 for Babel, the exports and the SLA clock alike (one constant)?"""
    from aspirasi.config import Config
    from models.vocabulary import local_midnight_utc, local_time, utc_time

    assert Config.BABEL_DEFAULT_TIMEZONE == "Asia/Makassar"
    assert local_time(datetime(2026, 1, 1, 16, 30)) == datetime(2026, 1, 2, 0, 30)
    assert utc_time(datetime(2026, 1, 2, 0, 30)) == datetime(2026, 1, 1, 16, 30)
    assert local_midnight_utc(date(2026, 3, 1)) == datetime(2026, 2, 28, 16, 0)
    assert local_time(None) is None


@pytest.mark.parametrize("lang", ["id", "en"])
def test_times_and_days_read_as_babel_writes_them(app, lang):
    """Are the pages' times and days ("5 Mei 2026 14:05") what Babel's own formatter writes
    for the reader's language and WITA, for stored, zoned and date values alike?"""
    from datetime import UTC, timedelta, timezone

    from flask_babel import format_date, format_datetime, refresh

    from models.vocabulary import date_text, time_text

    with app.test_request_context(f"/?lang={lang}"):
        refresh()
        moment = datetime(2024, 12, 31, 15, 59)
        for _ in range(400):
            zoned = moment.replace(tzinfo=timezone(timedelta(hours=-5)))
            for value in (moment, zoned, moment.replace(tzinfo=UTC)):
                assert time_text(value) == format_datetime(value, "d MMM yyyy HH:mm"), value
                assert date_text(value) == format_date(value, "d MMM yyyy"), value
            assert date_text(moment.date()) == format_date(moment.date(), "d MMM yyyy")
            moment += timedelta(days=3, hours=5, minutes=7)
        assert time_text(datetime(2026, 8, 5, 6, 5)) == (
            "5 Agu 2026 14:05" if lang == "id" else "5 Aug 2026 14:05")
    assert time_text(None) == date_text(None) == ""


def test_local_time_by_offset_is_the_zone_for_every_stored_year():
    """Is adding the kept offset the same as asking the zone, at every hour from 1970 on?"""
    from datetime import UTC, timedelta
    from zoneinfo import ZoneInfo

    from models.vocabulary import local_time

    zone = ZoneInfo("Asia/Makassar")
    moment = datetime(1970, 1, 1)
    while moment < datetime(2100, 1, 1):
        assert local_time(moment) == moment.replace(tzinfo=UTC).astimezone(zone).replace(
            tzinfo=None), moment
        moment += timedelta(hours=17, minutes=13)

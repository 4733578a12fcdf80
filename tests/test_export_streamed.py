"""The message export is streamed: sent while it is read from one query, with the same rows."""
import csv
import io
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import DateTime, bindparam, select, text, update

from models import Message, db
from models.vocabulary import local_time
from services.exports import CSV_TIME, csv_local_time
from tests.helpers import counted, gen_message

URL = "/admin/laporan/pesan/ekspor.csv"


def read_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def expected_rows(app) -> list[dict]:
    """The columns that need no rule to compute, straight from SQL, newest first."""
    with app.app_context():
        rows = db.session.execute(text(
            "SELECT m.tracking, m.perihal, m.body, c.name, s.name, o.name, m.kabupaten, "
            "m.address, r.half_stars, COALESCE(u.full_name, u.username, u.email, m.guest_name) "
            "FROM message m LEFT JOIN category c ON c.id = m.category_id "
            "LEFT JOIN subcategory s ON s.id = m.subcategory_id "
            "LEFT JOIN opd o ON o.id = m.opd_id LEFT JOIN rating r ON r.message_id = m.id "
            'LEFT JOIN "user" u ON u.id = m.reporter_id '
            "ORDER BY m.created_at DESC, m.id DESC")).all()
    return [{"Nomor tracking": tracking, "Perihal": perihal, "Isi pesan": body,
             "Kategori": category or "", "Sub kategori": sub or "", "OPD": opd or "",
             "Kabupaten/kota": kabupaten or "", "Alamat": address or "",
             "Rating": str(half / 2) if half is not None else "", "Pelapor": sender or ""}
            for tracking, perihal, body, category, sub, opd, kabupaten, address, half, sender
            in rows]


def test_export_is_streamed_with_the_same_rows_as_the_database(app, login_as):
    """Is the admin's CSV sent as a stream (BOM first), holding every demo message in order
    with the names, rating and sender the database holds?"""
    client = login_as("admin")
    response = client.get(URL)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith("\ufeff".encode())
    rows = read_csv(response.data)
    expected = expected_rows(app)
    assert len(expected) > 5
    assert [{key: row[key] for key in expected[0]} for row in rows] == expected


def test_export_runs_as_many_statements_for_more_messages(app, login_as):
    """Does the export run the same number of SQL statements for 6 more messages (no query
    per row)?"""
    client = login_as("admin")
    def statements_of_one_export() -> int:
        with counted(app) as sent:
            rows = read_csv(client.get(URL).data)
        return len(sent), len(rows)

    before, before_rows = statements_of_one_export()
    for index in range(3):
        gen_message(app, status="diteruskan", perihal=f"Tambahan {index}")
        gen_message(app, status="selesai", reporter=None, guest_name=f"Tamu {index}",
                    perihal=f"Tamu {index}")
    after, after_rows = statements_of_one_export()
    assert after_rows == before_rows + 6
    assert after == before


def test_operator_stream_holds_only_its_opd_and_hides_anonim_senders(app, login_as):
    """Does an operator's streamed export list only its OPD's messages, with no name for an
    anonim sender?"""
    anonim = gen_message(app, status="diteruskan", opd="DLH", sub="adu-pencemaran",
                         perihal="Tanpa nama", anonim=True).tracking
    client = login_as("op-dlh")
    rows = read_csv(client.get(URL).data)
    with app.app_context():
        dlh = set(db.session.scalars(text(
            "SELECT m.tracking FROM message m JOIN opd o ON o.id = m.opd_id "
            "WHERE o.code = 'DLH'")))
    assert {row["Nomor tracking"] for row in rows} == dlh
    assert next(r for r in rows if r["Nomor tracking"] == anonim)["Pelapor"] == "Anonim"


def test_names_with_commas_quotes_and_formulas_read_back_whole(app, login_as):
    """An OPD, category or sub category name is written as a CSV field once per export, not
    per row: does a name holding a comma and quotes read back whole, and one that a
    spreadsheet would run as a formula read back quoted?"""
    from models import Category, Opd, Subcategory

    gen_message(app, status="diteruskan", opd="DLH", sub="adu-pencemaran", perihal="Nama sulit")
    with app.app_context():
        Opd.query.filter_by(code="DLH").one().name = 'Dinas "Lingkungan", Hidup'
        sub = Subcategory.query.filter_by(code="adu-pencemaran").one()
        sub.name = "=HYPERLINK(1)"
        db.session.get(Category, sub.category_id).name = "Aduan,\r\nlingkungan"
        db.session.commit()
    row = next(r for r in read_csv(login_as("admin").get(URL).data) if r["Perihal"] == "Nama sulit")
    assert row["OPD"] == 'Dinas "Lingkungan", Hidup'
    assert row["Sub kategori"] == "'=HYPERLINK(1)"
    assert row["Kategori"] == "Aduan,\r\nlingkungan"


def test_a_cancelled_download_stops_reading_and_gives_its_connection_back(app, login_as,
                                                                          monkeypatch):
    """When the person cancels a long download after its first piece, does the export stop
    reading (no reader left running) and give its database connection back?"""
    import threading

    from aspirasi_admin import reports
    from services import exports

    monkeypatch.setattr(reports, "EXPORT_BATCH", 2)  # the demo's messages in many batches
    monkeypatch.setattr(exports, "CSV_CHUNK", 200)
    client = login_as("admin")
    with app.app_context():
        pool = db.engine.pool
        idle = pool.checkedout()
    response = client.get(URL, buffered=False)
    pieces = iter(response.response)
    assert next(pieces).startswith("\ufeff".encode())  # the header
    assert next(pieces).count(b"\r\n") >= 1  # the first rows
    response.close()
    assert not [t for t in threading.enumerate() if t.name == "export-reader" and t.is_alive()]
    assert pool.checkedout() == idle


def test_an_error_while_reading_ahead_reaches_the_reader_of_the_rows(app):
    """A query that fails while the rows are read: is its error raised where the rows are
    written, instead of the file silently ending?"""
    import pytest
    from sqlalchemy import column, select, table
    from sqlalchemy.exc import DBAPIError

    from services.exports import read_ahead

    missing = select(column("id")).select_from(table("tidak_ada"))
    with app.app_context(), pytest.raises(DBAPIError):
        list(read_ahead(db.session, missing, 10))


# Times a moment before the minute turns, at midnight WITA, on a leap day and far ahead.
EDGE_TIMES = [datetime(2025, 12, 31, 15, 59, 59, 999700), datetime(1999, 12, 31, 16, 0),
              datetime(2028, 2, 28, 16, 30, 0, 500000), datetime(2026, 6, 30, 23, 59, 59, 999999),
              datetime(2099, 12, 31, 15, 59, 59)]


def test_times_are_written_in_wita_to_the_minute_as_stored(app, login_as):
    """Are the received, forwarded and finished times of each row the stored UTC time plus 8
    hours, cut (not rounded) to the minute, even a moment before the minute turns?"""
    stored = {}
    for index, moment in enumerate(EDGE_TIMES):
        message = gen_message(app, status="selesai", perihal=f"Waktu ke-{index}")
        stored[message.tracking] = (moment, moment + timedelta(seconds=index),
                                    moment + timedelta(days=1, microseconds=-1))
        with app.app_context():
            created, forwarded, finished = stored[message.tracking]
            db.session.execute(update(Message).where(Message.tracking == message.tracking)
                               .values(created_at=created, forwarded_at=forwarded,
                                       finished_at=finished))
            db.session.commit()
    rows = {row["Nomor tracking"]: row for row in read_csv(login_as("admin").get(URL).data)}

    def wita(moment):
        return (moment + timedelta(hours=8)).strftime("%d/%m/%Y %H:%M")
    for tracking, (created, forwarded, finished) in stored.items():
        row = rows[tracking]
        assert (row["Tanggal masuk (WITA)"], row["Diteruskan (WITA)"], row["Selesai (WITA)"]) \
            == (wita(created), wita(forwarded), wita(finished))
    assert rows[next(iter(stored))]["Tanggal masuk (WITA)"] == "31/12/2025 23:59"


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 12, 31)))
def test_the_databases_csv_time_is_pythons_for_any_stored_time(app, moment):
    """Does the database write any stored time as Python writes it in WITA (`CSV_TIME`)?"""
    with app.app_context():
        written = db.session.scalar(select(csv_local_time(bindparam("t", moment, DateTime))))
    assert written == local_time(moment).strftime(CSV_TIME)

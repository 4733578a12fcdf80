"""Cached report figures stay exact, durations ranked by the database match Python's, and the
evaluator's table lists every OPD for a chosen period."""
import math
import statistics
from datetime import datetime, timedelta

from sqlalchemy import text

from models import Message, Opd, db
from tests.helpers import counted, gen_message, in_app

HOUR = timedelta(hours=1)


def sentence_total(html: str) -> int:
    return int(html.split(" pesan yang masuk")[0].rsplit("Dari ", 1)[1])


def statements_matching(app, client, url: str, word: str) -> int:
    with counted(app) as sent:
        assert client.get(url).status_code == 200
    return sum(word in statement for statement in sent)


def test_cached_report_is_reused_and_counts_a_new_message(app, login_as, dataset):
    """Is the report served from the cached figures while nothing changed, and counted again
    (one more message) as soon as a message arrives?"""
    client = login_as("admin")
    assert sentence_total(client.get("/admin/laporan/").get_data(as_text=True)) == 10
    assert statements_matching(app, client, "/admin/laporan/", "GROUP BY") == 0
    gen_message(app, perihal="Pesan baru sesudah laporan")
    assert statements_matching(app, client, "/admin/laporan/", "GROUP BY") > 0
    assert sentence_total(client.get("/admin/laporan/").get_data(as_text=True)) == 11


def test_overdue_count_follows_the_clock_without_any_change(app, login_as, dataset,
                                                            monkeypatch):
    """When a deadline passes and no message changed, does the cached report count one more
    overdue message?"""
    from services import report_figures

    with in_app(app):
        m4 = Message.query.filter_by(perihal="Perihal m4").one()
        due = datetime.now() + timedelta(days=30)
        m4.answer_due_at = due
        db.session.commit()
    client = login_as("admin")
    html = client.get("/admin/laporan/").get_data(as_text=True)
    assert "2 pesan atau 20 % melewati batas waktu SLA." in html
    later = due + HOUR
    monkeypatch.setattr(report_figures, "utcnow", lambda: later)
    html = client.get("/admin/laporan/").get_data(as_text=True)
    assert "3 pesan atau 30 % melewati batas waktu SLA." in html


def test_duration_ranks_match_statistics_median_and_nearest_rank(app, login_as, dataset):
    """For 11 and 12 triage times at one OPD, are the median and P90 the report shows those of
    statistics.median and the nearest rank, worked out here?"""
    hours = [0.5, 7, 3, 12, 1, 26, 4, 2, 9, 5.5, 48]
    with in_app(app):
        db.session.execute(text("DELETE FROM rating"))
        db.session.execute(text("DELETE FROM message"))
        db.session.commit()
    add_triaged(app, hours, first_index=0)
    first = quality_row(login_as, "Dinas Lingkungan Hidup")
    add_triaged(app, [30], first_index=len(hours))
    second = quality_row(login_as, "Dinas Lingkungan Hidup")
    for values, row in ((hours, first), (hours + [30], second)):
        ordered = sorted(values)
        p90 = ordered[math.ceil(len(ordered) * 9 / 10) - 1]
        assert row[:3] == [str(len(values)), f"{statistics.median(values):.1f}", f"{p90:.1f}"]


def add_triaged(app, hours: list, first_index: int) -> None:
    """Messages at DLH triaged after the given hours (created an hour apart)."""
    with in_app(app):
        opd = Opd.query.filter_by(code="DLH").one()
        for index, value in enumerate(hours, start=first_index):
            created = datetime(2026, 3, 2, 1, 0) + index * HOUR
            db.session.add(Message(perihal=f"Perihal {index}", body="Isi", channel="guest",
                                   status="diproses", opd=opd, created_at=created,
                                   updated_at=created, triaged_at=created + value * HOUR,
                                   forwarded_at=created + value * HOUR))
        db.session.commit()


def quality_row(login_as, name: str) -> list[str]:
    import csv
    import io

    client = login_as("evaluator")
    data = client.get("/admin/laporan/ekspor.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    start = rows.index(["Kinerja OPD"])
    return next(row[1:] for row in rows[start:] if row and row[0] == name)


# --- the evaluator's table ----------------------------------------------------------------------

def evaluator_rows(client, **args) -> tuple[int, dict]:
    response = client.get("/admin/evaluasi/", query_string=args)
    html = response.get_data(as_text=True)
    rows = {}
    for chunk in html.split('<tr data-opd="')[1:]:
        name, cells = chunk.split('"', 1)[0], chunk.split("</tr>")[0].split("<td>")[2:]
        rows[name] = [int(cell.split("</td>")[0].split(">")[-2].split("<")[0]
                          if "<a" in cell else cell.split("</td>")[0]) for cell in cells]
    return response.status_code, rows


def test_evaluator_lists_every_active_opd_even_without_messages(app, login_as, dataset):
    """Does the status × OPD table have a row of zeros for each active OPD nobody wrote to?"""
    with in_app(app):
        active = {o.name for o in Opd.query.filter_by(active=True)}
        with_messages = set(db.session.scalars(text(
            "SELECT DISTINCT o.name FROM message m JOIN opd o ON o.id = m.opd_id")))
    idle = active - with_messages
    assert idle
    status, rows = evaluator_rows(login_as("evaluator"))
    assert status == 200
    assert active <= set(rows)
    for name in idle:
        assert rows[name] == [0, 0, 0, 0, 0]
    assert rows["Dinas Lingkungan Hidup"] == [0, 1, 0, 1, 1]  # m6 forwarded, m5 selesai; m6 late


def test_evaluator_counts_only_the_chosen_period(app, login_as, dataset):
    """With 1-31 January 2026 (Indonesian dates), are only January's messages counted?"""
    client = login_as("evaluator")
    status, rows = evaluator_rows(client, start="01/01/2026", end="31/01/2026")
    assert status == 200
    # January: m1-m3 selesai and m4 diproses, all at Diskominfo; nothing at DLH.
    assert rows["Dinas Komunikasi dan Informatika"] == [0, 0, 1, 3, 0]
    assert rows["Dinas Lingkungan Hidup"] == [0, 0, 0, 0, 0]
    html = client.get("/admin/evaluasi/", query_string={"start": "01/01/2026",
                                                         "end": "31/01/2026"}).get_data(
        as_text=True)
    assert "01/01/2026 sampai 31/01/2026" in html
    link = html.split('data-opd="Dinas Komunikasi dan Informatika"')[1].split('href="')[1]
    assert "start=2026-01-01" in link and "end=2026-01-31" in link


def test_evaluator_refuses_a_bad_period_in_indonesian(login_as, dataset):
    """Does an impossible or reversed period get a 400 with the Indonesian reason, no table?"""
    client = login_as("evaluator")
    response = client.get("/admin/evaluasi/", query_string={"start": "31/02/2026"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Tanggal mulai tidak valid" in html and 'id="status-report"' not in html
    response = client.get("/admin/evaluasi/", query_string={"start": "10/02/2026",
                                                            "end": "01/02/2026"})
    assert response.status_code == 400
    assert "Tanggal mulai harus sebelum" in response.get_data(as_text=True)

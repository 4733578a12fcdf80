"""Open figures per OPD (/kinerja): over a period, what each OPD received and finished, how
fast it answered, how citizens rated it and how many teguran it got, ranked, with charts, for
anyone to read, cite and download as CSV or JSON (public information, UU 14/2008).

The numbers are the back-office report's own (`services.report_figures`, over every counted
message, as an admin's report counts them); they are cached with `cached_figure` until the
data changes, and the page itself with `cached_page`. The page names OPDs only: no message, no
reporter, nothing a rahasia message says.
"""
from dataclasses import dataclass
from datetime import date

from flask import Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from models import Message, Opd, Reprimand, db, utcnow
from models.access import counted_clause
from models.cache import cache_warmer, cached_figure, cached_page
from models.vocabulary import local_time
from public_portal import bp
from services import charts, exports
from services.report_figures import (
    DATE_FORMATS,
    FilterError,
    Period,
    count_messages,
    one_decimal,
    parse_date,
    period_key,
    quality_per_opd,
)

RANKING_RULE = _l("Peringkat: OPD dengan persentase pesan yang dijawab tepat waktu tertinggi "
                  "berada di atas; bila sama, yang median waktu jawabnya lebih singkat. Kedua "
                  "angka dibandingkan seperti tertulis di tabel (persen bulat, jam dengan satu "
                  "desimal); OPD dengan angka yang sama berbagi peringkat. OPD yang belum "
                  "menyelesaikan pesan berbatas waktu pada periode ini tidak diberi peringkat.")


@dataclass
class OpdFigures:
    """One OPD's row (or, with `opd_id` None, the messages no OPD received)."""
    opd_id: int | None
    name: str
    received: int = 0
    finished: int = 0            # answered by the OPD, with a deadline to meet
    on_time: int = 0             # ... by that deadline
    sla_percent: int | None = None
    answer_median: float | None = None  # hours from forwarding to the answer, one decimal
    answer_p90: float | None = None
    average_rating: float | None = None  # stars, one decimal
    ratings: int = 0
    teguran: int = 0
    rank: int | None = None

    def merit(self) -> tuple:
        """What the ranking compares, as the table shows it: higher share on time first, then
        the shorter median."""
        return -self.sla_percent, self.answer_median


@dataclass
class OpenFigures:
    period: Period
    rows: list            # ranked OPDs, then unranked ones by name, then the messages of no OPD
    received: int         # every counted message of the period
    finished: int
    teguran: int


def chosen_period(args) -> Period:
    """The period asked for, read as the back-office report reads it; with no dates asked at
    all, the current year (WITA)."""
    if "start" not in args and "end" not in args:
        year = local_time(utcnow()).year
        return Period(date(year, 1, 1), date(year, 12, 31))
    return Period.from_args(args)


def teguran_per_opd(conditions) -> dict:
    """{OPD id: teguran sent to it} about the messages matching `conditions`."""
    return dict(db.session.execute(
        select(Reprimand.opd_id, func.count(Reprimand.id))
        .join(Message, Message.id == Reprimand.message_id)
        .where(*conditions).group_by(Reprimand.opd_id)).all())


def ranked(rows: list) -> list:
    """The rows in ranking order (see RANKING_RULE), each ranked OPD given its rank."""
    candidates = sorted((row for row in rows if row.opd_id is not None and row.finished),
                        key=lambda row: (row.merit(), row.name))
    for position, row in enumerate(candidates, 1):
        before = candidates[position - 2] if position > 1 else None
        row.rank = before.rank if before and before.merit() == row.merit() else position
    unranked = sorted((row for row in rows if row.opd_id is not None and not row.finished),
                      key=lambda row: row.name)
    return candidates + unranked + [row for row in rows if row.opd_id is None]


def open_figures(period: Period) -> OpenFigures:
    """The figures of `period`, computed now with the report's own functions, over every
    counted message (withdrawn ones are not counted; rahasia ones are, as in the report)."""
    conditions = [counted_clause(), *period.conditions()]
    counts = count_messages(conditions, utcnow())
    opds = db.session.execute(select(Opd.id, Opd.name, Opd.active)).all()
    quality = {q.opd_id: q for q in quality_per_opd(conditions, counts,
                                                    {opd_id: name for opd_id, name, _a in opds})}
    teguran = teguran_per_opd(conditions)
    rows = []
    # Every active OPD has a row, with zeros when nothing reached it; an inactive one only
    # when the period still holds its messages or teguran.
    shown = [(opd_id, name) for opd_id, name, active in opds
             if active or opd_id in quality or opd_id in teguran]
    if None in quality:
        shown.append((None, quality[None].name))
    for opd_id, name in shown:
        row = OpdFigures(opd_id, name, teguran=teguran.get(opd_id, 0))
        q = quality.get(opd_id)
        if q is not None:
            row.received, row.finished, row.on_time = q.messages, q.finished, q.on_time
            row.sla_percent, row.ratings = q.sla_percent, q.ratings
            row.answer_median = one_decimal(q.answer_median)
            row.answer_p90 = one_decimal(q.answer_p90)
            row.average_rating = one_decimal(q.average_rating)
        rows.append(row)
    return OpenFigures(period=period, rows=ranked(rows), received=counts.status["total"],
                       finished=sum(row.finished for row in rows),
                       teguran=sum(teguran.values()))


def cached_open_figures(period: Period) -> OpenFigures:
    """`open_figures`, computed again only when a message, rating or teguran changed."""
    return cached_figure(f"kinerja:{period_key(period)}", lambda: open_figures(period))


@cache_warmer
def warm_default_figures() -> OpenFigures:
    """The figures of the page as it opens: the current year."""
    return cached_open_figures(chosen_period({}))


# --- the page and its downloads -----------------------------------------------------------------

def columns() -> list:
    """The table's header, as the page, the CSV and the JSON keys name its columns."""
    return [("rank", _("Peringkat")), ("opd", _("OPD")), ("received", _("Pesan diterima")),
            ("finished", _("Selesai dijawab")), ("on_time", _("Dijawab tepat waktu")),
            ("sla_percent", _("Tepat waktu (%)")),
            ("answer_median_hours", _("Median waktu jawab (jam)")),
            ("answer_p90_hours", _("P90 waktu jawab (jam)")),
            ("average_rating", _("Rating rata-rata")), ("ratings", _("Jumlah rating")),
            ("teguran", _("Teguran"))]


def row_values(row: OpdFigures) -> list:
    return [row.rank, row.name, row.received, row.finished, row.on_time, row.sla_percent,
            row.answer_median, row.answer_p90, row.average_rating, row.ratings, row.teguran]


# Narrower than the back office's charts: on a phone a 560-wide drawing shrinks its text to
# half size; this one keeps it legible.
CHART_SIZE = {"width": 420, "label_width": 200}


def figure_charts(figures: OpenFigures) -> list:
    """(title, SVG) of each chart; the title is shown above the drawing and is its <title>."""
    ranked_rows = [row for row in figures.rows if row.rank is not None]
    busiest = sorted((row for row in figures.rows if row.opd_id is not None and row.received),
                     key=lambda row: (-row.received, row.name))
    drawn = [(_("Persentase dijawab tepat waktu, menurut peringkat"),
              [(f"{row.rank}. {row.name}", row.sla_percent) for row in ranked_rows]),
             (_("Pesan diterima per OPD"), [(row.name, row.received) for row in busiest])]
    return [(title, charts.bar_chart(items, title, **CHART_SIZE)) for title, items in drawn]


def as_json(figures: OpenFigures) -> dict:
    keys = [key for key, _label in columns()]

    def record(row):
        values = dict(zip(keys, row_values(row), strict=True))
        if row.opd_id is None:
            del values["rank"]
        return values
    period = figures.period
    return {
        "period": {"start": period.start and period.start.isoformat(),
                   "end": period.end and period.end.isoformat(), "label": period.label()},
        "ranking_rule": str(RANKING_RULE),
        "received": figures.received, "finished": figures.finished, "teguran": figures.teguran,
        "opd": [record(row) for row in figures.rows if row.opd_id is not None],
        "without_opd": next((record(row) for row in figures.rows if row.opd_id is None), None),
    }


def as_csv(figures: OpenFigures) -> Response:
    period = figures.period
    span = "_".join(day.isoformat() if day else "" for day in (period.start, period.end))
    table = (_("Kinerja OPD"), [label for _key, label in columns()],
             [row_values(row) for row in figures.rows])
    return exports.download([table], "csv", f"kinerja-opd-{span}")


def period_args(period: Period) -> dict:
    """The period as the address's arguments; an open end stays named (empty), so a link to
    all time is not read as the current year."""
    return {name: day.isoformat() if day else ""
            for name, day in (("start", period.start), ("end", period.end))}


def download(fmt: str):
    """The figures as CSV or JSON; a bad period is refused with its reason (400)."""
    try:
        period = chosen_period(request.args)
    except FilterError as error:
        if fmt == "json":
            return jsonify({"error": str(error)}), 400
        return Response(str(error), status=400, content_type="text/plain; charset=utf-8")
    figures = cached_open_figures(period)
    return jsonify(as_json(figures)) if fmt == "json" else as_csv(figures)


def written_day(value: str) -> bool:
    """`value` is empty or a day the period reads, spelled as one of the accepted ways writes
    it (31/12/2026, 31-12-2026, 2026-12-31): a cached page per spelling, no more."""
    if value == "":
        return True
    try:
        day = parse_date(value, "")
    except FilterError:
        return False
    return value in {day.strftime(pattern) for pattern in DATE_FORMATS}


@cached_page(start=written_day, end=written_day, format=lambda value: value in ("", "html"))
def page():
    try:
        period = chosen_period(request.args)
    except FilterError as error:
        return render_template("portal/kinerja.html", error=str(error), figures=None,
                               period=Period(), args=request.args), 400
    figures = cached_open_figures(period)
    return render_template("portal/kinerja.html", error=None, figures=figures, period=period,
                           args=request.args, columns=columns(), row_values=row_values,
                           period_args=period_args(period),
                           charts=figure_charts(figures), ranking_rule=RANKING_RULE)


@bp.get("/kinerja")
def kinerja():
    fmt = request.args.get("format", "")
    if not fmt or fmt == "html":
        return page()
    if fmt not in ("csv", "json"):
        return Response(_("Format \"%(f)s\" tidak dikenal: pilih csv atau json.", f=fmt[:20]),
                        status=400, content_type="text/plain; charset=utf-8")
    return download(fmt)


@bp.get("/kinerja.<any(csv,json):fmt>")
def kinerja_download(fmt):
    return download(fmt)

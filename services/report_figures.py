"""The report's figures (the provincial report's tables and the SOP's quality measures),
computed in SQL and cached while the data stays the same. Both doors read them: the back-office
report and the public figures per OPD (/kinerja) show the same numbers.

Every count comes from one GROUP BY over the period's messages (by OPD, category, kabupaten
and month: few groups), folded in Python. Durations are hours computed by the database, and
their median and P90 per OPD are picked by window functions (SQLite has no percentile function
and PostgreSQL's differs), so no time value is loaded into Python. Withdrawn (dicabut)
messages are left out everywhere: the citizen took them back.

`cached_report` caches a computed report per staff scope, period and language with
`models.cache.cached_figure` (and per passed deadline: overdue counts move with the clock).
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import Float, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from models import Category, Message, Opd, Rating, db, utcnow
from models.access import counted_clause, staff_message_scope, staff_scope_key
from models.cache import cached_figure
from models.errors import DomainError
from models.triage import acceptance
from models.vocabulary import (
    AT_OPD_STATUSES,
    OPEN_STATUSES,
    implausible_day_message,
    local_midnight_utc,
    plausible_day,
)
from services.charts import percent

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d")


class FilterError(DomainError, ValueError):
    """A filter value the user must correct; `str(error)` is the Indonesian message."""


def parse_date(raw: str | None, label: str) -> date | None:
    """A date typed as 31/12/2026 (or sent by a date input as 2026-12-31)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    for pattern in DATE_FORMATS:
        try:
            day = datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
        if not plausible_day(day):
            raise FilterError(str(implausible_day_message(label)))
        return day
    raise FilterError(_("%(label)s tidak valid: tulis tanggal sebagai HH/BB/TTTT, misalnya "
                        "31/12/2026.", label=label))


@dataclass
class Period:
    """An inclusive range of local (WITA) days; an open end means all time on that side."""
    start: date | None = None
    end: date | None = None

    @classmethod
    def from_args(cls, args) -> "Period":
        period = cls(parse_date(args.get("start"), _("Tanggal mulai")),
                     parse_date(args.get("end"), _("Tanggal akhir")))
        if period.start and period.end and period.start > period.end:
            raise FilterError(_("Tanggal mulai harus sebelum atau sama dengan tanggal akhir."))
        return period

    def conditions(self, column=Message.created_at) -> list:
        conditions = []
        if self.start:
            conditions.append(column >= local_midnight_utc(self.start))
        if self.end:
            conditions.append(column < local_midnight_utc(self.end + timedelta(days=1)))
        return conditions

    def label(self) -> str:
        show = lambda d: d.strftime("%d/%m/%Y")  # noqa: E731
        if self.start and self.end:
            return _("%(a)s sampai %(b)s", a=show(self.start), b=show(self.end))
        if self.start:
            return _("sejak %(a)s", a=show(self.start))
        if self.end:
            return _("sampai %(b)s", b=show(self.end))
        return _("seluruh waktu")

    def query_args(self) -> dict:
        return {k: v.isoformat() for k, v in (("start", self.start), ("end", self.end)) if v}


def base_conditions(user, period: Period) -> list:
    return [staff_message_scope(user), counted_clause(), *period.conditions()]


def period_key(period: Period) -> str:
    return f"{period.start or ''}..{period.end or ''}"


def overdue_mark(now) -> str:
    """Changes whenever a triage or answer deadline passes.

    Overdue counts move with the clock, not only with the data: a figure holding them is exact
    while no deadline has passed since it was counted. The newest deadline already passed, among
    the messages it makes overdue, moves exactly when one more passes: one lookup per status
    in the (status, deadline) indexes.
    """
    def newest(status, column):
        return (select(func.max(column)).where(Message.status == status, column < now)
                .scalar_subquery())

    deadlines = [newest("baru", Message.triage_due_at),
                 *(newest(status, Message.answer_due_at) for status in AT_OPD_STATUSES)]
    row = db.session.execute(select(*deadlines)).one()
    return "|".join(str(value) for value in row)


def figures_time():
    """The time cached figures are counted at: now, or, with FIGURES_MAX_AGE, the start of the
    current span of that many seconds. Deadlines pass every minute or so in a large table; this
    gives the overdue counts the same leeway cached figures have after a change."""
    now = utcnow()
    max_age = current_app.config["FIGURES_MAX_AGE"]
    if not max_age:
        return now
    return now - timedelta(seconds=(now - datetime(1970, 1, 1)).total_seconds() % max_age)


# --- durations, counted by the database ---------------------------------------------------------

class HoursBetween(FunctionElement):
    """Hours from the first time to the second, as a float computed in SQL."""
    type = Float()
    inherit_cache = True
    name = "hours_between"


@compiles(HoursBetween)
def _hours_between(element, compiler, **kw):
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    # julianday() is a float of days; rounded to the millisecond, whole seconds come back
    # exact, so the hours equal Python's (end - start).total_seconds() / 3600.
    return f"(ROUND((julianday({end}) - julianday({start})) * 86400000) / 3600000.0)"


@compiles(HoursBetween, "postgresql")
def _hours_between_postgresql(element, compiler, **kw):
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST(EXTRACT(EPOCH FROM ({end}) - ({start})) AS DOUBLE PRECISION) / 3600)"


def count_if(condition):
    return func.sum(case((condition, 1), else_=0))


# --- the counts: one GROUP BY, folded in Python -------------------------------------------------

@dataclass
class Counts:
    """Every count of the report, folded from one pass over the period's messages."""
    status: dict = field(default_factory=lambda: dict.fromkeys(
        ("total", "selesai", "ditangani", "ditutup", "overdue"), 0))
    categories: Counter = field(default_factory=Counter)  # by category id (None: none)
    opds: Counter = field(default_factory=Counter)        # by OPD id (None: not forwarded)
    kabupaten: Counter = field(default_factory=Counter)
    months: Counter = field(default_factory=Counter)      # by (year, month)
    finished: Counter = field(default_factory=Counter)    # by OPD id: answered with a deadline
    on_time: Counter = field(default_factory=Counter)     # by OPD id: ... and by the deadline
    rating_sum: Counter = field(default_factory=Counter)  # by OPD id: half-stars given
    ratings: Counter = field(default_factory=Counter)     # by OPD id: ratings given


def count_messages(conditions, now) -> Counts:
    """One GROUP BY over OPD, category, kabupaten and month (few groups), summed in Python;
    the ratings are joined in, so the period's messages are read once.

    Months are calendar months of the stored UTC time (WITA differs by 8 hours).
    """
    year = func.extract("year", Message.created_at)
    month = func.extract("month", Message.created_at)
    answered = and_(Message.opd_id.isnot(None), Message.finished_at.isnot(None),
                    Message.forwarded_at.isnot(None), Message.answer_due_at.isnot(None))
    rows = db.session.execute(
        select(Message.opd_id, Message.category_id, Message.kabupaten, year, month,
               func.count(Message.id),
               count_if(Message.status == "selesai"),
               count_if(Message.status.in_(OPEN_STATUSES)),
               count_if(Message.status == "ditutup"),
               count_if(Message.overdue_clause(now)),
               count_if(answered),
               count_if(and_(answered, Message.finished_at <= Message.answer_due_at)),
               func.sum(Rating.half_stars), func.count(Rating.id))
        .outerjoin(Rating, Rating.message_id == Message.id)
        .where(*conditions)
        .group_by(Message.opd_id, Message.category_id, Message.kabupaten, year, month))
    counts = Counts()
    status = counts.status
    for (opd_id, category_id, kabupaten, y, m, total, selesai, ditangani, ditutup, overdue,
         finished, on_time, half_stars, ratings) in rows:
        status["total"] += total
        status["selesai"] += selesai
        status["ditangani"] += ditangani
        status["ditutup"] += ditutup
        status["overdue"] += overdue
        counts.categories[category_id] += total
        counts.opds[opd_id] += total
        counts.kabupaten[kabupaten] += total
        counts.months[int(y), int(m)] += total
        counts.finished[opd_id] += finished
        counts.on_time[opd_id] += on_time
        counts.rating_sum[opd_id] += half_stars or 0
        counts.ratings[opd_id] += ratings
    return counts


def labelled(counts: Counter, name_of, empty_label: str) -> list[tuple[str, int]]:
    """Counts by key as (label, count), most first; keys without a name share `empty_label`."""
    by_label = Counter()
    for key, count in counts.items():
        by_label[name_of(key) or empty_label] += count
    return sorted(by_label.items(), key=lambda row: (-row[1], row[0]))


def month_label(year: int, month: int) -> str:
    """"Januari 2026", in the reader's language."""
    return format_date(date(year, month, 1), "LLLL yyyy")


# --- quality per OPD ----------------------------------------------------------------------------

P90 = (9, 10)  # the P90's share as a fraction, so that ranks are counted in whole numbers


def ranks(count: int) -> tuple[int, int, int]:
    """The ranks (from 1) of the two middle values and of the P90 among `count` values."""
    share, whole = P90
    return (count + 1) // 2, count // 2 + 1, max((share * count + whole - 1) // whole, 1)


def durations(conditions) -> dict:
    """{kind: {OPD id: (median, P90)}} of the hours to triage (since arrival) and to answer
    (since forwarding, for forwarded messages), ranked by the database in one pass.

    The median is statistics.median's (the mean of the two middle values of an even count); the
    P90 is the nearest rank: the smallest value with 90 % of the values at or below it, the
    value ranked ceil(0.9 n) of n. Only those ranks leave the database.
    """
    hours = {"triage": HoursBetween(Message.created_at, Message.triaged_at),
             "answer": case((Message.opd_id.isnot(None),
                             HoursBetween(Message.forwarded_at, Message.finished_at)))}
    columns = []
    for kind, value in hours.items():
        columns += [value.label(kind),
                    func.row_number().over(partition_by=Message.opd_id,
                                           order_by=value.asc().nulls_last()).label(f"{kind}_rank"),
                    func.count(value).over(partition_by=Message.opd_id).label(f"{kind}_n")]
    ranked = select(Message.opd_id.label("opd_id"), *columns).where(*conditions).subquery()
    share, whole = P90
    wanted = []
    for kind in hours:
        n, rank = ranked.c[f"{kind}_n"], ranked.c[f"{kind}_rank"]
        wanted += [rank == (n + 1) // 2, rank == n // 2 + 1, rank == (share * n + whole - 1) // whole]
    picked: dict = {kind: {} for kind in hours}
    for row in db.session.execute(select(ranked).where(or_(*wanted))).mappings():
        for kind in hours:
            count, rank, value = row[f"{kind}_n"], row[f"{kind}_rank"], row[kind]
            if value is not None and rank in ranks(count):
                picked[kind].setdefault(row["opd_id"], (count, {}))[1][rank] = value
    result = {}
    for kind, per_opd in picked.items():
        result[kind] = {}
        for opd_id, (count, at) in per_opd.items():
            low, high, p90 = ranks(count)
            median = at[low] if count % 2 else (at[low] + at[high]) / 2
            result[kind][opd_id] = (median, at[p90])
    return result


@dataclass
class OpdQuality:
    name: str
    messages: int = 0
    triage_median: float | None = None
    triage_p90: float | None = None
    answer_median: float | None = None
    answer_p90: float | None = None
    finished: int = 0
    on_time: int = 0
    rating_sum: int = 0
    ratings: int = 0
    opd_id: int | None = None  # None: the messages not forwarded to any OPD

    @property
    def sla_percent(self):
        return percent(self.on_time, self.finished) if self.finished else None

    @property
    def average_rating(self):
        return self.rating_sum / self.ratings / 2 if self.ratings else None  # half-stars → stars

    def median(self, kind):
        return getattr(self, f"{kind}_median")

    def p90(self, kind):
        return getattr(self, f"{kind}_p90")


def quality_per_opd(conditions, counts: Counts, names: dict) -> list[OpdQuality]:
    table = {opd_id: OpdQuality(names.get(opd_id) or _("Tanpa OPD (admin)"), messages=count,
                                finished=counts.finished[opd_id],
                                on_time=counts.on_time[opd_id],
                                rating_sum=counts.rating_sum[opd_id],
                                ratings=counts.ratings[opd_id], opd_id=opd_id)
             for opd_id, count in counts.opds.items()}
    for kind, per_opd in durations(conditions).items():
        for opd_id, (median, p90) in per_opd.items():
            setattr(table[opd_id], f"{kind}_median", median)
            setattr(table[opd_id], f"{kind}_p90", p90)
    return sorted(table.values(), key=lambda q: (-q.messages, q.name))


# --- the whole report ---------------------------------------------------------------------------

def shares(rows, total) -> list[tuple[str, int, int]]:
    return [(label, count, percent(count, total)) for label, count in rows]


def join_words(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(a)s dan %(b)s", a=", ".join(parts[:-1]), b=parts[-1])


def conclusions(status: dict, categories, opds) -> list[str]:
    """The report's closing sentences (share finished, by category, top OPDs, overdue), computed
    from the figures."""
    total = status["total"]
    if not total:
        return [_("Belum ada pesan yang masuk pada periode ini.")]
    sentences = [_("Dari %(total)s pesan yang masuk, %(done)s pesan atau %(p)s %% selesai diproses, "
                   "sedangkan %(open)s pesan atau %(q)s %% sedang ditangani.",
                   total=total, done=status["selesai"], p=percent(status["selesai"], total),
                   open=status["ditangani"], q=percent(status["ditangani"], total))]
    if status["ditutup"]:
        sentences.append(_("Sebanyak %(n)s pesan atau %(p)s %% ditutup (spam, di luar kewenangan "
                           "atau duplikat).", n=status["ditutup"],
                           p=percent(status["ditutup"], total)))
    uncategorised = _("Belum dikategorikan")
    parts = [_("%(n)s atau %(p)s %% berupa %(name)s", n=count, p=share, name=name)
             for name, count, share in shares(categories, total) if name != uncategorised]
    parts += [_("%(n)s atau %(p)s %% belum dikategorikan", n=count, p=share)
              for name, count, share in shares(categories, total) if name == uncategorised]
    sentences.append(_("Menurut kategori, sebanyak %(parts)s.", parts=join_words(parts)))
    forwarded = [(name, count) for name, count in opds if name != _("Belum diteruskan ke OPD")]
    if forwarded:
        top = [_("%(p)s %% kepada %(name)s", p=percent(count, total), name=name)
               for name, count in forwarded[:3]]
        sentences.append(_("Sebanyak %(n)s OPD menerima aspirasi dan pengaduan. Tiga besar "
                           "teratas: %(top)s.", n=len(forwarded), top=join_words(top)))
    if status["overdue"]:
        sentences.append(_("%(n)s pesan atau %(p)s %% melewati batas waktu SLA.",
                           n=status["overdue"], p=percent(status["overdue"], total)))
    return sentences


def one_decimal(value):
    return round(value, 1) if value is not None else None


@dataclass
class Report:
    """The whole report: plain data in the reader's language, so it can be cached (pickled)."""
    period: Period
    status: dict
    categories: list
    opds: list
    kabupaten: list
    months: list
    quality: list
    sentences: list
    suggestions: list = field(default_factory=list)  # models.triage.Acceptance per field


def build_report(user, period: Period, now=None) -> Report:
    """The report computed now: one GROUP BY for every count, the ranks of the durations, the
    ratings per OPD, and how often the triage suggestions were taken."""
    conditions = base_conditions(user, period)
    counts = count_messages(conditions, now or utcnow())
    opd_names = dict(db.session.execute(select(Opd.id, Opd.name)).all())
    category_names = dict(db.session.execute(select(Category.id, Category.name)).all())
    categories = labelled(counts.categories, category_names.get, _("Belum dikategorikan"))
    opds = labelled(counts.opds, opd_names.get, _("Belum diteruskan ke OPD"))
    kabupaten = labelled(counts.kabupaten, lambda name: name, _("Tidak disebutkan"))
    months = [(month_label(y, m), counts.months[y, m]) for y, m in sorted(counts.months)]
    return Report(period=period, status=counts.status, categories=categories, opds=opds,
                  kabupaten=kabupaten, months=months,
                  quality=quality_per_opd(conditions, counts, opd_names),
                  sentences=conclusions(counts.status, categories, opds),
                  suggestions=acceptance(conditions))


def cached_report(user, period: Period) -> Report:
    """The report as `build_report` gives it, computed again only when a message, rating or
    teguran changed or a deadline passed (see `figures_time`); cached per staff scope, period
    and language."""
    now = figures_time()
    return cached_figure(f"laporan:{staff_scope_key(user)}:{period_key(period)}",
                         lambda: build_report(user, period, now), marks=(overdue_mark(now),))

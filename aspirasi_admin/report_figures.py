"""The report's figures (the provincial report's tables and the SOP's quality measures), computed
live in SQL.

Every count, share and average is a GROUP BY aggregate. Percentiles of durations are the
exception: one query fetches the per-OPD durations and Python sorts them, because SQLite has
no percentile function and PostgreSQL's differs. Withdrawn (dicabut) messages are left out
everywhere: the citizen took them back.
"""
import math
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import case, func

from aspirasi_admin.charts import percent
from models import Category, Message, Opd, Rating, db, utcnow
from models.access import counted_clause, staff_message_scope
from models.errors import DomainError
from models.vocabulary import (
    OPEN_STATUSES,
    implausible_day_message,
    local_midnight_utc,
    plausible_day,
)

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


def _counts(column, conditions, empty_label: str, join=None) -> list[tuple[str, int]]:
    query = db.session.query(column, func.count(Message.id)).select_from(Message)
    if join is not None:
        query = query.outerjoin(*join)
    rows = query.filter(*conditions).group_by(column).all()
    rows = [(name if name else empty_label, count) for name, count in rows]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def by_category(conditions):
    return _counts(Category.name, conditions, _("Belum dikategorikan"),
                   (Category, Message.category_id == Category.id))


def by_opd(conditions):
    return _counts(Opd.name, conditions, _("Belum diteruskan ke OPD"),
                   (Opd, Message.opd_id == Opd.id))


def by_kabupaten(conditions):
    return _counts(Message.kabupaten, conditions, _("Tidak disebutkan"))


def by_status(conditions, now=None) -> dict:
    """Selesai, sedang ditangani (baru/diteruskan/diproses), ditutup, and the overdue share."""
    def count_if(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    total, selesai, ditangani, ditutup, overdue = db.session.query(
        func.count(Message.id),
        count_if(Message.status == "selesai"),
        count_if(Message.status.in_(OPEN_STATUSES)),
        count_if(Message.status == "ditutup"),
        count_if(Message.overdue_clause(now or utcnow())),
    ).filter(*conditions).one()
    return {"total": total, "selesai": selesai, "ditangani": ditangani, "ditutup": ditutup,
            "overdue": overdue}


def monthly(conditions) -> list[tuple[str, int]]:
    """Messages per calendar month (of the stored UTC time; WITA differs by 8 hours)."""
    year = func.extract("year", Message.created_at)
    month = func.extract("month", Message.created_at)
    rows = (db.session.query(year, month, func.count(Message.id)).filter(*conditions)
            .group_by(year, month).order_by(year, month).all())
    return [(month_label(int(y), int(m)), count) for y, m, count in rows]


def month_label(year: int, month: int) -> str:
    """"Januari 2026", in the reader's language."""
    return format_date(date(year, month, 1), "LLLL yyyy")


# --- quality per OPD ----------------------------------------------------------------------------

def nearest_rank(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with `share` of the values at or below."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


def _durations(conditions, begin, finish) -> dict:
    """Hours from `begin` to `finish` per OPD id (None: handled by the admin alone)."""
    rows = (db.session.query(Message.opd_id, begin, finish)
            .filter(*conditions, begin.isnot(None), finish.isnot(None)).all())
    hours = {}
    for opd_id, start, end in rows:
        hours.setdefault(opd_id, []).append((end - start).total_seconds() / 3600)
    return hours


@dataclass
class OpdQuality:
    name: str
    messages: int = 0
    triage: list = field(default_factory=list)
    answer: list = field(default_factory=list)
    finished: int = 0
    on_time: int = 0
    rating_sum: int = 0
    ratings: int = 0

    @property
    def sla_percent(self):
        return percent(self.on_time, self.finished) if self.finished else None

    @property
    def average_rating(self):
        return self.rating_sum / self.ratings / 2 if self.ratings else None  # half-stars → stars

    def median(self, kind):
        values = getattr(self, kind)
        return statistics.median(values) if values else None

    def p90(self, kind):
        values = getattr(self, kind)
        return nearest_rank(values, 0.9) if values else None


def quality_per_opd(conditions) -> list[OpdQuality]:
    names = dict(db.session.query(Opd.id, Opd.name).all())
    table: dict = {}

    def row(opd_id) -> OpdQuality:
        if opd_id not in table:
            table[opd_id] = OpdQuality(names.get(opd_id) or _("Tanpa OPD (admin)"))
        return table[opd_id]

    for opd_id, count in (db.session.query(Message.opd_id, func.count(Message.id))
                          .filter(*conditions).group_by(Message.opd_id)):
        row(opd_id).messages = count
    for opd_id, hours in _durations(conditions, Message.created_at, Message.triaged_at).items():
        row(opd_id).triage = hours
    for opd_id, hours in _durations(conditions + [Message.opd_id.isnot(None)],
                                    Message.forwarded_at, Message.finished_at).items():
        row(opd_id).answer = hours
    # SLA: finished forwarded messages answered by their deadline.
    sla = (db.session.query(Message.opd_id, func.count(Message.id),
                            func.sum(case((Message.finished_at <= Message.answer_due_at, 1),
                                          else_=0)))
           .filter(*conditions, Message.opd_id.isnot(None), Message.finished_at.isnot(None),
                   Message.forwarded_at.isnot(None), Message.answer_due_at.isnot(None))
           .group_by(Message.opd_id))
    for opd_id, finished, on_time in sla:
        row(opd_id).finished, row(opd_id).on_time = finished, int(on_time or 0)
    ratings = (db.session.query(Message.opd_id, func.sum(Rating.half_stars), func.count(Rating.id))
               .join(Rating, Rating.message_id == Message.id)
               .filter(*conditions).group_by(Message.opd_id))
    for opd_id, half_stars, count in ratings:
        row(opd_id).rating_sum, row(opd_id).ratings = int(half_stars), count
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
    period: Period
    status: dict
    categories: list
    opds: list
    kabupaten: list
    months: list
    quality: list
    sentences: list


def build_report(user, period: Period) -> Report:
    conditions = base_conditions(user, period)
    status = by_status(conditions)
    categories = by_category(conditions)
    opds = by_opd(conditions)
    return Report(period=period, status=status, categories=categories, opds=opds,
                  kabupaten=by_kabupaten(conditions), months=monthly(conditions),
                  quality=quality_per_opd(conditions),
                  sentences=conclusions(status, categories, opds))

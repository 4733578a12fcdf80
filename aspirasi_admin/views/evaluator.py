"""The evaluator's desk: messages by status × OPD for a period, overdue counts, and the teguran
sent."""
import functools

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from aspirasi_admin.guards import GuardedView, expose
from models import Message, Opd, Reprimand, db, utcnow
from models.access import counted_clause
from models.cache import cache_warmer, cached_figure
from models.vocabulary import STATUS_LABELS
from services.report_figures import (
    FilterError,
    Period,
    count_if,
    figures_time,
    overdue_mark,
    period_key,
)

REPORT_COLUMNS = tuple((code, STATUS_LABELS[code])
                       for code in ("baru", "diteruskan", "diproses", "selesai"))


def status_by_opd(period: Period, now=None) -> dict:
    """{opd_id or None: {status: count, "overdue": count}}, from one SQL GROUP BY."""
    rows = db.session.execute(
        select(Message.opd_id, Message.status, func.count(Message.id),
               count_if(Message.overdue_clause(now or utcnow())))
        .where(counted_clause(), *period.conditions())
        .group_by(Message.opd_id, Message.status))
    table: dict = {}
    for opd_id, status, count, overdue in rows:
        counts = table.setdefault(opd_id, {"overdue": 0})
        counts[status] = count
        counts["overdue"] += overdue
    return table


def cached_status_by_opd(period: Period) -> dict:
    """`status_by_opd`, counted again only when the data changed or a deadline passed. Every
    evaluator sees every message, so one copy per period serves them all."""
    now = figures_time()
    return cached_figure(f"evaluasi:{period_key(period)}", lambda: status_by_opd(period, now),
                         per_locale=False, marks=(overdue_mark(now),))


@cache_warmer
def warm_default_status_by_opd() -> dict:
    """The desk as it opens: all time."""
    return cached_status_by_opd(Period())


def drill_link(status=None, opd=None, overdue=False, period=None):
    """A link to the all-messages list filtered by status, OPD, overdue and/or period (the
    list's address arguments, aspirasi_admin.views.messages)."""
    args = {}
    if status:
        args["status"] = status
    if opd is not None:
        args["opd"] = opd.id
    if overdue:
        args["overdue"] = "yes"
    if period is not None:
        args.update(period.query_args())
    return url_for("pesan_semua.index_view", **args)


class EvaluatorView(GuardedView):
    roles = ("evaluator",)

    @expose("/")
    def index(self):
        try:
            period = Period.from_args(request.args)
        except FilterError as error:
            return self.render("admin/evaluasi.html", error=str(error), rows=[], totals=[],
                               columns=REPORT_COLUMNS, period=Period(), args=request.args), 400
        counts = cached_status_by_opd(period)
        link = functools.partial(drill_link, period=period)
        # Every active OPD has a row, with zeros when nothing reached it in the period; an
        # inactive one only when it still holds messages.
        opds = [opd for opd in db.session.scalars(select(Opd).order_by(Opd.name))
                if opd.active or opd.id in counts]
        rows = []
        for opd in [*opds, None]:
            opd_counts = counts.get(opd.id if opd else None, {})
            if opd is None and not opd_counts:
                continue
            cells = [(opd_counts.get(code, 0), link(code, opd)) for code, _label in REPORT_COLUMNS]
            cells.append((opd_counts.get("overdue", 0), link(opd=opd, overdue=True)))
            rows.append((opd, cells))
        totals = [sum(row[1][i][0] for row in rows) for i in range(len(REPORT_COLUMNS) + 1)]
        return self.render("admin/evaluasi.html", error=None, rows=rows, columns=REPORT_COLUMNS,
                           totals=totals, period=period, args=request.args)

    @expose("/teguran")
    def teguran(self):
        reprimands = Reprimand.query.order_by(Reprimand.id.desc()).all()
        return self.render("admin/teguran.html", reprimands=reprimands)


def register(admin):
    admin.add_view(EvaluatorView(name=_l("Evaluasi status × OPD"), category=_l("Evaluasi"),
                                 endpoint="evaluasi", url="/admin/evaluasi"))

"""The evaluator's desk: messages by status × OPD, overdue counts, and the teguran sent."""
import functools

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from aspirasi_admin.guards import GuardedView, expose
from aspirasi_admin.views.messages import OVERDUE_COLUMN
from models import Message, Opd, Reprimand, db
from models.access import counted_clause
from models.vocabulary import STATUS_LABELS

REPORT_COLUMNS = tuple((code, STATUS_LABELS[code])
                       for code in ("baru", "diteruskan", "diproses", "selesai"))


def status_by_opd():
    """{opd_id or None: {status: count, "overdue": count}}, counted by SQL GROUP BY."""
    table: dict = {}
    rows = db.session.execute(
        db.select(Message.opd_id, Message.status, func.count(Message.id))
        .where(counted_clause())
        .group_by(Message.opd_id, Message.status)).all()
    for opd_id, status, count in rows:
        table.setdefault(opd_id, {})[status] = count
    overdue = db.session.execute(
        db.select(Message.opd_id, func.count(Message.id))
        .where(Message.overdue_clause()).group_by(Message.opd_id)).all()
    for opd_id, count in overdue:
        table.setdefault(opd_id, {})["overdue"] = count
    return table


def drill_link(list_view, status=None, opd=None, overdue=False):
    """A link to the all-messages list filtered by status, OPD and/or overdue."""
    wanted = []
    if status:
        wanted.append((Message.status, status))
    if opd is not None:
        wanted.append((Opd.name, opd.name))
    if overdue:
        wanted.append((OVERDUE_COLUMN, "1"))
    args = {f"flt{i}_{list_view.filter_arg(column)}": value
            for i, (column, value) in enumerate(wanted)}
    return url_for("pesan_semua.index_view", **args)


class EvaluatorView(GuardedView):
    roles = ("evaluator",)

    @expose("/")
    def index(self):
        counts = status_by_opd()
        list_view = next(v for v in self.admin._views if v.endpoint == "pesan_semua")
        link = functools.partial(drill_link, list_view)
        opds = {o.id: o for o in Opd.query.order_by(Opd.name)}
        rows = []
        for opd_id in sorted(counts, key=lambda k: (k is None, opds[k].name if k else "")):
            opd = opds.get(opd_id)
            cells = [(counts[opd_id].get(code, 0), link(code, opd)) for code, _label in REPORT_COLUMNS]
            cells.append((counts[opd_id].get("overdue", 0), link(opd=opd, overdue=True)))
            rows.append((opd, cells))
        totals = [sum(row[1][i][0] for row in rows) for i in range(len(REPORT_COLUMNS) + 1)]
        return self.render("admin/evaluasi.html", rows=rows, columns=REPORT_COLUMNS, totals=totals)

    @expose("/teguran")
    def teguran(self):
        reprimands = Reprimand.query.order_by(Reprimand.id.desc()).all()
        return self.render("admin/teguran.html", reprimands=reprimands)


def register(admin):
    admin.add_view(EvaluatorView(name=_l("Evaluasi status × OPD"), category=_l("Evaluasi"),
                                 endpoint="evaluasi", url="/admin/evaluasi"))

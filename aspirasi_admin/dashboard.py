"""The staff dashboard: what needs this user's action now, SLA breaches, teguran, notifications."""
import time

from flask import abort, flash, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_babel import gettext as _
from flask_login import current_user

from aspirasi_admin.guards import RoleGuard, refused, scoped_messages
from models import Message, Reprimand, db, lifecycle
from models.access import monitored_clause
from models.audit import record
from models.cache import cached_figure
from models.errors import DomainError
from models.roles import is_admin, is_evaluator, is_monitor, operated_opd_id
from models.vocabulary import AT_OPD_STATUSES, IN_REVIEW
from services.notify import mark_read, settle_teguran, unread_notifications


def _count(query, *conditions):
    return query.filter(*conditions).count()


def _all_messages_with_status(status):
    from aspirasi_admin.views.evaluator import drill_link

    return drill_link(status=status)


def admin_figures():
    messages = scoped_messages()
    return [
        (_("Belum dikonfirmasi"), _count(messages, Message.status == "baru"), url_for("inbox.index_view")),
        (_("Terlambat triase"), _count(messages, Message.status == "baru", Message.overdue_clause()),
         url_for("terlambat.index_view")),
        (_("Terlambat di OPD"), _count(messages, Message.status.in_(AT_OPD_STATUSES),
                                       Message.overdue_clause()), url_for("terlambat.index_view")),
        (_("Tanggapan OPD menunggu pemeriksaan"), _count(messages, Message.status == IN_REVIEW),
         _all_messages_with_status(IN_REVIEW)),
    ]


def operator_figures():
    mine = scoped_messages().filter(Message.opd_id == current_user.opd_id)
    link = url_for("pesan_opd.index_view")
    return [
        (_("Menunggu diterima"), _count(mine, Message.status == "diteruskan"), link),
        (_("Sedang diproses"), _count(mine, Message.status == "diproses"), link),
        (_("Melewati batas waktu"), _count(mine, Message.overdue_clause()), url_for("terlambat.index_view")),
    ]


def monitor_figures():
    watched = Message.query.filter(monitored_clause(current_user))
    return [(_("Pesan dipantau yang masih terbuka"),
             _count(watched, Message.status.in_(AT_OPD_STATUSES)), url_for("pantauan.index_view"))]


def evaluator_figures():
    return [
        (_("Terlambat (semua OPD)"), _count(scoped_messages(), Message.overdue_clause()),
         url_for("terlambat.index_view")),
        (_("Teguran belum diterima OPD"), Reprimand.query.filter_by(acknowledged_at=None).count(),
         url_for("evaluasi.teguran")),
    ]


def figures_for(user):
    """The dashboard's counts, cached per user while the data is unchanged and counted again
    every minute or so: overdue figures change with the clock too."""
    minute = int(time.time() // 60)
    return cached_figure(f"dashboard:{user.id}", lambda: _figures_for(user), marks=(minute,))


def _figures_for(user):
    figures = []
    if is_admin(user):
        figures += admin_figures()
    if operated_opd_id(user) is not None:
        figures += operator_figures()
    if is_monitor(user):
        figures += monitor_figures()
    if is_evaluator(user):
        figures += evaluator_figures()
    return figures


def open_reprimands(user):
    """Unacknowledged teguran addressed to the user's OPD (operators only)."""
    opd_id = operated_opd_id(user)
    if opd_id is None:
        return []
    return (Reprimand.query.filter_by(opd_id=opd_id, acknowledged_at=None)
            .order_by(Reprimand.id.desc()).all())


class DashboardView(RoleGuard, AdminIndexView):
    roles = ("admin", "operator", "monitor", "evaluator")

    @expose("/")
    def index(self):
        recent = []
        if lifecycle.is_evaluator(current_user) or lifecycle.is_admin(current_user):
            recent = Reprimand.query.order_by(Reprimand.id.desc()).limit(5).all()
        return self.render("admin/dashboard.html", figures=figures_for(current_user),
                           reprimands=open_reprimands(current_user), recent_reprimands=recent,
                           notifications=unread_notifications(current_user))

    @expose("/notifikasi/baca", methods=("POST",))
    def read_notifications(self):
        raw = request.form.get("id")
        notification_id = int(raw) if raw and raw.isdigit() and len(raw) <= 9 else None
        if raw and notification_id is None:
            abort(400)
        mark_read(current_user, notification_id)
        db.session.commit()
        return redirect(url_for(".index") + "#notifikasi")

    @expose("/teguran/<int:reprimand_id>/terima", methods=("POST",))
    def acknowledge(self, reprimand_id):
        reprimand = db.session.get(Reprimand, reprimand_id)
        if reprimand is None:
            abort(404)
        try:
            lifecycle.acknowledge(reprimand, current_user._get_current_object())
            settle_teguran(reprimand.message)
            record("teguran.terima", reprimand.message, detail=reprimand.text[:500])
            lifecycle.commit()
        except DomainError as error:
            return refused(error, lambda status: redirect(url_for(".index")))
        flash(_("Teguran telah diterima."), "success")
        return redirect(url_for(".index"))

"""Intake on behalf of a citizen (SOP "penginputan aspirasi"): phone, walk-in or letter."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from aspirasi_admin.guards import GuardedView, expose
from aspirasi_admin.intake_forms import IntakeForm
from models import Message, db, lifecycle
from models.audit import record
from models.vocabulary import CHANNEL_LABELS


class IntakeView(GuardedView):
    roles = ("admin",)

    @expose("/", methods=("GET", "POST"))
    def index(self):
        form = IntakeForm(channel_labels=CHANNEL_LABELS)
        if form.validate_on_submit():
            message = self.create_message(form)
            flash(_("Pesan dicatat dengan nomor tracking %(t)s. Sampaikan nomor ini kepada "
                    "pelapor.", t=message.tracking), "success")
            return redirect(url_for("pesan_detail.show", message_id=message.id))
        for error in form.problems():
            flash(error, "error")
        status = 400 if form.is_submitted() else 200
        return self.render("admin/intake.html", form=form), status

    @staticmethod
    def create_message(form: IntakeForm) -> Message:
        staff = current_user._get_current_object()
        message = Message(
            channel=form.channel.data, perihal=form.perihal.data, body=form.body.data,
            guest_name=form.guest_name.data, guest_nik=form.guest_nik.data or None,
            guest_phone=form.guest_phone.data or None, guest_email=form.guest_email.data or None,
            kabupaten=form.kabupaten.data or None, address=form.address.data or None,
            anonim=form.anonim.data, rahasia=form.rahasia.data, created_by=staff)
        lifecycle.submit(message, actor=staff,
                         note=_("Dicatat oleh petugas (%(c)s)", c=CHANNEL_LABELS[message.channel]))
        db.session.flush()
        record("pesan.intake", message, detail=f"kanal={message.channel}")
        db.session.commit()
        return message


def register(admin):
    admin.add_view(IntakeView(name=_l("Input pesan warga"), category=_l("Pesan"),
                              endpoint="intake", url="/admin/intake"))

"""Intake on behalf of a citizen (SOP "penginputan aspirasi"): phone, walk-in or letter."""
import re

from email_validator import EmailNotValidError, validate_email
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from aspirasi_admin.guards import GuardedView, expose
from models import Message, db
from models import lifecycle
from models.audit import record
from models.nik import nik_problem
from models.vocabulary import CHANNEL_LABELS, INTAKE_CHANNELS

PHONE_PATTERN = re.compile(r"^\+?\d{8,15}$")


def email_problem(email: str):
    try:
        validate_email(email, check_deliverability=False)  # form only, never DNS
    except EmailNotValidError:
        return _("Alamat email tidak valid.")
    return None


def intake_errors(form) -> list[str]:
    errors = []
    if form.get("channel") not in INTAKE_CHANNELS:
        errors.append(_("Pilih kanal penerimaan: telepon, datang langsung, atau surat."))
    if not form.get("guest_name", "").strip():
        errors.append(_("Nama pelapor wajib diisi."))
    if not form.get("perihal", "").strip():
        errors.append(_("Perihal wajib diisi."))
    elif len(form["perihal"].strip()) > 200:
        errors.append(_("Perihal paling panjang 200 karakter."))
    if not form.get("body", "").strip():
        errors.append(_("Isi pesan wajib diisi."))
    nik = form.get("guest_nik", "").strip()
    if nik and nik_problem(nik):
        errors.append(str(nik_problem(nik)))
    phone = re.sub(r"[\s-]", "", form.get("guest_phone", ""))
    if phone and not PHONE_PATTERN.match(phone):
        errors.append(_("Nomor telepon tidak valid."))
    email = form.get("guest_email", "").strip()
    if email and email_problem(email):
        errors.append(email_problem(email))
    if not (phone or email or nik):
        errors.append(_("Isi paling sedikit satu kontak pelapor: telepon, email, atau NIK."))
    return errors


class IntakeView(GuardedView):
    roles = ("admin",)

    @expose("/", methods=("GET", "POST"))
    def index(self):
        form = request.form if request.method == "POST" else {}
        if request.method == "POST":
            errors = intake_errors(form)
            if not errors:
                message = self.create_message(form)
                flash(_("Pesan dicatat dengan nomor tracking %(t)s. Sampaikan nomor ini kepada "
                        "pelapor.", t=message.tracking), "success")
                return redirect(url_for("pesan_detail.show", message_id=message.id))
            for error in errors:
                flash(error, "error")
        status = 400 if request.method == "POST" else 200
        return self.render("admin/intake.html", form=form,
                           channels=[(c, CHANNEL_LABELS[c]) for c in INTAKE_CHANNELS]), status

    @staticmethod
    def create_message(form) -> Message:
        staff = current_user._get_current_object()
        message = Message(
            channel=form["channel"], perihal=form["perihal"].strip(), body=form["body"].strip(),
            guest_name=form["guest_name"].strip(), guest_nik=form.get("guest_nik", "").strip() or None,
            guest_phone=re.sub(r"[\s-]", "", form.get("guest_phone", "")) or None,
            guest_email=form.get("guest_email", "").strip() or None,
            kabupaten=form.get("kabupaten", "").strip() or None,
            address=form.get("address", "").strip() or None,
            anonim=form.get("anonim") == "1", rahasia=form.get("rahasia") == "1",
            created_by=staff)
        lifecycle.submit(message, actor=staff,
                         note=_("Dicatat oleh petugas (%(c)s)", c=CHANNEL_LABELS[message.channel]))
        db.session.flush()
        record("pesan.intake", message, detail=f"kanal={message.channel}")
        db.session.commit()
        return message


def register(admin):
    admin.add_view(IntakeView(name=_l("Input pesan warga"), category=_l("Pesan"),
                              endpoint="intake", url="/admin/intake"))

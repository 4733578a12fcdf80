"""Accounts on the portal: the verify page with its throttled resend button, and the profile
(/settings). The rule that sends unverified accounts to the verify page is the app's own."""
import secrets
from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_security import login_required
from flask_security.confirmable import send_confirmation_instructions

from aspirasi.extensions import limiter
from models import db, utcnow
from public_portal import bp
from public_portal.forms import ActionForm, ProfileForm
from services import storage

RESENDS_BEFORE_PAUSE = 3
RESEND_PAUSE = timedelta(seconds=60)


@bp.get("/masuk/lanjut")
def after_login():
    if not current_user.is_authenticated:
        return redirect(url_for("portal.index"))
    if current_user.is_staff:
        return redirect(url_for("admin.index"))
    if not current_user.nik:
        flash(_("Lengkapi profil Anda (terutama NIK) sebelum mengirim pesan."), "info")
        return redirect(url_for("portal.settings"))
    return redirect(url_for("portal.history"))


def resend_wait_seconds(user) -> int:
    """Seconds the resend button stays paused: after three resends in a row, 60 seconds."""
    if (user.confirm_resend_count or 0) < RESENDS_BEFORE_PAUSE or not user.confirm_resend_at:
        return 0
    left = user.confirm_resend_at + RESEND_PAUSE - utcnow()
    return max(0, int(left.total_seconds() + 0.999))


@bp.get("/verifikasi")
@login_required
def verify():
    if current_user.confirmed_at:
        return redirect(url_for("portal.after_login"))
    return render_template("portal/verify.html", form=ActionForm(),
                           wait=resend_wait_seconds(current_user))


@bp.post("/verifikasi/kirim-ulang")
@login_required
@limiter.limit(lambda: current_app.config["RATE_LIMITS"]["resend"])
def resend_verification():
    user = current_user._get_current_object()
    if user.confirmed_at:
        return redirect(url_for("portal.after_login"))
    ActionForm().validate_on_submit()  # CSRF is checked globally; nothing else to read
    wait = resend_wait_seconds(user)
    if wait:
        flash(_("Anda sudah meminta tautan tiga kali berturut-turut. Tunggu %(s)s detik sebelum "
                "meminta lagi.", s=wait), "error")
        return render_template("portal/verify.html", form=ActionForm(), wait=wait), 429
    if (user.confirm_resend_count or 0) >= RESENDS_BEFORE_PAUSE:
        user.confirm_resend_count = 0  # the pause is over: a new series starts
    user.confirm_resend_count = (user.confirm_resend_count or 0) + 1
    user.confirm_resend_at = utcnow()
    db.session.commit()
    send_confirmation_instructions(user)
    flash(_("Tautan verifikasi baru telah dikirim ke %(email)s.", email=user.email), "success")
    return redirect(url_for("portal.verify"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """The citizen's profile. Staff hold no citizen profile: theirs is the back office's
    account page."""
    user = current_user._get_current_object()
    if user.is_staff:
        return redirect(url_for("akun.index"))
    form = ProfileForm(obj=user, user=user)
    photo_error = None
    if form.validate_on_submit():
        photo = None
        upload = request.files.get("foto")
        if upload is not None and upload.filename:
            try:
                photo = storage.read_uploads([upload], allowed=(storage.JPEG,))[0]
            except storage.UploadError as error:
                photo_error = str(error)
        if photo_error is None:
            form.populate_obj(user)
            user.religion = user.religion or None
            user.gender = user.gender or None
            if photo is not None:
                user.photo_path = _store_photo(photo[1])
            db.session.commit()
            flash(_("Profil tersimpan."), "success")
            return redirect(url_for("portal.settings"))
    elif request.method == "POST":
        db.session.rollback()
    status = 400 if request.method == "POST" else 200
    return render_template("portal/settings.html", form=form, photo_error=photo_error), status


def _store_photo(data: bytes) -> str:
    name = f"profil/{secrets.token_hex(16)}.jpg"
    storage.keep_file(name, data)  # appears under its name once the profile is committed
    return name


@bp.get("/settings/foto")
@login_required
def profile_photo():
    if not current_user.photo_path:
        abort(404)
    path = storage.upload_dir() / current_user.photo_path
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=storage.JPEG, max_age=0)

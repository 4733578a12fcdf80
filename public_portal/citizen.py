"""What a citizen does with messages: submit (account or guest), the own history, the
actions on an own message (withdraw, rate, reopen) and its attachments."""
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_security import login_required
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from aspirasi.extensions import limiter
from models import Attachment, Message, access, client_key, db, lifecycle
from models.lifecycle import TransitionError
from models.stages import message_stages
from public_portal import bp, refused
from public_portal.forms import ActionForm, GuestForm, RatingForm, ReopenForm, SubmitForm
from services import storage


def submit_limit() -> str:
    return current_app.config["RATE_LIMITS"]["submit"]


def _keep(message, files, uploader=None) -> None:
    for name, data, kind in files:
        storage.store(message, name, data, kind, uploaded_by=uploader)


def _submit_once(form, template: str, build, files, receipt, user=None, guest_nik=None):
    """Keep the message `build()` makes, with its files, once per client key: a repeat of a
    submission already kept gets that one back. Answers with `receipt(message)` for the kept
    message, or with the form page answering a refusal (nothing kept)."""
    def page(status, upload_error=None):
        return render_template(template, form=form, upload_error=upload_error), status

    def create():
        message = build()
        lifecycle.submit(message, actor=user)
        _keep(message, files, uploader=user)
        tracking = message.tracking
        lifecycle.commit()
        # The receipt needs only the number, known already: not worth reading the row again.
        set_committed_value(message, "tracking", tracking)
        return message

    try:
        message = client_key.keep_once(create, form.key, reporter=user, guest_nik=guest_nik)
    except storage.StorageUnavailable as error:
        db.session.rollback()
        return page(error.status_code, str(error))
    except client_key.KeyTaken as error:
        return refused(error, page)
    return receipt(message)


@bp.route("/pesan/kirim", methods=["GET", "POST"])
@login_required
@limiter.limit(submit_limit, methods=["POST"])
def submit():
    user = current_user._get_current_object()
    if not user.nik:
        flash(_("Lengkapi NIK pada profil Anda sebelum mengirim pesan."), "warning")
        return redirect(url_for("portal.settings"))
    form = SubmitForm()
    upload_error = None
    if form.validate_on_submit():
        try:
            files = storage.read_uploads(request.files.getlist(form.lampiran.name))
        except storage.UploadError as error:
            upload_error = str(error)
        else:
            return _submit_once(form, "portal/submit.html", lambda: Message(
                channel="web", reporter=user, perihal=form.perihal.data.strip(),
                body=form.body.data.strip(), kabupaten=form.kabupaten.data or None,
                address=(form.address.data or "").strip() or None,
                anonim=form.anonim.data, rahasia=form.rahasia.data, client_key=form.key),
                files, lambda kept: redirect(url_for("portal.submitted", nomor=kept.tracking)),
                user=user)
    status = 400 if request.method == "POST" else 200
    return render_template("portal/submit.html", form=form, upload_error=upload_error), status


@bp.get("/pesan/terkirim/<nomor>")
@login_required
def submitted(nomor):
    message = access.own_message_or_404(current_user, nomor)
    return render_template("portal/submitted.html", message=message, guest=False)


@bp.route("/lapor", methods=["GET", "POST"])
@limiter.limit(submit_limit, methods=["POST"])
def guest_report():
    form = GuestForm()
    upload_error = None
    if form.validate_on_submit():
        try:
            files = storage.read_uploads(request.files.getlist(form.foto.name),
                                         allowed=(storage.JPEG,))
        except storage.UploadError as error:
            upload_error = str(error)
        else:
            nik = form.nik.data.strip()
            return _submit_once(form, "portal/guest.html", lambda: Message(
                channel="guest", guest_kind=form.guest_kind.data,
                perihal=form.perihal.data.strip(), body=form.body.data.strip(),
                guest_name=(form.guest_name.data or "").strip() or None,
                guest_nik=nik, guest_phone=form.phone.data.strip(),
                guest_email=(form.email.data or "").strip() or None,
                event_date=form.event_date.data, client_key=form.key), files, guest_receipt,
                guest_nik=nik)
    status = 400 if request.method == "POST" else 200
    return render_template("portal/guest.html", form=form, upload_error=upload_error), status


def guest_receipt(message):
    # Only the browser that sent it may open the receipt page.
    session["guest_tracking"] = message.tracking
    return redirect(url_for("portal.guest_submitted", nomor=message.tracking))


@bp.get("/lapor/terkirim/<nomor>")
def guest_submitted(nomor):
    if session.get("guest_tracking") != nomor:
        abort(404)
    message = Message.query.filter_by(tracking=nomor).first_or_404()
    return render_template("portal/submitted.html", message=message, guest=True)


@bp.get("/riwayat")
@login_required
def history():
    user = current_user._get_current_object()
    messages = (access.own_messages(user)
                .options(selectinload(Message.category), selectinload(Message.rating))
                .order_by(Message.created_at.desc(), Message.id.desc()).all())
    # The row's buttons are offered exactly when the lifecycle would accept the action.
    actions = {m.id: lifecycle.allowed_actions(user, m) for m in messages}
    return render_template("portal/history.html", messages=messages, actions=actions)


@bp.get("/riwayat/<nomor>/hapus")
@login_required
def confirm_withdraw(nomor):
    """Deleting (withdrawing) a message asks first, on its own page: no script needed."""
    message = access.own_message_or_404(current_user, nomor)
    if "withdraw" not in lifecycle.allowed_actions(current_user._get_current_object(), message):
        flash(_("Pesan ini tidak dapat dihapus lagi: statusnya sudah berubah."), "error")
        return redirect(url_for("portal.history_detail", nomor=message.tracking))
    form = ActionForm(formdata=None, version=message.version)
    return render_template("portal/confirm_withdraw.html", message=message, form=form)


def _detail(message, status: int = 200):
    user = current_user._get_current_object()
    allowed = lifecycle.allowed_actions(user, message)
    forms = {
        "withdraw": ActionForm(formdata=None, version=message.version),
        "rate": RatingForm(formdata=None, version=message.version),
        "reopen": ReopenForm(formdata=None, version=message.version),
    }
    return render_template(
        "portal/history_detail.html", message=message, forms=forms,
        events=access.reporter_timeline(message),
        attachments=access.downloadable_attachments(user, message),
        can_withdraw="withdraw" in allowed, can_rate="rate" in allowed,
        can_reopen="reopen" in allowed, reopen_workdays=lifecycle.reopen_limit_workdays(),
        stages=message_stages(message)), status


@bp.get("/riwayat/<nomor>")
@login_required
def history_detail(nomor):
    return _detail(access.own_message_or_404(current_user, nomor))


ACTIONS = {
    "cabut": ("withdraw", ActionForm, _l("Pesan Anda telah dihapus.")),
    "nilai": ("rate", RatingForm, _l("Terima kasih atas penilaian Anda.")),
    "buka-kembali": ("reopen", ReopenForm, _l("Pesan dibuka kembali dan dikirim ke OPD yang "
                                              "menanganinya.")),
}


@bp.post("/riwayat/<nomor>/<aksi>")
@login_required
def history_action(nomor, aksi):
    if aksi not in ACTIONS:
        abort(404)
    message = access.own_message_or_404(current_user, nomor)
    action, form_class, success = ACTIONS[aksi]
    form = form_class()
    data, note = {}, None
    if action == "rate":
        data["stars"] = form.stars.data
        note = form.comment.data
    elif action == "reopen":
        note = form.reason.data
    try:
        if not form.validate():
            raise TransitionError(_("Isian tidak valid: %(e)s", e="; ".join(
                f"{k}: {', '.join(v)}" for k, v in form.errors.items())))
        lifecycle.perform(message, action, current_user._get_current_object(),
                          expected_version=form.version.data or None, note=note, **data)
        lifecycle.commit()
    except TransitionError as error:
        return refused(error, lambda status: _detail(
            access.own_message_or_404(current_user, nomor), status))
    flash(str(success), "success")
    return redirect(url_for("portal.history_detail", nomor=message.tracking))


@bp.get("/riwayat/<nomor>/lampiran/<int:attachment_id>")
@login_required
def attachment(nomor, attachment_id):
    message = access.own_message_or_404(current_user, nomor)
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.message_id != message.id or not access.can_download(current_user, item):
        abort(404)
    return storage.send(item)

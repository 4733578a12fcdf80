"""One message in the back office: its page, its timeline, its files, and every staff action.

The page is open to every staff role; which message it shows is decided by
`access.staff_message_or_404`, and which action may happen by `lifecycle.perform`. Each action
form carries the version the page was built from, so a concurrent change is refused.
"""
from flask import abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from aspirasi import storage
from aspirasi.notify import mark_read_for_message
from aspirasi_admin.guards import GuardedView, expose
from aspirasi_admin.letter import forwarding_letter_pdf
from models import Attachment, Category, Opd, ResponseTemplate, Subcategory, db
from models import lifecycle
from models.access import display_sender, may_see_contact_details, staff_message_or_404
from models.audit import record
from models.lifecycle import Forbidden, StaleError, TransitionError
from models.vocabulary import ACTION_LABELS, CLOSE_REASONS


def _int_or_none(name):
    value = (request.form.get(name) or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise TransitionError(_("Pilihan \"%(field)s\" tidak sah.", field=name)) from None


def _checkbox(name):
    return request.form.get(name) in ("1", "on", "y", "true")


def _taxonomy_data():
    data = {}
    for field, model in (("category_id", Category), ("subcategory_id", Subcategory), ("opd_id", Opd)):
        value = _int_or_none(field)
        if value is not None:
            row = db.session.get(model, value)
            if row is None:
                raise TransitionError(_("Pilihan \"%(field)s\" tidak ditemukan.", field=field))
            data[field.removesuffix("_id")] = row
    if "subcategory" in data and "opd" not in data and data["subcategory"].default_opd:
        data["opd"] = data["subcategory"].default_opd  # SOP: the sub category's usual OPD
    return data


def _forward_data():
    data = _taxonomy_data()
    data["anonim"], data["rahasia"] = _checkbox("anonim"), _checkbox("rahasia")
    return data


def _flags_data():
    return {flag: _checkbox(flag) for flag in ("anonim", "rahasia", "hidden")}


def _close_data():
    return {"reason": request.form.get("reason"),
            "duplicate_of": (request.form.get("duplicate_of") or "").strip()}


def _answer_data():
    data = _taxonomy_data()
    data["answer"] = request.form.get("answer", "")
    return data


def _reroute_data():
    data = _taxonomy_data()
    if "opd" not in data:
        raise TransitionError(_("Pilih OPD tujuan yang baru."))
    return {"opd": data["opd"]}


FORM_DATA = {
    "forward": _forward_data, "reroute": _reroute_data, "answer": _answer_data,
    "close": _close_data, "flags": _flags_data,
    "reply": lambda: {"answer": request.form.get("answer", "")},
}
STAFF_ACTIONS = ("forward", "reroute", "answer", "close", "flags", "note", "accept", "update",
                 "reply", "return", "reprimand")


class MessageDetailView(GuardedView):
    roles = ("admin", "operator", "monitor", "evaluator")

    def is_visible(self):
        return False  # reached from the lists, never from the menu

    @expose("/")
    def index(self):
        return redirect(url_for("admin.index"))

    @expose("/<int:message_id>")
    def show(self, message_id):
        message = staff_message_or_404(current_user, message_id)
        if mark_read_for_message(current_user, message):
            db.session.commit()
        return self.render_page(message)

    def render_page(self, message, status=200, form=None):
        allowed = lifecycle.allowed_actions(current_user, message)
        templates = ResponseTemplate.query.filter(
            db.or_(ResponseTemplate.category_id.is_(None),
                   ResponseTemplate.category_id == message.category_id)
        ).order_by(ResponseTemplate.title).all()
        is_operator = lifecycle.is_operator_of(current_user, message)
        html = self.render(
            "admin/pesan_detail.html", message=message, allowed=allowed, form=form or {},
            is_operator=is_operator,
            reply_enabled="reply" in allowed,
            categories=Category.query.order_by(Category.name).all(),
            subcategories=Subcategory.query.filter_by(active=True).order_by(Subcategory.name).all(),
            opds=Opd.query.filter_by(active=True).order_by(Opd.name).all(),
            templates=templates, close_reasons=CLOSE_REASONS,
            letter_available=message.forwarded_at is not None and message.opd is not None,
            sender=display_sender(message, current_user),
            contact_details=may_see_contact_details(current_user))
        return make_response(html, status)

    @expose("/<int:message_id>/aksi/<action>", methods=("POST",))
    def act(self, message_id, action):
        message = staff_message_or_404(current_user, message_id)
        if action not in STAFF_ACTIONS:
            abort(404)
        stored = []
        try:
            data = FORM_DATA.get(action, dict)()
            if action == "reply":
                stored = self._store_reply_files(message)
                data["attachments"] = stored
            lifecycle.perform(message, action, current_user._get_current_object(),
                              expected_version=request.form.get("version"),
                              note=request.form.get("note"), **data)
            record(f"pesan.{action}", message, detail=(request.form.get("note") or "")[:500] or None)
            lifecycle.commit()
        except Forbidden:
            self._discard(stored)
            abort(403)
        except (TransitionError, storage.UploadError) as error:
            self._discard(stored)
            if isinstance(error, StaleError):
                message = staff_message_or_404(current_user, message_id)
            flash(str(error), "error")
            return self.render_page(message, getattr(error, "status_code", 400), form=request.form)
        flash(_("Tindakan \"%(action)s\" tersimpan.",
                action=ACTION_LABELS.get(action, action)), "success")
        if not staff_can_still_see(message_id):
            return redirect(url_for("admin.index"))  # e.g. a returned message leaves the OPD
        return redirect(url_for(".show", message_id=message_id))

    def _store_reply_files(self, message):
        if not lifecycle.is_operator_of(current_user, message) or message.status != "diproses":
            return []  # perform() refuses with the right message; keep no file
        files = storage.read_uploads(request.files.getlist("files"), allowed=(storage.PDF,))
        return [storage.store(message, name, data, kind_type, kind="balasan",
                              uploaded_by=current_user)
                for name, data, kind_type in files]

    @staticmethod
    def _discard(stored):
        db.session.rollback()
        for attachment in stored:
            storage.path_of(attachment).unlink(missing_ok=True)

    @expose("/<int:message_id>/lampiran/<int:attachment_id>")
    def attachment(self, message_id, attachment_id):
        message = staff_message_or_404(current_user, message_id)
        attachment = db.session.get(Attachment, attachment_id)
        if attachment is None or attachment.message_id != message.id:
            abort(404)
        return storage.send(attachment)

    @expose("/<int:message_id>/surat.pdf")
    def letter(self, message_id):
        message = staff_message_or_404(current_user, message_id)
        if not (lifecycle.is_admin(current_user) or lifecycle.is_operator_of(current_user, message)):
            abort(403)
        if message.forwarded_at is None or message.opd is None:
            flash(_("Surat penerusan hanya ada untuk pesan yang sudah diteruskan ke OPD."), "error")
            return redirect(url_for(".show", message_id=message_id))
        record("pesan.surat", message, detail="surat penerusan diunduh")
        db.session.commit()
        response = make_response(forwarding_letter_pdf(message))
        response.headers["Content-Type"] = "application/pdf"
        response.headers["Content-Disposition"] = (
            f'inline; filename="surat-penerusan-{message.tracking}.pdf"')
        return response


def staff_can_still_see(message_id) -> bool:
    from aspirasi_admin.guards import scoped_messages
    from models import Message

    return scoped_messages().filter(Message.id == message_id).first() is not None


def register(admin):
    admin.add_view(MessageDetailView(name=_l("Pesan"), endpoint="pesan_detail",
                                     url="/admin/detail"))

"""One message in the back office: its page, its timeline, its files, and every staff action.

The page is open to every staff role; which message it shows is decided by
`access.staff_message_or_404`, and which action may happen by `lifecycle.perform`. Each action
form carries the version the page was built from, so a concurrent change is refused.
"""
from flask import abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload

from aspirasi_admin.forms import form_for, version_field
from aspirasi_admin.guards import GuardedView, expose, refused
from aspirasi_admin.triage_panel import record_choice, triage_panel
from models import (
    Attachment,
    Category,
    Message,
    Opd,
    ResponseTemplate,
    Subcategory,
    User,
    db,
    lifecycle,
)
from models.access import reporter_view, staff_message_or_404, timeline_actor
from models.audit import record
from models.errors import DomainError
from models.opd import opds_without_operator
from models.steps import duration_text, steps_by_event
from models.timeline import read_timeline
from models.vocabulary import ACTION_LABELS, CLOSE_REASONS, IN_REVIEW
from services import storage
from services.notify import mark_read_for_message

# What the page shows of a message's own rows, read in the message's query (one each otherwise);
# its timeline comes in one more (`read_timeline`). The reporter's and the actors' roles are
# not read: the page names them, and only the viewer's roles decide anything. Its files and
# reprimands are few (a handful at most), so they are joined too: their rows multiply, but two
# statements less cost a third less than reading the message did.
SHOWN_WITH_MESSAGE = (
    *(joinedload(relation) for relation in (
        Message.opd, Message.category, Message.subcategory, Message.rating,
        Message.attachments, Message.reprimands)),
    joinedload(Message.reporter).lazyload(User.roles))

# The ready answers offered on an answer form: those of the categories it may answer under and
# those for every category.
ANSWER_TEMPLATES = (
    db.select(ResponseTemplate)
    .where(db.or_(ResponseTemplate.category_id.is_(None),
                  ResponseTemplate.category_id.in_(bindparam("category_ids", expanding=True))))
    .order_by(ResponseTemplate.title))


def ready_answers(category_ids) -> list:
    return db.session.scalars(ANSWER_TEMPLATES, {"category_ids": list(category_ids)}).all()


def direct_answer_categories(message, categories) -> list:
    """The categories whose ready answers fit the admin's direct answer: the message's own
    when it is an Informasi one, else every Informasi category (the form offers each)."""
    if message.category is not None and message.category.is_informasi:
        return [message.category]
    return [c for c in categories if c.is_informasi]


class MessageDetailView(GuardedView):
    roles = ("admin", "operator", "monitor", "evaluator")

    def is_visible(self):
        return False  # reached from the lists, never from the menu

    @expose("/")
    def index(self):
        return redirect(url_for("admin.index"))

    @expose("/<int:message_id>")
    def show(self, message_id):
        message = staff_message_or_404(current_user, message_id, *SHOWN_WITH_MESSAGE)
        read_timeline(db.session, message)
        if mark_read_for_message(current_user, message):
            db.session.commit()
        return self.render_page(message)

    @expose("/<int:message_id>/nik", methods=("POST",))
    def reveal_nik(self, message_id):
        """An admin who needs the full NIK for triage asks for it; every look is audited."""
        message = staff_message_or_404(current_user, message_id)
        if not reporter_view(message, current_user).nik_masked:
            abort(403)
        record("pesan.lihat_nik", message, detail="NIK pelapor ditampilkan utuh")
        db.session.commit()
        return self.render_page(message, reveal_nik=True)

    def render_page(self, message, status=200, form=None, reveal_nik=False):
        user = current_user._get_current_object()
        allowed = lifecycle.allowed_actions(user, message)
        reply_enabled = "reply" in allowed
        # Until the operator accepts, the reply form shows, greyed out, where it will be.
        reply_shown = reply_enabled or "accept" in allowed
        # The forms' choices are read only for a page that shows those forms: a monitor's,
        # an evaluator's and an operator's pages need none or only the answer templates.
        reply_templates = ready_answers([message.category_id]) if reply_shown else []
        staffing_matters = "forward" in allowed or "reroute" in allowed
        opds, categories, subcategories = [], [], []
        if staffing_matters or "answer" in allowed:
            # Read before the triage panel, whose suggested rows then come from the session's
            # identity map rather than three more queries.
            opds = Opd.query.filter_by(active=True).order_by(Opd.name).all()
            categories = Category.query.order_by(Category.name).all()
            subcategories = (Subcategory.query.filter_by(active=True)
                             .order_by(Subcategory.name).all())
        answer_templates = []
        if "answer" in allowed:
            answer_templates = ready_answers(
                c.id for c in direct_answer_categories(message, categories))
        triage = triage_panel(message, user, allowed)
        if form is None and triage is not None and request.args.get("saran") == "pakai":
            form = triage.prefill()  # the admin asked for the suggestion in the form
        html = self.render(
            "admin/pesan_detail.html", message=message, allowed=allowed, form=form or {},
            triage=triage,
            version_field=version_field(message.version),
            reply_enabled=reply_enabled, reply_shown=reply_shown,
            categories=categories, subcategories=subcategories,
            step_times=steps_by_event(message), duration_text=duration_text,
            opds=opds, unstaffed=opds_without_operator(opds) if staffing_matters else set(),
            answer_in_review=(lifecycle.answer_in_review(message)
                              if message.status == IN_REVIEW else None),
            reply_templates=reply_templates, answer_templates=answer_templates,
            close_reasons=CLOSE_REASONS,
            may_print_letter=lifecycle.may_print_letter(user, message),
            reporter=reporter_view(message, user, reveal_nik=reveal_nik),
            actor_of=lambda event: timeline_actor(event, user))
        return make_response(html, status)

    @expose("/<int:message_id>/aksi/<action>", methods=("POST",))
    def act(self, message_id, action):
        message = staff_message_or_404(current_user, message_id)
        if action not in lifecycle.STAFF_ACTIONS:
            abort(404)
        user = current_user._get_current_object()
        form = form_for(action)
        stored = []
        try:
            data = form.checked().lifecycle_data()
            if action == "reply" and "reply" in lifecycle.allowed_actions(user, message):
                # Files are kept only for a reply that may happen; perform() refuses the rest.
                stored = self._store_reply_files(message, form)
                data["attachments"] = stored
            lifecycle.perform(message, action, user, expected_version=form.version.data or None,
                              note=form.note.data, **data)
            record_choice(message, action, user, request.form.get("saran_versi", "")[:40])
            record(f"pesan.{action}", message, detail=(form.note.data or "")[:500] or None)
            lifecycle.commit()
        except DomainError as error:
            self._discard(stored)
            return refused(error, lambda status: self.render_page(
                staff_message_or_404(current_user, message_id), status, form=request.form))
        flash(_("Tindakan \"%(action)s\" tersimpan.",
                action=ACTION_LABELS.get(action, action)), "success")
        if action in ("forward", "reroute") and opds_without_operator([message.opd]):
            flash(_("%(opd)s belum punya operator aktif: belum ada yang menerima pesan ini. Admin "
                    "dan pemantau sub kategorinya telah diberi tahu.", opd=message.opd.name),
                  "warning")
        if not staff_can_still_see(message_id):
            return redirect(url_for("admin.index"))  # e.g. a returned message leaves the OPD
        return redirect(url_for(".show", message_id=message_id))

    @staticmethod
    def _store_reply_files(message, form):
        files = storage.read_uploads(form.files.data or [], allowed=(storage.PDF,))
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
        if not lifecycle.may_print_letter(current_user, message):
            if not lifecycle.is_handler(current_user, message):
                abort(403)
            flash(_("Surat penerusan hanya ada untuk pesan yang sudah diteruskan ke OPD."), "error")
            return redirect(url_for(".show", message_id=message_id))
        record("pesan.surat", message, detail="surat penerusan diunduh")
        db.session.commit()
        # Imported here: reportlab is ~17 MiB that a worker carries only once it writes a letter.
        from aspirasi_admin.letter import forwarding_letter_pdf

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

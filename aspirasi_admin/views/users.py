"""Staff accounts and roles (superadmin only).

Staff accounts are created here with a password and a confirmed email. A user with any
history is disabled, never deleted: the audit log and the timelines keep pointing to them.
"""
import uuid

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_security import hash_password
from wtforms import PasswordField
from wtforms.validators import DataRequired, Optional, ValidationError

from aspirasi_admin.views.master import AuditedModelView
from models import AuditLog, Message, MessageEvent, Reprimand, Role, User, db, utcnow
from models.field_checks import valid_email


def password_min() -> int:
    """The one minimum length, the one Flask-Security applies to citizens' passwords too."""
    return current_app.config["SECURITY_PASSWORD_LENGTH_MIN"]


def has_history(user) -> bool:
    checks = (
        Message.query.filter((Message.reporter_id == user.id) | (Message.created_by_id == user.id)),
        MessageEvent.query.filter(MessageEvent.actor_id == user.id),
        AuditLog.query.filter(AuditLog.user_id == user.id),
        Reprimand.query.filter(Reprimand.sender_id == user.id),
    )
    return any(db.session.query(q.exists()).scalar() for q in checks)


class UserView(AuditedModelView):
    column_list = ("username", "email", "full_name", "roles", "opd", "active", "confirmed_at")
    column_labels = {"username": _l("Username"), "full_name": _l("Nama lengkap"),
                     "roles": _l("Peran"), "opd": _l("OPD"), "active": _l("Aktif"),
                     "confirmed_at": _l("Email terverifikasi"),
                     "monitored_subcategories": _l("Sub kategori yang dipantau"),
                     "password_baru": _l("Kata sandi")}
    column_searchable_list = ("username", "email", "full_name")
    column_filters = ("active", "roles.name", "opd.name")
    form_columns = ("username", "email", "full_name", "password_baru", "roles", "opd",
                    "monitored_subcategories", "active")
    form_extra_fields = {"password_baru": PasswordField(_l("Kata sandi"), validators=[Optional()])}
    form_args = {"email": {"validators": [DataRequired(_l("Alamat email tidak valid.")),
                                          valid_email]},
                 "opd": {"blank_text": _l("— tanpa OPD (bukan operator) —")}}

    def on_model_change(self, form, model, is_created):
        roles = {r.name for r in model.roles}
        if "operator" in roles and model.opd is None:
            raise ValidationError(_l("Operator wajib terikat pada tepat satu OPD."))
        if "monitor" in roles and not model.monitored_subcategories:
            raise ValidationError(_l("Monitor wajib memantau paling sedikit satu sub kategori."))
        password = form.password_baru.data or ""
        if is_created and not password:
            raise ValidationError(_l("Kata sandi wajib diisi untuk akun baru."))
        if password:
            if len(password) < password_min():
                raise ValidationError(_("Kata sandi minimal %(length)s karakter.",
                                        length=password_min()))
            model.password = hash_password(password)
        if is_created:
            model.fs_uniquifier = uuid.uuid4().hex
            model.confirmed_at = utcnow()  # staff accounts are created verified
        super().on_model_change(form, model, is_created)

    def on_model_delete(self, model):
        if has_history(model):
            raise ValidationError(_l("Pengguna ini memiliki riwayat; nonaktifkan akunnya, "
                                     "jangan dihapus."))
        super().on_model_delete(model)


class RoleView(AuditedModelView):
    """The roles are fixed by the product; they are listed, not edited."""
    can_create = can_edit = can_delete = False
    column_list = ("name", "description")
    column_labels = {"name": _l("Peran"), "description": _l("Keterangan")}


def register(admin):
    users = _l("Pengguna")
    admin.add_view(UserView(User, name=_l("Pengguna"), category=users, endpoint="pengguna",
                            url="/admin/pengguna"))
    admin.add_view(RoleView(Role, name=_l("Peran"), category=users, endpoint="peran",
                            url="/admin/peran"))

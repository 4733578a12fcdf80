"""Staff accounts and roles (superadmin only).

Staff accounts are created here with a password and a confirmed email. A user with any
history is disabled, never deleted: the audit log and the timelines keep pointing to them.
A password set here, or a deactivation, ends that person's open sessions; the last active
superadmin can be neither demoted, deactivated nor deleted.
"""
import uuid

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_security import hash_password
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, Optional, ValidationError

from aspirasi.accounts import check_password
from aspirasi_admin.views.master import AuditedModelView
from models import AuditLog, Message, MessageEvent, Reprimand, Role, User, db, utcnow
from models.audit import record
from models.field_checks import valid_email
from models.roles import ROLE_LABELS, role_label
from models.user import ALL_ROLES


def is_active_superadmin(user) -> bool:
    return bool(user.active and "superadmin" in user.role_names)


def other_active_superadmins(user) -> int:
    with db.session.no_autoflush:
        return (User.query.join(User.roles)
                .filter(Role.name == "superadmin", User.active.is_(True), User.id != user.id)
                .count())


def end_sessions(user) -> None:
    """A new fs_uniquifier: the session and remember cookies that carry the old one are void."""
    user.fs_uniquifier = uuid.uuid4().hex


def has_history(user) -> bool:
    checks = (
        Message.query.filter((Message.reporter_id == user.id) | (Message.created_by_id == user.id)),
        MessageEvent.query.filter(MessageEvent.actor_id == user.id),
        AuditLog.query.filter(AuditLog.user_id == user.id),
        Reprimand.query.filter(Reprimand.sender_id == user.id),
    )
    return any(db.session.query(q.exists()).scalar() for q in checks)


def remove_second_factor(user) -> None:
    """The authenticator and the recovery codes are forgotten, and the sessions end."""
    user.tf_primary_method = user.tf_totp_secret = user.tf_phone_number = None
    user.tf_totp_last_counter = None
    user.mf_recovery_codes = None
    end_sessions(user)


class UserView(AuditedModelView):
    column_list = ("username", "email", "full_name", "roles", "opd", "active", "confirmed_at",
                   "tf_primary_method")
    column_formatters = {
        "tf_primary_method": lambda view, context, model, name: (
            _("aktif") if model.has_second_factor else "—"),
        "roles": lambda view, context, model, name: ", ".join(
            role_label(role.name) for role in model.roles),
    }
    column_labels = {"username": _l("Nama pengguna"), "email": _l("Email"),
                     "full_name": _l("Nama lengkap"),
                     "roles": _l("Peran"), "roles.name": _l("Peran"), "opd": _l("OPD"),
                     "opd.name": _l("OPD"), "active": _l("Aktif"),
                     "confirmed_at": _l("Email terverifikasi"),
                     "monitored_subcategories": _l("Sub kategori yang dipantau"),
                     "password_baru": _l("Kata sandi"),
                     "tf_primary_method": _l("Verifikasi dua langkah")}
    column_searchable_list = ("username", "email", "full_name")
    column_filters = ("active", "roles.name", "opd.name")
    column_choices = {"roles.name": [(name, ROLE_LABELS[name]) for name in ALL_ROLES]}
    form_columns = ("username", "email", "full_name", "password_baru", "roles", "opd",
                    "monitored_subcategories", "active", "hapus_dua_langkah")
    form_extra_fields = {
        "password_baru": PasswordField(_l("Kata sandi"), validators=[Optional()]),
        "hapus_dua_langkah": BooleanField(
            _l("Hapus verifikasi dua langkah (ponsel hilang): orang ini mendaftarkan "
               "aplikasi autentikator lagi saat masuk berikutnya")),
    }
    form_args = {"email": {"validators": [DataRequired(_l("Alamat email tidak valid.")),
                                          valid_email]},
                 "opd": {"blank_text": _l("— tanpa OPD (bukan operator) —")},
                 "roles": {"get_label": lambda role: role_label(role.name)}}

    def on_model_change(self, form, model, is_created):
        roles = {r.name for r in model.roles}
        if "operator" in roles and model.opd is None:
            raise ValidationError(_l("Operator wajib terikat pada tepat satu OPD."))
        if "monitor" in roles and not model.monitored_subcategories:
            raise ValidationError(_l("Monitor wajib memantau paling sedikit satu sub kategori."))
        if not is_created and not is_active_superadmin(model) and not other_active_superadmins(model):
            raise ValidationError(_l("Ini satu-satunya superadmin aktif: tetapkan superadmin "
                                     "aktif lain dulu sebelum mencabut peran atau "
                                     "menonaktifkannya."))
        password = form.password_baru.data or ""
        if is_created and not password:
            raise ValidationError(_l("Kata sandi wajib diisi untuk akun baru."))
        if password:
            problems = check_password(password, username=model.username, email=model.email,
                                      full_name=model.full_name)
            if problems:
                raise ValidationError(" ".join(str(p) for p in problems))
            model.password = hash_password(password)
        if is_created:
            model.fs_uniquifier = uuid.uuid4().hex
            model.confirmed_at = utcnow()  # staff accounts are created verified
        elif password or not model.active:
            end_sessions(model)
        if not is_created and form.hapus_dua_langkah.data and model.has_second_factor:
            remove_second_factor(model)
            record("pengguna.hapus_dua_langkah", model, detail=str(model))
        super().on_model_change(form, model, is_created)

    def on_model_delete(self, model):
        if is_active_superadmin(model) and not other_active_superadmins(model):
            raise ValidationError(_l("Ini satu-satunya superadmin aktif; akun ini tidak dapat "
                                     "dihapus."))
        if has_history(model):
            raise ValidationError(_l("Pengguna ini memiliki riwayat; nonaktifkan akunnya, "
                                     "jangan dihapus."))
        super().on_model_delete(model)


class RoleView(AuditedModelView):
    """The roles are fixed by the product; they are listed, not edited."""
    can_create = can_edit = can_delete = False
    column_list = ("name", "description")
    column_labels = {"name": _l("Peran"), "description": _l("Keterangan")}
    column_formatters = {"name": lambda view, context, model, name: role_label(model.name)}


def register(admin):
    users = _l("Pengguna")
    admin.add_view(UserView(User, name=_l("Pengguna"), category=users, endpoint="pengguna",
                            url="/admin/pengguna"))
    admin.add_view(RoleView(Role, name=_l("Peran"), category=users, endpoint="peran",
                            url="/admin/peran"))

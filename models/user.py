"""Accounts: citizens and staff in one table, with roles and a profile.

One table so that one sign-in, one password policy and one audit trail serve everybody; what a
user may reach is decided by roles, never by which table the account lives in.
"""
from flask_babel import lazy_gettext as _l
from flask_security import AsaList, RoleMixin, UserMixin
from sqlalchemy.ext.mutable import MutableList

from models import db
from models.base import utcnow

roles_users = db.Table(
    "roles_users",
    db.Column("user_id", db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    db.Column("role_id", db.Integer, db.ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
    # Who holds a role (the admins a new message notifies) without reading every account.
    db.Index("ix_roles_users_role_id", "role_id"),
)

STAFF_ROLES = ("superadmin", "admin", "operator", "monitor", "evaluator")
ALL_ROLES = STAFF_ROLES + ("user",)

RELIGIONS = ("Islam", "Kristen Protestan", "Katolik", "Hindu", "Buddha", "Konghucu", "Lainnya")
GENDERS = (("L", _l("Laki-laki")), ("P", _l("Perempuan")))
# Shown names of RELIGIONS (the stored values stay as they are).
RELIGION_LABELS = {"Islam": _l("Islam"), "Kristen Protestan": _l("Kristen Protestan"),
                   "Katolik": _l("Katolik"), "Hindu": _l("Hindu"), "Buddha": _l("Buddha"),
                   "Konghucu": _l("Konghucu"), "Lainnya": _l("Lainnya")}


class Role(db.Model, RoleMixin):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), unique=True, nullable=False)
    description = db.Column(db.String(255))
    permissions = db.Column(db.Text)  # required by Flask-Security's RoleMixin
    update_datetime = db.Column(db.DateTime, default=utcnow, onupdate=utcnow)

    def __str__(self):
        return self.name


def account_display_name(account) -> str:
    """The name an account is shown under: its full name, else its username, else its email.
    `account` is a User or anything with those three attributes (an export's row)."""
    return account.full_name or account.username or account.email


class User(db.Model, UserMixin):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), unique=True, nullable=False)
    username = db.Column(db.String(64), unique=True, nullable=True)
    password = db.Column(db.String(255), nullable=True)
    active = db.Column(db.Boolean, nullable=False, default=True)
    fs_uniquifier = db.Column(db.String(64), unique=True, nullable=False)
    confirmed_at = db.Column(db.DateTime)
    last_login_at = db.Column(db.DateTime)
    current_login_at = db.Column(db.DateTime)
    last_login_ip = db.Column(db.String(64))
    current_login_ip = db.Column(db.String(64))
    login_count = db.Column(db.Integer)
    create_datetime = db.Column(db.DateTime, nullable=False, default=utcnow)
    update_datetime = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    # Profile, edited on /settings. NIK is unique when present; validated in forms.
    nik = db.Column(db.String(16), unique=True, nullable=True)
    full_name = db.Column(db.String(120))
    birth_place = db.Column(db.String(80))
    birth_date = db.Column(db.Date)
    religion = db.Column(db.String(40))
    gender = db.Column(db.String(1))
    phone = db.Column(db.String(20))
    address = db.Column(db.String(255))
    photo_path = db.Column(db.String(255))
    locale = db.Column(db.String(5))
    # Set when the citizen closed the account: personal data erased, login disabled.
    closed_at = db.Column(db.DateTime)

    # Second factor (Flask-Security-Too): the authenticator app's secret, kept encrypted with
    # the TOTP secrets of the configuration, and the one-time recovery codes.
    tf_primary_method = db.Column(db.String(64), nullable=True)
    tf_totp_secret = db.Column(db.String(255), nullable=True)
    tf_phone_number = db.Column(db.String(128), nullable=True)
    mf_recovery_codes = db.Column(MutableList.as_mutable(AsaList()), nullable=True)
    # The time step of the last code accepted: a code is good once, never replayed.
    tf_totp_last_counter = db.Column(db.Integer, nullable=True)

    # Staff binding: an operator belongs to exactly one OPD.
    opd_id = db.Column(db.Integer, db.ForeignKey("opd.id"), nullable=True)
    opd = db.relationship("Opd", back_populates="operators")

    # Verification-link resend throttle: three resends in a row pause the button for 60 s.
    confirm_resend_count = db.Column(db.Integer, nullable=False, default=0)
    confirm_resend_at = db.Column(db.DateTime)

    roles = db.relationship("Role", secondary=roles_users, lazy="selectin",
                            backref=db.backref("users", lazy="dynamic"))
    monitored_subcategories = db.relationship(
        "Subcategory", secondary="subcategory_monitors", back_populates="monitors")

    @property
    def display_name(self) -> str:
        return account_display_name(self)

    @property
    def role_names(self) -> set[str]:
        return {r.name for r in self.roles}

    @property
    def is_staff(self) -> bool:
        return bool(self.role_names & set(STAFF_ROLES))

    @property
    def has_second_factor(self) -> bool:
        return bool(self.tf_primary_method and self.tf_totp_secret)

    def check_tf_required_setup(self) -> bool:
        """Whether /tf-setup may not offer to switch the second factor off: not for staff
        when the installation requires one of them."""
        from flask import current_app

        return bool(super().check_tf_required_setup() or (
            self.is_staff and current_app.config.get("STAFF_TWO_FACTOR") == "required"))

    def __str__(self):
        return self.username or self.email

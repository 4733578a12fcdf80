"""Accounts: who a user is and what signing in, registering and verifying look like.

Flask-Security-Too does the work; this module gives it our login and registration forms, our
Indonesian messages and the one password rule every door applies (`password_problems`), and
holds the app-wide rules about accounts: an account whose email is not verified yet sees only
the page that asks for the verification, and registering never signs anybody in (so the answer
to a registration is the same whether the email was new or already had an account). Staff
sign-ins and second-factor changes go into the audit log (`register_account_audit`).
"""
import functools

from flask import Flask, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_security import (
    ForgotPasswordForm,
    LoginForm,
    PasswordUtil,
    RegisterFormV2,
    SendConfirmationForm,
    SQLAlchemyUserDatastore,
    Totp,
    UsernameUtil,
)
from flask_security.signals import (
    password_changed,
    tf_disabled,
    tf_profile_changed,
    user_authenticated,
    user_failed_authn,
)
from flask_security.utils import (
    get_message,
    logout_user,
    password_complexity_validator,
    password_length_validator,
)
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import contains_eager
from wtforms import StringField
from wtforms.validators import DataRequired

from models import Role, User, db
from models.audit import record
from models.user import roles_users


class AccountDatastore(SQLAlchemyUserDatastore):
    """Flask-Security's store of accounts, with the signed-in account read in one statement.

    Every request of a signed-in user looks the account up by its `fs_uniquifier`; its roles
    come in the same statement, joined row by row. (Flask-Security's own joined form nests the
    two role tables in one outer join, which SQLite answers by reading all of `roles_users`;
    the relationship's own "selectin" load is a second statement.) Other look-ups are
    Flask-Security's."""

    SIGNED_IN = (select(User)
                 .outerjoin(roles_users, roles_users.c.user_id == User.id)
                 .outerjoin(Role, Role.id == roles_users.c.role_id)
                 .options(contains_eager(User.roles))
                 .where(User.fs_uniquifier == bindparam("uniquifier")))

    def find_user(self, case_insensitive: bool = False, **kwargs):
        if case_insensitive or list(kwargs) != ["fs_uniquifier"]:
            return super().find_user(case_insensitive=case_insensitive, **kwargs)
        return db.session.execute(self.SIGNED_IN, {"uniquifier": kwargs["fs_uniquifier"]}
                                  ).unique().scalar_one_or_none()


class ExtendedRegisterForm(RegisterFormV2):
    """Registration: email, username, password and its repetition (Flask-Security-Too)."""


class _AbsentField:
    """Stands in for a field the form removed: no data, no errors."""
    data = None
    errors: list = []


class IdentityLoginForm(LoginForm):
    """One box for "email or username", as citizens expect, instead of two."""

    identity = StringField(_l("Email atau username"), validators=[DataRequired()],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("email", "username"):
            if name in self:
                del self[name]
                # Flask-Security's login view reads these fields' errors after a failure.
                setattr(self, name, _AbsentField())

    def validate(self, **kwargs) -> bool:
        value = normalised_identity(self.identity.data)
        self.ifield = self.identity
        self.user = (User.query.filter(func.lower(User.email) == value).first()
                     or User.query.filter(func.lower(User.username) == value).first()) if value else None
        if super().validate(**kwargs):
            return True
        if not self.user_authenticated and self.identity.data and self.password.data:
            # Unknown account or wrong password: one answer, so the form does not tell
            # which accounts exist (Flask-Security squashes only its own identity fields).
            self.identity.errors = []
            self.password.errors = []
            self.form_errors[:] = [get_message("GENERIC_AUTHN_FAILED")[0]]
        return False


def normalised_identity(value) -> str:
    """The email or username typed at login, as accounts are looked up (and throttled)."""
    return (value or "").strip().lower()


class _KeepsFormatErrors:
    """A mistyped address is bad input, said plainly; only "no such account" stays unsaid
    (Flask-Security's generic mode clears every error of the email field)."""

    def validate(self, **kwargs) -> bool:
        if super().validate(**kwargs):
            return True
        format_errors = {get_message(key)[0] for key in ("INVALID_EMAIL_ADDRESS",
                                                          "EMAIL_NOT_PROVIDED")}
        self.form_errors.extend(e for e in self.email.errors if e in format_errors)
        return False


class ResetRequestForm(_KeepsFormatErrors, ForgotPasswordForm):
    """/reset: the email whose password is to be reset."""


class ResendConfirmationForm(_KeepsFormatErrors, SendConfirmationForm):
    """/confirm: the email to send a new verification link to."""


SECURITY_FORMS = {"register_form": ExtendedRegisterForm, "login_form": IdentityLoginForm,
                  "forgot_password_form": ResetRequestForm,
                  "send_confirmation_form": ResendConfirmationForm}


# --- the password rule ----------------------------------------------------------------------
# One rule for every door (registration, change, reset, the staff user admin, the CLI): the
# minimum length, not the username or email (nor containing them), and zxcvbn's offline
# guessability score at least SECURITY_ZXCVBN_MINIMUM_SCORE.

# Words zxcvbn's English dictionaries do not know but anyone guessing a password here would try.
LOCAL_WORDS = ("aspirasi", "kaltim", "kaltimprov", "kalimantan", "timur", "samarinda",
               "balikpapan", "bontang", "pemprov", "diskominfo", "indonesia", "merdeka",
               "sandi", "katasandi", "rahasia", "admin", "operator", "warga")


def _identity_words(username, email) -> list[str]:
    words = []
    if username:
        words.append(username.lower())
    if email:
        words += [email.lower(), email.split("@")[0].lower()]
    return [w for w in words if w]


def password_problems(password: str, username=None, email=None, other_words=()) -> list[str]:
    """What is wrong with this password, in the user's language; empty when it is fine."""
    problems = password_length_validator(password)
    if problems:
        return problems
    lowered = password.lower()
    for word in _identity_words(username, email):
        if lowered == word or (len(word) >= 4 and word in lowered):
            return [_("Kata sandi tidak boleh sama dengan atau memuat username atau email.")]
    words = [w for w in (username, email, *other_words, *LOCAL_WORDS) if isinstance(w, str) and w]
    if password_complexity_validator(password, True, **{str(i): w for i, w in enumerate(words)}):
        # zxcvbn's own hints are English only; our message says the same in Indonesian.
        return [get_message("PASSWORD_TOO_SIMPLE")[0]]
    return []


class AccountPasswordUtil(PasswordUtil):
    """Flask-Security's password check, replaced by `password_problems`."""

    def validate(self, password, is_register, **kwargs):
        normalised = self.normalize(password)
        if is_register:
            username, email = kwargs.get("username"), kwargs.get("email")
            others = [v for v in kwargs.values() if isinstance(v, str)]
        else:
            user = kwargs.get("user")
            username, email = getattr(user, "username", None), getattr(user, "email", None)
            others = [getattr(user, "full_name", None) or ""]
        return password_problems(normalised, username, email, others) or None, normalised


class AccountUsernameUtil(UsernameUtil):
    """Flask-Security's username check, plus one rule: the letters a-z only. A letter of
    another alphabet can look exactly like a Latin one ("wаrga" with a Cyrillic а), and an
    account named so could pass for another."""

    def validate(self, username):
        problem, normalised = super().validate(username)
        if problem is None and normalised and not normalised.isascii():
            return _("Username hanya boleh memakai huruf Latin a-z dan angka 0-9; huruf yang "
                     "mirip dari abjad lain tidak diterima."), None
        return problem, normalised


def check_password(password: str, username=None, email=None, full_name=None) -> list[str]:
    """The password rule for doors outside Flask-Security's forms (user admin, CLI)."""
    problems, _normalised = AccountPasswordUtil(current_app).validate(
        password, True, username=username, email=email, full_name=full_name)
    return problems or []


class ReplayGuardedTotp(Totp):
    """Authenticator codes, each accepted once: a code seen on a shoulder or in a proxy log
    cannot be used again within its validity."""

    def get_last_counter(self, user):
        return user.tf_totp_last_counter

    def set_last_counter(self, user, tmatch) -> None:
        user.tf_totp_last_counter = tmatch.counter
        User.query.session.add(user)


# --- Flask-Security's messages --------------------------------------------------------------
# It ships no Indonesian catalog. These replace its English defaults in the app config; it then
# passes them through its own translation domain, so an English catalog keyed on these strings
# can still translate them back.

def N_(text: str) -> str:
    """Marks a string for extraction without translating it here."""
    return text


MESSAGES = {
    "LOGIN": (N_("Silakan masuk untuk membuka halaman ini."), "info"),
    "UNAUTHENTICATED": (N_("Silakan masuk untuk membuka halaman ini."), "error"),
    "UNAUTHORIZED": (N_("Anda tidak berwenang membuka halaman ini."), "error"),
    "GENERIC_AUTHN_FAILED": (N_("Email/username atau kata sandi salah."), "error"),
    "GENERIC_RECOVERY": (N_("Jika email tersebut terdaftar, kami telah mengirim petunjuk "
                            "mengatur ulang kata sandi ke email itu."), "info"),
    "GENERIC_US_SIGNIN": (N_("Jika akun tersebut terdaftar, kode telah dikirim."), "info"),
    "USER_DOES_NOT_EXIST": (N_("Tidak ada akun dengan email atau username tersebut."), "error"),
    "INVALID_PASSWORD": (N_("Kata sandi salah."), "error"),
    "PASSWORD_MISMATCH": (N_("Kata sandi salah."), "error"),
    "DISABLED_ACCOUNT": (N_("Akun ini dinonaktifkan. Hubungi admin Aspirasi Kaltim."), "error"),
    "CONFIRM_REGISTRATION": (N_("Terima kasih. Untuk memverifikasi email %(email)s, buka tautan "
                                "yang kami kirim ke email tersebut."), "success"),
    "EMAIL_CONFIRMED": (N_("Terima kasih. Email Anda telah terverifikasi."), "success"),
    "ALREADY_CONFIRMED": (N_("Email Anda sudah terverifikasi."), "info"),
    "INVALID_CONFIRMATION_TOKEN": (N_("Tautan verifikasi tidak valid."), "error"),
    "CONFIRMATION_EXPIRED": (N_("Tautan verifikasi sudah kedaluwarsa (berlaku %(within)s). "
                                "Silakan minta tautan baru."), "error"),
    "CONFIRMATION_REQUEST": (N_("Jika %(email)s terdaftar dan belum diverifikasi, tautan "
                                "verifikasi telah dikirim ke email tersebut."), "info"),
    "CONFIRMATION_REQUIRED": (N_("Email Anda belum diverifikasi."), "error"),
    "EMAIL_ALREADY_ASSOCIATED": (N_("Email %(email)s sudah terdaftar pada akun lain."), "error"),
    "USERNAME_ALREADY_ASSOCIATED": (N_("Username %(username)s sudah dipakai akun lain."),
                                    "error"),
    "IDENTITY_ALREADY_ASSOCIATED": (N_("Identitas ini sudah terdaftar pada akun lain."), "error"),
    "IDENTITY_NOT_REGISTERED": (N_("Email/username atau kata sandi salah."), "error"),
    "RETYPE_PASSWORD_MISMATCH": (N_("Kedua kata sandi tidak sama."), "error"),
    "PASSWORD_NOT_PROVIDED": (N_("Kata sandi wajib diisi."), "error"),
    "PASSWORD_INVALID_LENGTH": (N_("Kata sandi minimal %(length)s karakter."), "error"),
    "PASSWORD_TOO_SIMPLE": (N_("Kata sandi terlalu mudah ditebak. Pakai kalimat pendek atau "
                                "gabungan beberapa kata yang tidak umum, dengan angka atau "
                                "tanda baca."), "error"),
    "PASSWORD_BREACHED": (N_("Kata sandi ini pernah bocor di internet; pilih yang lain."), "error"),
    "PASSWORD_IS_THE_SAME": (N_("Kata sandi baru harus berbeda dari kata sandi lama."), "error"),
    "PASSWORD_CHANGE": (N_("Kata sandi Anda berhasil diubah."), "success"),
    "PASSWORD_RESET": (N_("Kata sandi Anda berhasil diatur ulang dan Anda sudah masuk."),
                       "success"),
    "PASSWORD_RESET_NO_LOGIN": (N_("Kata sandi Anda berhasil diatur ulang. Silakan masuk dengan "
                                   "kata sandi baru."), "success"),
    "PASSWORD_RESET_REQUEST": (N_("Jika %(email)s terdaftar, petunjuk mengatur ulang kata sandi "
                                  "telah dikirim ke email tersebut."), "info"),
    "PASSWORD_RESET_EXPIRED": (N_("Tautan atur ulang kata sandi sudah kedaluwarsa (berlaku "
                                  "%(within)s). Silakan minta tautan baru."), "error"),
    "INVALID_RESET_PASSWORD_TOKEN": (N_("Tautan atur ulang kata sandi tidak valid."), "error"),
    "EMAIL_NOT_PROVIDED": (N_("Email wajib diisi."), "error"),
    "INVALID_EMAIL_ADDRESS": (N_("Alamat email tidak valid."), "error"),
    "USERNAME_NOT_PROVIDED": (N_("Username wajib diisi."), "error"),
    "USERNAME_INVALID_LENGTH": (N_("Username harus %(min)d sampai %(max)d karakter."), "error"),
    "USERNAME_DISALLOWED_CHARACTERS": (N_("Username hanya boleh berisi huruf dan angka."),
                                       "error"),
    "INVALID_INPUT_LENGTH": (N_("Isian terlalu panjang."), "error"),
    "INVALID_REDIRECT": (N_("Pengalihan ke luar situs ini tidak diizinkan."), "error"),
    "ANONYMOUS_USER_REQUIRED": (N_("Halaman ini hanya untuk pengunjung yang belum masuk."),
                                "error"),
    "REFRESH": (N_("Silakan masuk ulang untuk membuka halaman ini."), "info"),
    "FORGOT_PASSWORD": (N_("Lupa kata sandi?"), "info"),
    "REAUTHENTICATION_REQUIRED": (N_("Masukkan lagi kata sandi Anda untuk melanjutkan."),
                                  "error"),
    "REAUTHENTICATION_SUCCESSFUL": (N_("Kata sandi terkonfirmasi."), "info"),
    "INVALID_PASSWORD_CODE": (N_("Kata sandi atau kode tidak valid."), "error"),
    "INVALID_CODE": (N_("Kode tidak valid."), "error"),
    "API_ERROR": (N_("Permintaan tidak valid. Silakan mulai lagi."), "error"),
    "TWO_FACTOR_INVALID_TOKEN": (N_("Kode tidak valid atau sudah dipakai. Tunggu kode berikutnya "
                                    "di aplikasi autentikator."), "error"),
    "TWO_FACTOR_LOGIN_SUCCESSFUL": (N_("Kode terkonfirmasi."), "success"),
    "TWO_FACTOR_CHANGE_METHOD_SUCCESSFUL": (N_("Verifikasi dua langkah aktif. Buat kode "
                                               "pemulihan sekarang dan simpan di tempat aman."),
                                            "success"),
    "TWO_FACTOR_PERMISSION_DENIED": (N_("Anda belum dapat membuka halaman ini."), "error"),
    "TWO_FACTOR_METHOD_NOT_AVAILABLE": (N_("Pilihan tidak tersedia."), "error"),
    "TWO_FACTOR_DISABLED": (N_("Verifikasi dua langkah dimatikan."), "success"),
    "TWO_FACTOR_SETUP_EXPIRED": (N_("Pengaturan harus selesai dalam %(within)s. Silakan ulangi."),
                                 "error"),
    "INVALID_RECOVERY_CODE": (N_("Kode pemulihan tidak valid atau sudah dipakai."), "error"),
    "NO_RECOVERY_CODES_SETUP": (N_("Belum ada kode pemulihan."), "info"),
}


def apply_security_messages(app: Flask) -> None:
    for key, value in MESSAGES.items():
        app.config[f"SECURITY_MSG_{key}"] = value


# --- the unverified-account guard -----------------------------------------------------------
# Scope: every request that carries a signed-in session, the portal and /admin alike (an
# unverified account is sent to the verify page wherever it goes; /admin does not need a rule
# of its own, since staff accounts are created verified). Not Open311: its clients sign each
# request with an api_key, and an answer there is data for a program, never a page to redirect.

UNVERIFIED_ALLOWED = {"static", "security.confirm_email", "security.logout", "portal.verify",
                      "portal.resend_verification", "healthz"}
UNGUARDED_BLUEPRINTS = {"open311"}


def needs_verification(user) -> bool:
    return bool(user and user.is_authenticated and not user.confirmed_at)


def only_verify_page_until_email_is_verified():
    if request.endpoint in UNVERIFIED_ALLOWED or request.blueprint in UNGUARDED_BLUEPRINTS:
        return None
    if needs_verification(current_user):
        return redirect(url_for("portal.verify"))
    return None


def register_verification_guard(app: Flask) -> None:
    app.before_request(only_verify_page_until_email_is_verified)


def keep_registration_signed_out(app: Flask) -> None:
    """A registration ends signed out, on the sign-in page with the "check your email" message.

    Flask-Security signs a new account in when unverified accounts may sign in, while a
    registration with a taken email (answered generically) leaves the visitor signed out: that
    difference alone would tell a stranger that the email has an account. The new owner signs
    in, or follows the verification link, like anyone else.
    """
    view = app.view_functions["security.register"]

    @functools.wraps(view)
    def register(*args, **kwargs):
        response = view(*args, **kwargs)
        if request.method == "POST" and current_user.is_authenticated:
            logout_user()  # the account just created: the view admits only signed-out visitors
        return response

    app.view_functions["security.register"] = register


def register_account_audit(app: Flask) -> None:
    """Staff sign-ins, failed attempts and second-factor changes on staff accounts go into the
    audit log too."""
    def audit(signal, action: str, detail=lambda extra: None) -> None:
        def receiver(sender, user=None, **extra):
            if user is not None and getattr(user, "is_staff", False):
                record(action, user, detail=detail(extra), user=user)
                db.session.commit()
        signal.connect(receiver, sender=app, weak=False)

    audit(user_authenticated, "login", lambda extra: "masuk")
    audit(user_failed_authn, "login_failed", lambda extra: "kata sandi salah")
    audit(password_changed, "password_changed")
    audit(tf_profile_changed, "two_factor_on", lambda extra: extra.get("method"))
    audit(tf_disabled, "two_factor_off")

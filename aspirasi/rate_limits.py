"""Rate limits on Flask-Security's account views (RATE_LIMITS in the config).

Flask-Security's views are not ours to decorate, so their limits are attached to the view
functions once the app has them. Our own views carry theirs as decorators."""
import secrets
from functools import wraps

from flask import Flask, flash, request, session
from flask_babel import gettext as _
from flask_security import current_user

from aspirasi import errors
from aspirasi.accounts import normalised_identity
from aspirasi.extensions import limiter

# The views that take a second-factor code during sign-in: the authenticator's code and a
# recovery code. They share their counters, so switching between them gains nothing.
SECOND_FACTOR_VIEWS = ("security.two_factor_token_validation", "security.mf_recovery")


def register_rate_limits(app: Flask) -> None:
    limits = app.config["RATE_LIMITS"]
    targets = {
        "security.login": limits["login"],
        "security.register": limits["register"],
        "security.forgot_password": limits["reset"],
        "security.reset_password": limits["reset"],
        "security.send_confirmation": limits["resend"],
    }
    for endpoint, limit in targets.items():
        view = app.view_functions.get(endpoint)
        if view is not None:
            app.view_functions[endpoint] = limiter.limit(limit, methods=["POST"])(view)
    # Login is limited per account as well: the address limit alone would either lock out an
    # office behind one address or let one account's password be guessed from many addresses.
    login = app.view_functions.get("security.login")
    if login is not None:
        app.view_functions["security.login"] = limiter.limit(
            limits["login_account"], methods=["POST"], key_func=login_account_key,
            scope="login-account")(login)
        app.view_functions["security.login"] = start_sign_in_round(
            app.view_functions["security.login"])
    limit_second_factor(app, limits)
    # A reset and a new verification link are limited per address typed as well, the same for
    # an address with an account and one without, under the mail cap of one's own account
    # mail: every request accepted is mailed, and a refusal can be said plainly without
    # telling anybody whether the account exists.
    for endpoint, limit, scope, refusal in (
            ("security.forgot_password", limits["reset_address"], "reset-address",
             reset_address_refusal),
            ("security.send_confirmation", limits["confirm_address"], "confirm-address",
             confirm_address_refusal)):
        view = app.view_functions.get(endpoint)
        if view is not None:
            app.view_functions[endpoint] = limiter.limit(
                limit, methods=["POST"], key_func=typed_address_key, scope=scope,
                error_message=refusal)(view)


def typed_address_key() -> str:
    typed = request.form.get("email")
    if typed is None and request.is_json:
        typed = (request.get_json(silent=True) or {}).get("email")
    return "address:" + str(typed or "").strip().lower()[:255]


def reset_address_refusal() -> str:
    return _("Permintaan atur ulang kata sandi untuk alamat ini sudah terlalu sering dalam satu "
             "jam terakhir, jadi tidak ada email baru yang dikirim. Gunakan tautan di email "
             "terakhir, atau coba lagi nanti.")


def confirm_address_refusal() -> str:
    return _("Tautan verifikasi untuk alamat ini sudah terlalu sering diminta dalam satu jam "
             "terakhir, jadi tidak ada email baru yang dikirim. Gunakan tautan di email "
             "terakhir, atau coba lagi nanti.")


def limit_second_factor(app: Flask, limits: dict) -> None:
    """A six-digit code falls to guessing if it may be tried without end. Only wrong codes
    count (the half-finished sign-in still waits after the request), per sign-in round (one
    password entry) and per account, so a person who mistypes is not refused for it. Past
    either limit the half-finished sign-in is dropped: the person starts again with the
    password, and a code sent after that completes nothing."""
    for endpoint in SECOND_FACTOR_VIEWS:
        view = app.view_functions.get(endpoint)
        if view is None:
            continue
        for limit, scope, key in ((limits["tf_code_round"], "tf-code-round", sign_in_round_key),
                                  (limits["tf_code_account"], "tf-code-account", half_signed_in_key)):
            view = limiter.shared_limit(
                limit, scope=scope, key_func=key, methods=["POST"],
                exempt_when=signed_in, deduct_when=code_was_wrong,
                on_breach=drop_half_sign_in, error_message=too_many_codes)(view)
        app.view_functions[endpoint] = view


# The limits' callables are module functions, not lambdas: Flask-Limiter keeps one copy of
# equal limits per view, so an app built again in the same process (the tests build several)
# does not add a second count of every wrong code.

def signed_in() -> bool:
    """Exempt: a signed-in person confirming a new authenticator is past the password."""
    return current_user.is_authenticated


def code_was_wrong(_response) -> bool:
    """The half-finished sign-in still waits after the request: the code did not complete it."""
    return "tf_user_id" in session


def start_sign_in_round(login):
    """Mark each password entry that leads on to the second factor with a fresh round: the
    per-round count of wrong codes starts there."""
    @wraps(login)
    def view(*args, **kwargs):
        response = login(*args, **kwargs)
        if request.method == "POST" and "tf_user_id" in session:
            session["tf_round"] = secrets.token_urlsafe(16)
        return response
    return view


def half_signed_in_key() -> str:
    """The account waiting for its second factor ("" skips the limit: nothing is waiting)."""
    account = session.get("tf_user_id")
    return f"account:{account}" if account else ""


def sign_in_round_key() -> str:
    round_id = session.get("tf_round")
    return f"round:{round_id}" if round_id else half_signed_in_key()


def too_many_codes() -> str:
    return _("Terlalu banyak kode yang salah. Proses masuk dibatalkan: tunggu beberapa menit, "
             "lalu masuk lagi dengan kata sandi Anda.")


def drop_half_sign_in(_limit) -> None:
    """Forget the half-finished sign-in (every `tf_` entry of the session) and say why: the
    refusal page that follows shows the message (a JSON client reads it as the error)."""
    for key in [key for key in session if key.startswith("tf_")]:
        session.pop(key)
    if not errors.wants_json():
        flash(too_many_codes(), "error")


def login_account_key() -> str:
    return "account:" + normalised_identity(request.form.get("identity"))[:255]

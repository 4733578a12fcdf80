"""Rate limits on Flask-Security's account views (RATE_LIMITS in the config).

Flask-Security's views are not ours to decorate, so their limits are attached to the view
functions once the app has them. Our own views carry theirs as decorators."""
from flask import Flask, request
from flask_babel import gettext as _

from aspirasi.accounts import normalised_identity
from aspirasi.extensions import limiter


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
    # A reset is limited per address typed as well, the same for an address with an account
    # and one without, so the refusal can be said plainly and tells nobody whether it exists.
    forgot = app.view_functions.get("security.forgot_password")
    if forgot is not None:
        app.view_functions["security.forgot_password"] = limiter.limit(
            limits["reset_address"], methods=["POST"], key_func=reset_address_key,
            scope="reset-address", error_message=reset_address_refusal)(forgot)


def reset_address_key() -> str:
    typed = request.form.get("email")
    if typed is None and request.is_json:
        typed = (request.get_json(silent=True) or {}).get("email")
    return "reset:" + str(typed or "").strip().lower()[:255]


def reset_address_refusal() -> str:
    return _("Permintaan atur ulang kata sandi untuk alamat ini sudah terlalu sering dalam satu "
             "jam terakhir, jadi tidak ada email baru yang dikirim. Gunakan tautan di email "
             "terakhir, atau coba lagi nanti.")


def login_account_key() -> str:
    return "account:" + normalised_identity(request.form.get("identity"))[:255]

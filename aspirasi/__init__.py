"""Aspirasi: the application factory and its named wiring steps."""
import sqlite3
from pathlib import Path

from flask import Flask, has_request_context, jsonify, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from aspirasi.config import INSTANCE, Config
from aspirasi.extensions import babel, cache, csrf, db, limiter, mail, migrate, retry_after


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE), template_folder="../templates",
                static_folder="../static")
    app.config.from_mapping(Config.load())
    if test_config:
        app.config.update(test_config)
    register_proxy(app)
    register_extensions(app)
    register_i18n(app)
    register_blueprints(app)
    register_admin(app)
    register_rate_limits(app)
    register_security_headers(app)
    register_errorhandlers(app)
    register_input_guard(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_proxy(app: Flask) -> None:
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def use_sqlite_wal(dbapi_connection, _record) -> None:
    """SQLite in write-ahead-log mode: readers never wait for the writer, and a commit costs
    one sync of the log instead of several of a rollback journal. `synchronous` stays FULL:
    an acknowledged submission must survive a power cut too. A read-only file keeps its mode."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError:
        pass  # read-only: /healthz reports it
    finally:
        cursor.close()


def register_extensions(app: Flask) -> None:
    from flask_security import Security

    from aspirasi import notify  # noqa: F401 - connects the lifecycle signal receivers
    from aspirasi.accounts import (
        SECURITY_FORMS,
        AccountDatastore,
        AccountPasswordUtil,
        ReplayGuardedTotp,
        apply_security_messages,
        keep_registration_signed_out,
        register_verification_guard,
    )
    from aspirasi.mailer import QueuedMailUtil
    from models import Role, User

    db.init_app(app)
    if not event.contains(Engine, "connect", use_sqlite_wal):
        event.listen(Engine, "connect", use_sqlite_wal)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"),
                     render_as_batch=True)
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    datastore = AccountDatastore(db, User, Role)
    apply_security_messages(app)
    Security(app, datastore, mail_util_cls=QueuedMailUtil, password_util_cls=AccountPasswordUtil,
             totp_cls=ReplayGuardedTotp, **SECURITY_FORMS)
    register_verification_guard(app)
    keep_registration_signed_out(app)
    register_account_audit(app)


def register_account_audit(app: Flask) -> None:
    """Staff sign-ins, failed attempts and second-factor changes on staff accounts go into the
    audit log too."""
    from flask_security.signals import (
        password_changed,
        tf_disabled,
        tf_profile_changed,
        user_authenticated,
        user_failed_authn,
    )

    from models.audit import record

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


def select_locale() -> str:
    languages = ["id", "en"]
    if not has_request_context():
        return "id"  # CLI and background work speak Indonesian
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return "id"  # Indonesian unless the person chose otherwise


def register_i18n(app: Flask) -> None:
    """Flask-Babel for our strings, in Python and in templates (`_`, `gettext`, `ngettext`,
    `{% trans %}`: Flask-Babel installs Jinja's i18n extension); WTForms' own messages from
    our catalog.

    WTForms ships no Indonesian catalog, so its validation messages ("This field is
    required.") come from translations/<lang>/LC_MESSAGES/wtforms.mo: Flask-WTF looks for a
    catalog already attached to the request before loading its own, and Flask-Admin's forms
    read a module-level domain that we point at the same folder.
    """
    from babel import support
    from flask_babel import Domain

    babel.init_app(app, locale_selector=select_locale)
    folder = app.config["BABEL_TRANSLATION_DIRECTORIES"]

    catalogs = {}  # per locale: the files do not change while the app runs

    @app.before_request
    def attach_wtforms_catalog():
        locale = str(get_locale())
        if locale not in catalogs:
            catalogs[locale] = support.Translations.load(folder, [locale], domain="wtforms")
        request.wtforms_translations = catalogs[locale]

    import flask_admin.babel as admin_babel

    if hasattr(admin_babel, "wtforms_domain"):
        admin_babel.wtforms_domain = Domain(folder, domain="wtforms")


def register_blueprints(app: Flask) -> None:
    from public_portal import bp as portal_bp

    app.register_blueprint(portal_bp)
    from open311 import bp as open311_bp

    csrf.exempt(open311_bp)  # API clients authenticate with an api_key, not a session
    app.register_blueprint(open311_bp)

    @app.get("/healthz")
    def healthz():
        from aspirasi.health import report

        body, status = report()
        return jsonify(body), status


def register_admin(app: Flask) -> None:
    from aspirasi_admin import init_admin

    init_admin(app)


def register_rate_limits(app: Flask) -> None:
    """Flask-Security's views are not ours to decorate, so their limits are attached here."""
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


def login_account_key() -> str:
    from aspirasi.accounts import normalised_identity

    return "account:" + normalised_identity(request.form.get("identity"))[:255]


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        # Flask-Admin's pages carry small inline scripts; the portal has none.
        script = "'self' 'unsafe-inline'" if request.path.startswith("/admin") else "'self'"
        headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src {script}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; "
            "base-uri 'self'; form-action 'self'")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def register_errorhandlers(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    def render_error(code: int):
        def handler(error):
            if code == 500:
                db.session.rollback()  # a failed flush would otherwise break the error page too
            headers = retry_after() if code == 429 else {}
            if request.path.startswith("/open311/") or request.accept_mimetypes.best == "application/json":
                return (jsonify(status=code, error=getattr(error, "description", str(error))),
                        code, headers)
            return render_template(f"errors/{code}.html", error=error), code, headers
        return handler

    for code in (400, 403, 404, 429, 500):
        app.register_error_handler(code, render_error(code))
    app.register_error_handler(413, render_error(413))

    from aspirasi.storage import StorageUnavailable

    @app.errorhandler(StorageUnavailable)
    def storage_unavailable(error):
        db.session.rollback()
        if request.path.startswith("/open311/") or request.accept_mimetypes.best == "application/json":
            return jsonify(status=503, error=str(error)), 503
        return render_template("errors/503.html", error=error), 503

    from flask_babel import gettext as _
    from sqlalchemy.exc import OperationalError

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        # Read-only, full or unreachable database: the change was not kept, and the person
        # should hear that rather than see a bare error page.
        app.logger.exception("database refused the request")
        db.session.rollback()
        message = _("Data tidak dapat disimpan saat ini; tidak ada yang tersimpan. Coba lagi nanti.")
        if request.path.startswith("/open311/") or request.accept_mimetypes.best == "application/json":
            return jsonify(status=503, error=message), 503
        return render_template("errors/503.html", error=message), 503

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/400.html", error=error, csrf=True), 400


def register_input_guard(app: Flask) -> None:
    from aspirasi import input_guard

    input_guard.register(app)


def register_template_helpers(app: Flask) -> None:
    from aspirasi.notify import badge_text, unread_count
    from models.vocabulary import (
        ACTION_LABELS,
        AT_OPD_STATUSES,
        CHANNEL_LABELS,
        CLOSE_REASONS,
        GUEST_KIND_LABELS,
        STATUS_LABELS,
    )

    @app.context_processor
    def globals_for_templates():
        return {
            "STATUS_LABELS": STATUS_LABELS,
            "ACTION_LABELS": ACTION_LABELS,
            "CLOSE_REASONS": CLOSE_REASONS,
            "CHANNEL_LABELS": CHANNEL_LABELS,
            "GUEST_KIND_LABELS": GUEST_KIND_LABELS,
            "AT_OPD_STATUSES": AT_OPD_STATUSES,
            "current_locale": str(get_locale()),
            "badge_count": (lambda: unread_count(current_user)),
            "badge_text": badge_text,
        }

    from flask_babel import format_decimal

    from models.paging import AtLeast
    from models.vocabulary import date_text, time_text

    # A number as the reader writes it: 12.345 and 3,5 in Indonesian, 12,345 and 3.5 in
    # English, no needless ",0"; a bounded count reads "1.000+".
    app.jinja_env.filters["angka"] = (
        lambda value: str(value) if isinstance(value, AtLeast)
        else format_decimal(value, "#,##0.#"))
    app.jinja_env.filters["tanggal"] = date_text
    app.jinja_env.filters["waktu"] = time_text


def register_commands(app: Flask) -> None:
    from aspirasi.cli import register

    register(app)

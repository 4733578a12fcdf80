"""Aspirasi: the application factory and its named wiring steps."""
import sqlite3
from pathlib import Path

from flask import Flask, jsonify
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from aspirasi.config import INSTANCE, Config
from aspirasi.errors import register_errorhandlers
from aspirasi.extensions import cache, csrf, db, limiter, mail, migrate
from aspirasi.headers import register_security_headers
from aspirasi.i18n import register_i18n
from aspirasi.rate_limits import register_rate_limits
from models.search import is_search_table


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE), template_folder="../templates",
                static_folder="../static")
    app.config.from_mapping(Config.load())
    if test_config:
        app.config.update(test_config)
    register_proxy(app)
    register_url_converters(app)
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


def register_url_converters(app: Flask) -> None:
    """Before any route: `<int:...>` in every door takes only numbers an id column can hold.
    A larger one is a 404 like any id that names no row, instead of a database error."""
    from werkzeug.routing import IntegerConverter

    from models.base import LARGEST_ID

    class RowIdConverter(IntegerConverter):
        def __init__(self, map, *args, **kwargs):
            kwargs.setdefault("max", LARGEST_ID)
            super().__init__(map, *args, **kwargs)

    app.url_map.converters["int"] = RowIdConverter


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


def described_by_models(name, type_, parent_names) -> bool:
    """What Alembic compares with the models: everything but the search index's own tables,
    which a migration makes and no model describes (models/search.py)."""
    return not (type_ == "table" and is_search_table(name))


def keep_sqlite_file_private(app: Flask) -> None:
    """A SQLite database file that does not exist yet is created readable by this user only,
    before SQLite first opens it (SQLite then keeps that mode, and gives it to its log)."""
    from sqlalchemy.engine import make_url

    from services.storage import create_private_file

    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    database = url.database or ""
    if (url.get_backend_name() != "sqlite" or database in ("", ":memory:")
            or database.startswith("file:") or url.query.get("uri") in ("true", "1")):
        return
    # Flask-SQLAlchemy reads a relative path from the instance folder.
    create_private_file(Path(app.instance_path) / database)


def register_extensions(app: Flask) -> None:
    from flask_security import Security

    from aspirasi.accounts import (
        SECURITY_FORMS,
        AccountDatastore,
        AccountPasswordUtil,
        AccountUsernameUtil,
        ReplayGuardedTotp,
        apply_security_messages,
        keep_registration_signed_out,
        register_account_audit,
        register_verification_guard,
    )
    from models import Role, User
    from services import notify  # noqa: F401 - connects the lifecycle signal receivers
    from services.mailer import QueuedMailUtil

    keep_sqlite_file_private(app)
    db.init_app(app)
    if not event.contains(Engine, "connect", use_sqlite_wal):
        event.listen(Engine, "connect", use_sqlite_wal)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"),
                     render_as_batch=True, include_name=described_by_models)
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    datastore = AccountDatastore(db, User, Role)
    apply_security_messages(app)
    Security(app, datastore, mail_util_cls=QueuedMailUtil, password_util_cls=AccountPasswordUtil,
             username_util_cls=AccountUsernameUtil, totp_cls=ReplayGuardedTotp, **SECURITY_FORMS)
    register_verification_guard(app)
    keep_registration_signed_out(app)
    register_account_audit(app)


def register_blueprints(app: Flask) -> None:
    from public_portal import bp as portal_bp

    app.register_blueprint(portal_bp)
    from open311 import bp as open311_bp

    csrf.exempt(open311_bp)  # API clients authenticate with an api_key, not a session
    app.register_blueprint(open311_bp)

    @app.get("/healthz")
    def healthz():
        from services.health import report

        body, status = report()
        return jsonify(body), status


def register_admin(app: Flask) -> None:
    from aspirasi_admin import init_admin

    init_admin(app)


def register_input_guard(app: Flask) -> None:
    from aspirasi import input_guard

    input_guard.register(app)


def register_template_helpers(app: Flask) -> None:
    from models.vocabulary import (
        ACTION_LABELS,
        AT_OPD_STATUSES,
        ATTACHMENT_KIND_LABELS,
        CHANNEL_LABELS,
        CLOSE_REASONS,
        GUEST_KIND_LABELS,
        STATUS_LABELS,
    )
    from services.notify import badge_text, unread_count

    @app.context_processor
    def globals_for_templates():
        return {
            "STATUS_LABELS": STATUS_LABELS,
            "ACTION_LABELS": ACTION_LABELS,
            "ATTACHMENT_KIND_LABELS": ATTACHMENT_KIND_LABELS,
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
    from models.vocabulary import date_text, size_text, time_text

    # A number as the reader writes it: 12.345 and 3,5 in Indonesian, 12,345 and 3.5 in
    # English, no needless ",0"; a bounded count reads "1.000+".
    app.jinja_env.filters["angka"] = (
        lambda value: str(value) if isinstance(value, AtLeast)
        else format_decimal(value, "#,##0.#"))
    app.jinja_env.filters["tanggal"] = date_text
    app.jinja_env.filters["waktu"] = time_text
    app.jinja_env.filters["ukuran"] = size_text


def register_commands(app: Flask) -> None:
    from aspirasi.cli import register

    register(app)

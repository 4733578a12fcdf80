"""How a failed request is answered: JSON to the API and to clients that ask for JSON, a page
in the reader's language (templates/errors/<code>.html) to everyone else."""
from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from aspirasi.extensions import db, retry_after
from services.storage import StorageUnavailable


def wants_json() -> bool:
    """Whether this request's error is answered as JSON: always on the Open311 API, elsewhere
    when the client prefers JSON to every other type it accepts."""
    return (request.path.startswith("/open311/")
            or request.accept_mimetypes.best == "application/json")


def error_response(code: int, error, description: str, headers=None, **page):
    """The answer to a failed request: `{"status": code, "error": description}` as JSON, or
    the page errors/<code>.html given `error` and `page`."""
    headers = headers or {}
    if wants_json():
        return jsonify(status=code, error=description), code, headers
    return render_template(f"errors/{code}.html", error=error, **page), code, headers


def limit_explanation(error) -> str | None:
    """What a limit with its own words (Flask-Limiter's `error_message`) tells the person, or
    None for the general explanation."""
    limit = getattr(error, "limit", None)
    return error.description if limit is not None and limit.error_message else None


def register_errorhandlers(app: Flask) -> None:
    def http_error(code: int):
        def handler(error):
            if code == 500:
                db.session.rollback()  # a failed flush would otherwise break the error page too
            if code == 429:
                return error_response(code, error, error.description, retry_after(),
                                      explanation=limit_explanation(error))
            return error_response(code, error, getattr(error, "description", str(error)))
        return handler

    for code in (400, 403, 404, 413, 429, 500):
        app.register_error_handler(code, http_error(code))

    @app.errorhandler(StorageUnavailable)
    def storage_unavailable(error):
        db.session.rollback()
        return error_response(503, error, str(error))

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        # Read-only, full or unreachable database: the change was not kept, and the person
        # should hear that rather than see a bare error page.
        app.logger.exception("database refused the request")
        db.session.rollback()
        message = _("Data tidak dapat disimpan saat ini; tidak ada yang tersimpan. Coba lagi nanti.")
        return error_response(503, message, message)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_response(400, error, error.description, csrf=True)

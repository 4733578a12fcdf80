"""The citizens' door: the public portal blueprint, and its one answer to a refusal."""
from flask import Blueprint, current_app, flash
from sqlalchemy.exc import SQLAlchemyError

from models import db
from models.cache import cached_for_request
from models.settings import SITE_DEFAULTS, SOCIAL_NETWORKS, site_settings

bp = Blueprint("portal", __name__)


def site_contact() -> dict:
    """The footer's contact details and social links (read once per request). A database that
    cannot answer (the 503 page itself) leaves the defaults, so the page still renders."""
    return cached_for_request("site_contact", _read_site_contact)


def _read_site_contact() -> dict:
    try:
        values = site_settings()
    except SQLAlchemyError:
        current_app.logger.warning("settings unreadable; the footer shows the defaults")
        db.session.rollback()
        values = dict(SITE_DEFAULTS)
    values["social"] = [(SOCIAL_NETWORKS[key][0], values[key]) for key in SOCIAL_NETWORKS
                        if values.get(key)]
    return values


@bp.app_context_processor
def footer_helpers():
    return {"site_contact": site_contact}


def refused(error, show_page):
    """A domain refusal, answered the portal's way: nothing is kept, the reason is flashed and
    the page is shown again under the error's HTTP status. `show_page(status)` renders it."""
    db.session.rollback()
    flash(str(error), "error")
    return show_page(error.status_code)


from public_portal import account, citizen, kinerja, offline, personal_data, views  # noqa: E402,F401

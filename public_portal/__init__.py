"""The citizens' door: the public portal blueprint, and its one answer to a refusal."""
from flask import Blueprint, flash

from models import db

bp = Blueprint("portal", __name__)


def refused(error, show_page):
    """A domain refusal, answered the portal's way: nothing is kept, the reason is flashed and
    the page is shown again under the error's HTTP status. `show_page(status)` renders it."""
    db.session.rollback()
    flash(str(error), "error")
    return show_page(error.status_code)


from public_portal import account, citizen, personal_data, views  # noqa: E402,F401

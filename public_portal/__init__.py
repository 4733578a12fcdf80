"""The citizens' door: the public portal blueprint."""
from flask import Blueprint

bp = Blueprint("portal", __name__)


@bp.record_once
def _speak_indonesian_in_account_pages(state):
    from public_portal import security_texts

    security_texts.apply(state.app)


from public_portal import account, citizen, views  # noqa: E402,F401

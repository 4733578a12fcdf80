"""The citizens' door: the public portal blueprint."""
from flask import Blueprint

bp = Blueprint("portal", __name__)

from public_portal import account, citizen, views  # noqa: E402,F401

"""Open311 GeoReport v2: the service's door for other civic-reporting clients."""
from flask import Blueprint

bp = Blueprint("open311", __name__, url_prefix="/open311")

from open311 import georeport  # noqa: E402,F401 - registers the routes on `bp`

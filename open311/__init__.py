"""Open311 GeoReport v2: the service's door for other civic-reporting clients."""
from flask import Blueprint

bp = Blueprint("open311", __name__, url_prefix="/open311")

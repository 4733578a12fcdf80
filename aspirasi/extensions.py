"""The extensions, created unbound; `create_app` binds them. `db` and the shared `cache` are
created in `models` (the domain uses both) and listed here with the others.

Flask-Security-Too keeps its configuration on the extension object itself, so it is the one
extension `create_app` instantiates per app (see `register_extensions`): two apps in one
process (tests build several) must not share one password policy or mail setup.
"""
import math
import time

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from models import db
from models.cache import cache

migrate = Migrate()
mail = Mail()
limiter = Limiter(key_func=get_remote_address)
babel = Babel()
csrf = CSRFProtect()


def retry_after() -> dict[str, str]:
    """The Retry-After header of a request a rate limit refused: seconds until that limit's
    window ends. Flask-Limiter's own headers are off (RATELIMIT_HEADERS_ENABLED): they cost two
    round trips to the limit store on every limited request, refused or not."""
    limit = limiter.current_limit
    if limit is None or not limit.breached:
        return {}
    resets = limit.window[0]  # when the window ends, in seconds since the epoch
    return {"Retry-After": str(max(1, math.ceil(resets - time.time())))}


__all__ = ["db", "migrate", "mail", "limiter", "babel", "csrf", "cache", "retry_after"]

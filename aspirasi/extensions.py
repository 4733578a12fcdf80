"""The extensions, created unbound; `create_app` binds them."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_security import Security
from flask_wtf import CSRFProtect

from models import db

migrate = Migrate()
security = Security()
mail = Mail()
limiter = Limiter(key_func=get_remote_address)
babel = Babel()
csrf = CSRFProtect()

__all__ = ["db", "migrate", "security", "mail", "limiter", "babel", "csrf"]

"""Forms of the citizen portal."""
from flask_babel import lazy_gettext as _l
from flask_security import LoginForm, RegisterFormV2
from sqlalchemy import func
from wtforms import StringField
from wtforms.validators import DataRequired

from models import User


class ExtendedRegisterForm(RegisterFormV2):
    """Registration: email, username, password and its repetition (Flask-Security-Too)."""


class IdentityLoginForm(LoginForm):
    """One box for "email or username", as citizens expect, instead of two."""

    identity = StringField(_l("Email atau username"), validators=[DataRequired()],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("email", "username"):
            if name in self._fields:
                del self[name]

    def validate(self, **kwargs) -> bool:
        value = (self.identity.data or "").strip().lower()
        self.ifield = self.identity
        self.user = (User.query.filter(func.lower(User.email) == value).first()
                     or User.query.filter(func.lower(User.username) == value).first()) if value else None
        return super().validate(**kwargs)

"""Access guards for every back-office view: one place decides who may open what.

`RoleGuard` is mixed into every view: it admits only the listed roles (superadmin always),
sends anonymous visitors to the login page and answers 403 to everyone else, citizens
included. With `STAFF_TWO_FACTOR=required`, a staff account without a second factor is sent
to enrol one (/tf-setup) before any back-office page opens.
"""
from datetime import date, datetime

import sqlalchemy
from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose  # noqa: F401 - re-exported for view modules
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_text
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import DateBetweenFilter
from flask_admin.form import BaseForm
from flask_admin.model import typefmt
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

from aspirasi.i18n import WtformsCatalogMeta
from models import db
from models.access import visible_messages
from models.base import as_row_id
from models.cache import cached_for_request
from models.vocabulary import date_text, time_text


def must_enrol_second_factor(user) -> bool:
    """A staff account that has no second factor while the installation requires one."""
    return bool(current_app.config.get("STAFF_TWO_FACTOR") == "required"
                and user.is_authenticated and user.is_staff and not user.has_second_factor)


def back_office_roles() -> frozenset[str]:
    """The role names the signed-in user opens the back office with: none while signed out,
    deactivated, unverified or (where required) without a second factor. Each menu entry asks,
    so the answer is cached for the request (and the user)."""
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return frozenset()

    def names() -> frozenset[str]:
        if user.active and user.confirmed_at and not must_enrol_second_factor(user):
            return frozenset(user.role_names)
        return frozenset()
    return cached_for_request(f"back-office-roles:{user.id}", names)


def has_role(*roles) -> bool:
    names = back_office_roles()
    return "superadmin" in names or not names.isdisjoint(roles)


class RoleGuard:
    roles: tuple = ()  # empty: superadmin only

    def is_accessible(self):
        return has_role(*self.roles)

    def is_visible(self):
        return self.is_accessible()

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("security.login", next=request.full_path))
        if must_enrol_second_factor(current_user):
            flash(_("Akun staf wajib memakai verifikasi dua langkah. Aktifkan dulu dengan "
                    "aplikasi autentikator, lalu buka kembali halaman admin."), "warning")
            return redirect(url_for("security.two_factor_setup"))
        abort(403)


class GuardedView(RoleGuard, BaseView):
    """A page (not a model view) for the listed roles."""


class AdminForm(BaseForm, FlaskForm):
    """Flask-Admin's form with Flask-WTF's CSRF token: the same token the app-wide CSRFProtect
    checks, so model forms pass it (Flask-Admin's own SecureForm token would not); WTForms'
    messages in the reader's language."""

    class Meta(WtformsCatalogMeta):
        pass


def local_datetime(view, value, name=None) -> str:
    """Stored UTC times shown in the province's time (WITA), as every other page shows them."""
    return time_text(value)


def local_date(view, value, name=None) -> str:
    return date_text(value)


def yes_no(view, value, name=None) -> Markup:
    """A tick or a dash, its tooltip in words: "Aktif: ya"."""
    icon = "fa-check-circle" if value else "fa-minus-circle"
    answer = _("ya") if value else _("tidak")
    return Markup('<span class="fa {}" title="{}: {}"></span>').format(
        icon, view.get_column_name(name), answer)


# Words between the two dates of a range filter: the picker writes the interface's word
# (picker_words), Flask-Admin and older links write " to "; every one of them is understood.
RANGE_SEPARATORS = (" sampai ", " to ")


def plain_range(value: str) -> str:
    """A date range as Flask-Admin reads it: "2026-01-01 to 2026-01-31"."""
    for separator in RANGE_SEPARATORS[:-1]:
        value = value.replace(separator, RANGE_SEPARATORS[-1])
    return value


class DateRangeFilter(DateBetweenFilter):
    """Flask-Admin's date range filter, reading the range in any of the interface's words."""

    def clean(self, value):
        return super().clean(plain_range(value))

    def validate(self, value):
        return super().validate(plain_range(value))


# Flask-Admin's own cell formatting, in the interface's language and the province's time.
CELL_FORMATTERS = {**typefmt.BASE_FORMATTERS, datetime: local_datetime, date: local_date,
                   bool: yes_no}


class GuardedModelView(RoleGuard, ModelView):
    form_base_class = AdminForm  # CSRF token in every Flask-Admin form
    column_type_formatters = CELL_FORMATTERS
    column_type_formatters_detail = CELL_FORMATTERS
    can_set_page_size = True
    page_size = 25
    page_size_options = (25, 50, 100)

    def __init__(self, model, *args, **kwargs):
        super().__init__(model, db, *args, **kwargs)

    # The database is never asked for an id its id column cannot hold (a 30-digit `?id=`):
    # such an id names no row, and is answered as one.
    def may_name_a_row(self, id) -> bool:
        primary_key = sqlalchemy.inspect(self.model).primary_key
        whole_number = len(primary_key) == 1 and isinstance(primary_key[0].type, sqlalchemy.Integer)
        return not whole_number or as_row_id(id) is not None

    def get_one(self, id):
        """The row `?id=` names, or None (Flask-Admin's "no such record")."""
        return super().get_one(id) if self.may_name_a_row(id) else None

    @action("delete", admin_text("Delete"),
            admin_text("Are you sure you want to delete selected records?"))
    def action_delete(self, ids):
        """Flask-Admin's bulk delete (its own words), of the ids that may name a row."""
        return super().action_delete(tuple(id for id in ids if self.may_name_a_row(id)))


def scoped_messages():
    """Messages the current staff user may see, for custom pages."""
    return visible_messages(current_user)


def refused(error, show_page):
    """A domain refusal, answered the back office's way: nothing is kept; a 403 is the
    forbidden page, anything else flashes its reason on the page shown again under the
    error's HTTP status. `show_page(status)` renders that page."""
    db.session.rollback()
    if error.status_code == 403:
        abort(403)
    flash(str(error), "error")
    return show_page(error.status_code)

"""The language of a request, and the catalogs that speak it.

Indonesian unless the person chose English (`?lang=en`, kept in the session, or their
account's choice); an Open311 client chooses per request, with `?lang=` or Accept-Language.
Flask-Babel translates our strings, in Python and in templates (`_`, `gettext`, `ngettext`,
`{% trans %}` through Jinja's i18n extension, which Flask-Babel installs); WTForms' and
Flask-Admin's form messages come from our own wtforms catalog.
"""
from flask import Flask, has_request_context, request, session
from flask_babel import Domain
from flask_login import current_user

from aspirasi.extensions import babel

LANGUAGES = ("id", "en")

# WTForms' own messages ("This field is required.") in our catalog: WTForms ships none in
# Indonesian. The app's translation folders (BABEL_TRANSLATION_DIRECTORIES), domain "wtforms".
WTFORMS_CATALOG = Domain(domain="wtforms")


class WtformsCatalogMeta:
    """A form's `Meta` (WTForms' documented hook) reading WTForms' messages from our catalog
    in the request's language."""

    def get_translations(self, form):
        return WTFORMS_CATALOG.get_translations()


def select_locale() -> str:
    if not has_request_context():
        return "id"  # CLI and background work speak Indonesian
    chosen = request.args.get("lang")
    if request.blueprint == "open311":
        # Other systems' clients keep no session: each request says its language, with ?lang=
        # or the standard Accept-Language header.
        if chosen in LANGUAGES:
            return chosen
        return request.accept_languages.best_match(LANGUAGES, default="id")
    if chosen in LANGUAGES:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    return "id"  # Indonesian unless the person chose otherwise


def register_i18n(app: Flask) -> None:
    """Flask-Babel for our strings; WTForms' own messages from our catalog.

    Flask-WTF looks for a catalog already attached to the request before loading WTForms' own
    (which has no Indonesian); Flask-Admin's forms take theirs from `WtformsCatalogMeta`.
    """
    babel.init_app(app, locale_selector=select_locale)

    @app.before_request
    def attach_wtforms_catalog():
        request.wtforms_translations = WTFORMS_CATALOG.get_translations()

"""The language of a request, and the catalogs that speak it.

Indonesian unless the person chose English (`?lang=en`, kept in the session, or their
account's choice); an Open311 client chooses per request, with `?lang=` or Accept-Language.
Flask-Babel translates our strings, in Python and in templates (`_`, `gettext`, `ngettext`,
`{% trans %}` through Jinja's i18n extension, which Flask-Babel installs); WTForms' and
Flask-Admin's form messages come from our own wtforms catalog.
"""
from babel import support
from flask import Flask, has_request_context, request, session
from flask_babel import Domain, get_locale
from flask_login import current_user

from aspirasi.extensions import babel

LANGUAGES = ("id", "en")


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

    WTForms ships no Indonesian catalog, so its validation messages ("This field is
    required.") come from translations/<lang>/LC_MESSAGES/wtforms.mo: Flask-WTF looks for a
    catalog already attached to the request before loading its own, and Flask-Admin's forms
    read a module-level domain that we point at the same folder.
    """
    babel.init_app(app, locale_selector=select_locale)
    folder = app.config["BABEL_TRANSLATION_DIRECTORIES"]

    catalogs = {}  # per locale: the files do not change while the app runs

    @app.before_request
    def attach_wtforms_catalog():
        locale = str(get_locale())
        if locale not in catalogs:
            catalogs[locale] = support.Translations.load(folder, [locale], domain="wtforms")
        request.wtforms_translations = catalogs[locale]

    import flask_admin.babel as admin_babel

    if hasattr(admin_babel, "wtforms_domain"):
        admin_babel.wtforms_domain = Domain(folder, domain="wtforms")

"""Checks every request's text before any view sees it: what no form may carry anywhere.

Control characters (NUL above all) are refused in every query argument and form field: a NUL
makes PostgreSQL refuse the row and breaks later downloads on SQLite, and no person types one.
Paging arguments given as numbers must be small and not negative, because a 20-digit page becomes an
offset no database can hold. Both answers are a 400 with the reason in the user's language;
Open311 clients get their error array.
"""
import re

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

from models.control_chars import CONTROL
from models.errors import DomainError

PAGING_ARGS = ("page", "page_size")
MAX_PAGE = 1_000_000


class InputRefused(BadRequest):
    """A request refused before any view ran; `description` is the sentence for the user."""
    refusal = True


def has_control_characters(text: str) -> bool:
    return CONTROL.search(text) is not None


def _problem():
    sources = [request.args] + ([request.form] if request.method == "POST" else [])
    for source in sources:
        for key, values in source.lists():
            if has_control_characters(key) or any(has_control_characters(v) for v in values):
                return _l("Isian mengandung karakter kendali (misalnya NUL) yang tidak "
                          "diizinkan. Tidak ada yang disimpan; hapus karakter itu lalu kirim lagi.")
    if request.path.startswith("/open311/"):
        return None  # its paging has its own rule and error array
    for name in PAGING_ARGS:
        raw = request.args.get(name, "").strip()
        if re.fullmatch(r"[-+]?\d+", raw) and not (raw.isdigit() and len(raw) <= 7 and int(raw) <= MAX_PAGE):
            return _l("Angka halaman \"%(name)s\" harus bilangan bulat 0 sampai %(n)s.",
                      name=name, n=MAX_PAGE)
    return None


def register(app: Flask) -> None:
    @app.before_request
    def refuse_unreadable_input():
        problem = _problem()
        if problem is None:
            return None
        if request.path.startswith("/open311/"):
            raise DomainError(problem, 400)
        raise InputRefused(description=str(problem))

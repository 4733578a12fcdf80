"""The back office's frame, written once per kind of reader.

Every back-office page has the same head, navigation bar and scripts around its own content.
Written afresh they cost more than the dashboard's own figures: Flask-Admin's menu macro asks
every entry whether the reader may open it, and each stylesheet and script address is built
with `url_for`. What they write depends only on the page that is open, the language and the
entries the reader may open, so each part is kept per those (`kept_frame`), and a reader who
may open other entries gets a frame of their own. What depends on the request (the unread
badge, the reader's name, the sign-out form's token, flashed messages, the page's content)
is never inside a kept part. The parts are kept with the back office (Flask-Admin's `Admin`)
they belong to, and go with it.
"""
import weakref

from flask import request
from flask_babel import get_locale
from markupsafe import Markup

from aspirasi_admin.guards import kept_for

# Parts × kinds of reader × pages × languages: far more than a back office has (a few
# hundred), and a few kilobytes each, so at most about 12 MB.
KEPT_MAX = 4096
_kept: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def entries_shown(menu) -> tuple:
    """Which entries of `menu` the current reader sees, asked as Flask-Admin's macro asks."""
    return tuple(tuple(map(id, item.get_children())) if item.is_category()
                 else item.is_accessible() and item.is_visible() for item in menu)


def reader_kind(admin) -> tuple:
    """The menu's entries and links the current reader may open and the language, asked once
    per request (kept on `g` with the request it was asked for: a test may hold one app context
    over several)."""
    return kept_for("frame_reader", request._get_current_object(), lambda: (
        entries_shown(admin.menu()), entries_shown(admin.menu_links()), str(get_locale())))


def kept_frame(admin_view, part: str, caller) -> Markup:
    """`part` of the frame of `admin_view`'s page, as `caller` (the template's block) writes it."""
    admin = admin_view.admin
    parts = _kept.setdefault(admin, {})
    key = (part, admin_view.endpoint, reader_kind(admin))
    html = parts.get(key)
    if html is None:
        html = Markup(caller())
        if len(parts) >= KEPT_MAX:
            parts.clear()
        parts[key] = html
    return html

"""The back office's menu, written once per kind of reader.

Every back-office page shows the menu; Flask-Admin's template macro that writes it took 0.5 to 1
ms a page (the whole dashboard costs about 5). What it writes depends only on the entries the
reader may open, the page that is open and the language, so it is kept per those, and a reader
who may open other entries gets a menu of their own. The menus are kept with the back office
(Flask-Admin's `Admin`) they belong to, and go with it.
"""
import weakref

from flask_babel import get_locale
from markupsafe import Markup

KEPT_MAX = 1024  # kinds of reader × pages × languages; far more than a back office has
_kept: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def entries_shown(menu) -> tuple:
    """Which entries of `menu` the current reader sees, asked as Flask-Admin's macro asks."""
    return tuple(tuple(map(id, item.get_children())) if item.is_category()
                 else item.is_accessible() and item.is_visible() for item in menu)


def kept_menu(admin_view, caller) -> Markup:
    """The menu for `admin_view`'s page, as `caller` (the template's macro) writes it."""
    admin = admin_view.admin
    menus = _kept.setdefault(admin, {})
    key = (admin_view.endpoint, entries_shown(admin.menu()), str(get_locale()))
    html = menus.get(key)
    if html is None:
        html = Markup(caller())
        if len(menus) >= KEPT_MAX:
            menus.clear()
        menus[key] = html
    return html

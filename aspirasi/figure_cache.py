"""Figures and pages worth computing once: counts and reports over the whole message table,
and the public pages every signed-out visitor sees alike.

A figure is kept with the data version it was computed from: the newest change of any message
(`updated_at`, which every UPDATE sets), the newest message, rating and teguran, and the
settings (two small indexed queries), plus the caller's own marks (the newest deadline passed,
the newest notice sent). While that version is unchanged the kept figure is exact. After a
change, one request counts again while the others are given the kept figure; with
`FIGURES_MAX_AGE` (seconds) a kept figure is also served that long after a change, so a busy
installation does not recount the table after every submission. 0: always exact.

A public page (`shared_page`) is kept rendered per address, language and day and served only
while the data version is unchanged: a page is cheap to render again, and a citizen looking
up their message must see its newest status. Each worker asks for the data version of kept
pages at most every `KEPT_PAGES_RECHECK` seconds (1 s), so a change shows within a second
and a page visited many times a second costs no query at all.

The figures most visits ask for (registered with `kept_warm`: the home page's, /kinerja's,
the report's and the evaluator's default periods) are counted again by the background worker
every `FIGURES_REFRESH` seconds when the data changed and someone asked for them in the last
`DEMAND_SECONDS` (`refresh_kept_figures`), so that no visitor waits for a count over the whole
table, and nobody's absence costs a count.

The store is Flask-Caching's: a folder under the instance path shared by every worker on one
machine, Redis in production (`CACHE_REDIS_URL`), an in-process dictionary in the tests.
"""
import hashlib
import time
from collections.abc import Callable
from functools import wraps

from flask import Response, current_app, g, make_response, request, session
from flask_babel import force_locale, get_locale
from flask_login import current_user
from sqlalchemy import text

from aspirasi.extensions import cache
from models import Setting, db, utcnow
from models.vocabulary import local_time

# Four index lookups (the newest of each), written out once: this runs on every kept page.
_VERSION = text("SELECT (SELECT max(updated_at) FROM message), (SELECT max(id) FROM message), "
                "(SELECT max(id) FROM rating), (SELECT max(id) FROM reprimand)"
                ).execution_options(read_only=True)  # models.base.transaction_wrote


def data_version() -> tuple:
    """Changes whenever a message, rating or teguran is added or a message changes, and
    whenever a setting changes (the footer's contacts and the home pictures are settings;
    the table holds a few dozen short rows)."""
    newest = tuple(str(value) for value in db.session.execute(_VERSION).one())
    # The page's own footer reads the same settings: Setting.stored() asks once per request.
    settings = hashlib.blake2b(repr(sorted(Setting.stored().items())).encode(),
                               digest_size=8).hexdigest()
    return (*newest, settings)


_pages_version = {"at": float("-inf"), "version": None}  # this worker's last answer


def pages_version() -> tuple:
    """`data_version()`, asked of the database at most every KEPT_PAGES_RECHECK seconds by
    this worker (threads share it: at worst two of them ask at once)."""
    recheck = current_app.config["KEPT_PAGES_RECHECK"]
    now = time.monotonic()
    if now - _pages_version["at"] >= recheck:
        _pages_version.update(version=data_version(), at=now)
    return _pages_version["version"]


RECOUNT_SECONDS = 120  # how long one worker may take to count a figure again for everyone
DEMAND_SECONDS = 15 * 60  # a figure nobody asked for this long is no longer kept fresh


def remember(key: str, compute: Callable, per_locale: bool = True, marks: tuple = ()):
    """`compute()`'s value for `key`, computed again only when the data changed.

    The value must pickle (plain data, dataclasses of module level). Texts in it are in the
    reader's language, so by default the key includes the locale. `marks` are more parts of
    the version, for figures that also move with something else (the clock, sent mail).

    After a change, one request counts again while every other one is given the kept value
    (marked outdated: see `shared_page`): a figure that takes seconds over a large table is
    never counted by every waiting request at once.
    """
    if per_locale:
        key = f"{key}:{get_locale()}"
    version = (*data_version(), *(str(mark) for mark in marks))
    kept = cache.get(key)
    if kept is not None and kept["version"] == version:
        return kept["value"]
    refreshing = g.get("refreshing_figures", False)  # the worker counts whatever changed
    if not refreshing:
        cache.add(f"{key}:asked", True, DEMAND_SECONDS)  # writes once per span, else a read
    elif not cache.has(f"{key}:asked"):
        return kept["value"] if kept is not None else None
    max_age = 0 if refreshing else current_app.config["FIGURES_MAX_AGE"]
    if kept is not None and (time.time() - kept["at"] < max_age
                             or not cache.add(f"{key}:recounting", True, RECOUNT_SECONDS)):
        g.outdated_figures = True  # a page showing them must not be kept as current
        return kept["value"]
    try:
        value = compute()
        cache.set(key, {"version": version, "at": time.time(), "value": value})
    finally:
        cache.delete(f"{key}:recounting")
    if refreshing:
        g.refreshed_figures = g.get("refreshed_figures", 0) + 1
    return value


_warmers: list[Callable] = []


def kept_warm(warm: Callable) -> Callable:
    """Register `warm()`, which asks for figures through `remember`, to be run by the worker."""
    _warmers.append(warm)
    return warm


def refresh_kept_figures() -> int:
    """Count again, in the default language, every registered figure whose data changed since
    it was kept (one at a time across workers: the recount lock); returns how many were
    counted. English pages count their own copy on their first visit after a change."""
    app = current_app._get_current_object()
    with app.test_request_context(), force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
        g.refreshing_figures, g.refreshed_figures = True, 0
        try:
            for warm in _warmers:
                warm()
            return g.refreshed_figures
        finally:
            g.pop("refreshing_figures", None)
            g.pop("refreshed_figures", None)
            db.session.commit()  # end the read


def shared_page(view):
    """Keep `view`'s page for signed-out visitors (the same page for all of them).

    Not kept: a page for a signed-in person, one that showed a flashed message or wrote to
    the session (a form's CSRF token lives there), one built from outdated figures (it would
    outlive them: it is kept under the newer version), and anything but a 200.
    """
    @wraps(view)
    def kept_or_rendered(*args, **kwargs):
        if current_user.is_authenticated or "_flashes" in session:
            return view(*args, **kwargs)
        # Per local day too: a page whose default period is "this year" or "today" changes
        # with the date even when no data does.
        key = f"page:{get_locale()}:{local_time(utcnow()).date()}:{request.full_path}"
        version = pages_version()
        kept = cache.get(key)
        if kept is not None and kept["version"] == version:
            return Response(kept["body"], content_type=kept["content_type"])
        response = make_response(view(*args, **kwargs))
        if (response.status_code == 200 and not session.modified
                and not g.get("outdated_figures")):
            cache.set(key, {"version": version, "body": response.get_data(),
                            "content_type": response.content_type})
        return response
    return kept_or_rendered

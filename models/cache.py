"""Caching, all of it: a per-request memo and a versioned shared cache.

**Per request** (`cached_for_request`): a value computed once while a request reads, for what
a page asks about many times (the settings, the public holidays, the sub categories a monitor
follows, the roles each menu entry checks, the unread badge). It is held by the database
session and forgotten after any write (flush), commit or rollback, so a page never reads back
a value older than its own change, even after a bulk UPDATE that bypassed the session.

**Shared** (`cache`, Flask-Caching: a folder under instance/ that every worker of one machine
shares, Redis when CACHE_REDIS_URL is set, a dictionary in the tests): values every worker may
reuse, each stored with the data version it was computed from and served only while that
version is unchanged.
- `cached_figure`: counts and reports over the whole message table. After a change one request
  counts again while the others are given the stored value (marked outdated, so no page built
  from it is stored); with FIGURES_MAX_AGE (seconds) a stored value is also served that long
  after a change, so a busy installation does not count after every submission. The figures
  most visits open (registered with `cache_warmer`) are counted again by the background worker
  (`refresh_cached_figures`) when the data changed and someone asked for them lately.
  The person who just changed data is never among the others: after a write of theirs, their
  next pages count the figures again (`changed_by_reader_since`).
- `cached_page`: a page rendered for signed-out visitors, where many strangers ask for the same
  one (home, the public list, /kinerja), for the query arguments the page knows only.

A key names everything the value depends on: what it is, the reader's scope, the period, the
language; the data version (and the day, for pages) travels inside the entry, so a change
rewrites the same entry instead of adding one. A government, once there are several, is one
more part of every key and of the data version. The keys are bounded by design (no page per
message, no page for an argument the page does not know or a value it does not read), so the
store never counts or prunes (CACHE_THRESHOLD 0): a write costs the same whatever it holds,
and nothing evicts a figure to make room for a page (on Redis, as long as the server is not
told to evict: its default `maxmemory-policy noeviction`). Entries expire by timeout; the
file store leaves an expired entry's file in place, so the worker removes files older than
the longest timeout (`sweep_cache_files`).

It lives in `models` because the domain itself uses the per-request memo, and the arrows point
from `aspirasi` and both doors to `models`, never back: here every layer may import it. It
needs nothing above `models`: Flask, Flask-Caching, Flask-Babel, Flask-Login and `models.db`.
"""
import hashlib
import os
import secrets
import time
from collections.abc import Callable
from functools import wraps

from flask import (
    Response,
    after_this_request,
    current_app,
    g,
    has_app_context,
    has_request_context,
    make_response,
    request,
    session,
)
from flask_babel import force_locale, get_locale
from flask_caching import Cache
from flask_login import current_user
from sqlalchemy import column, event, func, select, table
from sqlalchemy.orm import Session

from models import db
from models.base import utcnow
from models.vocabulary import local_time

cache = Cache()  # bound by create_app; aspirasi.extensions lists it with the other extensions

# --- per request ------------------------------------------------------------------------------

_MEMO = "cached_for_request"


def cached_for_request(key: str, compute: Callable):
    """`compute()` once per request under `key`, until the session writes or its transaction
    ends. `key` names everything the value depends on besides the data (the user's id...)."""
    memo = db.session.info.setdefault(_MEMO, {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_request_cache(session, *_):
    session.info.pop(_MEMO, None)


# --- the reader's own changes -----------------------------------------------------------------

_WROTE = "wrote"
# When the signed-in person last committed a change, kept in their own session (seconds).
OWN_CHANGE_AT = "own_change_at"


@event.listens_for(Session, "after_flush")
def _note_write(session_, *_):
    session_.info[_WROTE] = True


@event.listens_for(Session, "after_rollback")
def _forget_write(session_, *_):
    """What a transaction rolled back wrote is no change: neither the reader's own nor one to
    master data (below)."""
    session_.info.pop(_WROTE, None)
    session_.info.pop(_MASTER_CHANGED, None)


@event.listens_for(Session, "after_commit")
def _remember_own_change(session_):
    """A signed-in person's committed change is noted in their session as the request ends
    (no SQL may run here, and who is signed in may need some), so that their next pages show
    figures that hold it (`cached_figure`)."""
    if not (session_.info.pop(_WROTE, False) and has_request_context()):
        return
    moment = time.time()

    @after_this_request
    def remember(response):
        if current_user.is_authenticated:
            session[OWN_CHANGE_AT] = moment
        return response


def changed_by_reader_since(moment: float) -> bool:
    """Whether the person reading committed a change after `moment` (a time.time())."""
    return has_request_context() and session.get(OWN_CHANGE_AT, 0) > moment


# --- master data ------------------------------------------------------------------------------

# The tables whose rows public pages and figures name or count by (an OPD's and a category's
# names, a sub category's SLA, the holidays the SLA skips). They hold no `updated_at`; a
# commit that changed any of them writes a new token to the shared cache instead, and the
# token is part of the data version. It is written after the commit: a page rendered from
# the old rows meanwhile is stored under the old token and never served again.
MASTER_TABLES = frozenset({"opd", "category", "subcategory", "holiday"})
MASTER_VERSION = "master-data-version"
_MASTER_CHANGED = "master_changed"


@event.listens_for(Session, "after_flush")
def _note_master_change(session_, *_):
    changed = (*session_.new, *session_.dirty, *session_.deleted)
    if any(getattr(row, "__tablename__", None) in MASTER_TABLES for row in changed):
        session_.info[_MASTER_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _bump_master_version(session_):
    if session_.info.pop(_MASTER_CHANGED, False) and has_app_context():
        cache.set(MASTER_VERSION, secrets.token_hex(8), timeout=0)  # 0: never expires


# --- the data version -------------------------------------------------------------------------

def _newest(table_name: str, column_name: str):
    return select(func.max(column(column_name))).select_from(table(table_name)).scalar_subquery()


# Four index lookups (the newest of each), built once: every shared value asks.
_NEWEST = select(_newest("message", "updated_at"), _newest("message", "id"),
                 _newest("rating", "id"), _newest("reprimand", "id"))


def data_version() -> tuple:
    """Changes whenever a message, rating or teguran is added or a message changes (every
    UPDATE sets `updated_at`), whenever a setting changes (the footer's contacts and the
    home pictures are settings; the table holds a few dozen short rows), and whenever master
    data changes (`MASTER_TABLES`: one read of the shared cache)."""
    from models.settings import Setting  # models.settings itself uses the memo above

    newest = tuple(str(value) for value in db.session.execute(_NEWEST).one())
    # The page's own footer reads the same settings: Setting.stored() asks once per request.
    settings = hashlib.blake2b(repr(sorted(Setting.stored().items())).encode(),
                               digest_size=8).hexdigest()
    return (*newest, settings, str(cache.get(MASTER_VERSION)))


# --- figures ----------------------------------------------------------------------------------

RECOUNT_SECONDS = 120  # how long one worker may take to count a figure again for everyone
DEMAND_SECONDS = 15 * 60  # a figure nobody asked for this long is no longer refreshed


def _claim(lock: str, seconds: int) -> bool:
    """Take `lock` for `seconds`; False while another request holds it. Redis and the tests'
    dictionary take it in one step. The file store's `add` only asks whether the file exists,
    so a lock whose holder died before removing it is taken over once it has expired."""
    if cache.add(lock, True, seconds):
        return True
    return cache.get(lock) is None and cache.set(lock, True, seconds)


def cached_figure(key: str, compute: Callable, per_locale: bool = True, marks: tuple = ()):
    """`compute()`'s value for `key`, computed again only when the data changed.

    The value must pickle (plain data, dataclasses of module level). Texts in it are in the
    reader's language, so by default the key includes the locale. `marks` are more parts of
    the version, for figures that also move with something else (the clock, sent mail).
    """
    key = f"figure:{key}:{get_locale()}" if per_locale else f"figure:{key}"
    version = (*data_version(), *(str(mark) for mark in marks))
    stored = cache.get(key)
    if stored is not None and stored["version"] == version:
        return stored["value"]
    refreshing = g.get("refreshing_figures", False)  # the worker counts whatever changed
    asked = f"{key}:asked"
    if not refreshing:
        if not cache.has(asked):
            cache.set(asked, True, DEMAND_SECONDS)
    elif not cache.has(asked):
        return stored["value"] if stored is not None else None
    lock = f"{key}:recounting"
    claimed = False
    # Counted before the reader's own change: theirs to count again now, whatever the others do.
    if stored is not None and not changed_by_reader_since(stored["at"]):
        max_age = 0 if refreshing else current_app.config["FIGURES_MAX_AGE"]
        if time.time() - stored["at"] < max_age or not (claimed := _claim(lock, RECOUNT_SECONDS)):
            g.outdated_figures = True  # a page showing them must not be stored as current
            return stored["value"]
    try:
        value = compute()
        cache.set(key, {"version": version, "at": time.time(), "value": value})
    finally:
        if claimed:
            cache.delete(lock)
    if refreshing:
        g.refreshed_figures = g.get("refreshed_figures", 0) + 1
    return value


_warmers: list[Callable] = []


def cache_warmer(warm: Callable) -> Callable:
    """Register `warm()`, which asks for figures through `cached_figure`, to be run by the
    background worker."""
    _warmers.append(warm)
    return warm


def refresh_cached_figures() -> int:
    """Count again, in the default language, every registered figure whose data changed since
    it was stored and that someone asked for lately (one at a time across workers: the recount
    lock); returns how many were counted. English pages count their own copy on their first
    visit after a change."""
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


# --- pages ------------------------------------------------------------------------------------

PAGE_SECONDS = 3600  # a page nobody asked for this long is written again at the next visit
_pages_version = {"at": float("-inf"), "version": None}  # this worker's last answer


def pages_version() -> tuple:
    """`data_version()`, asked of the database at most every CACHED_PAGES_RECHECK seconds by
    this worker (threads share it: at worst two of them ask at once). A page asked for many
    times a second then costs no query, and a change shows within that time."""
    now = time.monotonic()
    if now - _pages_version["at"] >= current_app.config["CACHED_PAGES_RECHECK"]:
        _pages_version.update(version=data_version(), at=now)
    return _pages_version["version"]


def _page_key(known_args: dict) -> str | None:
    """The stored page's key: its address, language and the arguments asked for; None (the
    page is rendered, not stored) for an argument the page does not know, one given twice or
    a value the page does not read as it is. `lang` only chooses the language, in the key."""
    asked = []
    for name, values in request.args.lists():
        if name == "lang":
            continue
        known = known_args.get(name)
        if known is None or len(values) != 1 or not known(values[0]):
            return None
        asked.append(f"{name}={values[0]}")
    return f"page:{request.path}:{get_locale()}:{'&'.join(sorted(asked))}"


def cached_page(**known_args: Callable[[str], bool]):
    """Store the decorated view's page for signed-out visitors (the same page for all of them).

    `known_args` names each query argument the page reads, with a test of the values it reads
    as they are (any other spelling is rendered and not stored): the keys stay bounded. Only
    for an address with no variable part: a page per message would be a page per stranger.

    Not stored: a page for a signed-in person, one that showed a flashed message or wrote to
    the session (a form's CSRF token lives there), one built from outdated figures (it would
    outlive them: it is stored under the newer version), and anything but a 200. A stored
    page is served while the data version and the local day (a page whose default period is
    "this year" changes with the date) are those it was rendered at.
    """
    def decorate(view):
        @wraps(view)
        def cached_or_rendered(*args, **kwargs):
            if args or kwargs:
                raise TypeError(f"{view.__name__}: cached_page is for addresses with no "
                                "variable part")
            if current_user.is_authenticated or "_flashes" in session:
                return view()
            key = _page_key(known_args)
            if key is None:
                return view()
            version = (*pages_version(), str(local_time(utcnow()).date()))
            stored = cache.get(key)
            if stored is not None and stored["version"] == version:
                return Response(stored["body"], content_type=stored["content_type"])
            response = make_response(view())
            if (response.status_code == 200 and not session.modified
                    and not g.get("outdated_figures")):
                cache.set(key, {"version": version, "body": response.get_data(),
                                "content_type": response.content_type}, timeout=PAGE_SECONDS)
            return response
        return cached_or_rendered
    return decorate


# --- the file store ---------------------------------------------------------------------------

def sweep_cache_files() -> int:
    """On the file store, remove the files of entries written longer ago than the longest
    timeout (CACHE_DEFAULT_TIMEOUT): all of them have expired, and the store itself, which
    never prunes, would only replace a file when its key is written again. Returns how many
    were removed; the worker runs it now and then, away from any request."""
    config = current_app.config
    longest = config.get("CACHE_DEFAULT_TIMEOUT")
    if "filesystem" not in str(config.get("CACHE_TYPE", "")).lower() or not longest:
        return 0  # Redis expires entries itself; no timeout (0) means entries never expire
    oldest = time.time() - longest
    removed = 0
    with os.scandir(config["CACHE_DIR"]) as entries:
        for entry in entries:
            try:
                if entry.is_file() and entry.stat().st_mtime < oldest:
                    os.unlink(entry.path)
                    removed += 1
            except FileNotFoundError:
                pass  # written again or removed meanwhile
    return removed

"""Caching: the per-request memo.

`cached_for_request`: a value computed once while a request reads, for what a page asks about
many times (the settings, the public holidays, the sub categories a monitor follows, the roles
each menu entry checks, the unread badge). It is held by the database session and forgotten
after any write (flush), commit or rollback, so a page never reads back a value older than its
own change, even after a bulk UPDATE that bypassed the session.

It lives in `models` because the domain itself uses it, and the arrows point from `aspirasi`
and both doors to `models`, never back: here every layer may import it.
"""
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from models import db

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

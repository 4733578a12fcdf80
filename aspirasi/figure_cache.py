"""Figures worth computing once: counts and reports over the whole message table.

A figure is kept with the data version it was computed from: the newest change of any
message (`updated_at`, which every UPDATE sets), the newest message, rating and teguran. One
indexed query reads that version; while it is unchanged the kept figure is exact and is
served as it is. After a change a kept figure may still be served for `FIGURES_MAX_AGE`
seconds (a busy installation would otherwise recount the table after every submission);
0 means figures are always exact.

The store is Flask-Caching's: a folder under the instance path shared by every worker on one
machine, Redis in production (`CACHE_REDIS_URL`), an in-process dictionary in the tests.
"""
import time
from collections.abc import Callable

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import func, select

from aspirasi.extensions import cache
from models import Message, Rating, Reprimand, db


def data_version() -> tuple:
    """Changes whenever a message, rating or teguran is added or a message changes."""
    newest = lambda column: select(func.max(column)).scalar_subquery()  # noqa: E731
    row = db.session.execute(select(newest(Message.updated_at), newest(Message.id),
                                    newest(Rating.id), newest(Reprimand.id))).one()
    return tuple(str(value) for value in row)


def remember(key: str, compute: Callable, per_locale: bool = True):
    """`compute()`'s value for `key`, computed again only when the data changed.

    The value must pickle (plain data, dataclasses of module level). Texts in it are in the
    reader's language, so by default the key includes the locale.
    """
    if per_locale:
        key = f"{key}:{get_locale()}"
    version = data_version()
    kept = cache.get(key)
    max_age = current_app.config["FIGURES_MAX_AGE"]
    if kept is not None and (kept["version"] == version or time.time() - kept["at"] < max_age):
        return kept["value"]
    value = compute()
    cache.set(key, {"version": version, "at": time.time(), "value": value})
    return value

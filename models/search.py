"""The public list's search by subject, read from an index on SQLite.

A search finds the messages whose subject contains the words typed, as one piece, whatever
their case. Asked as `LIKE '%words%'`, the database reads messages one by one until it has
counted the rows the list pages through; for words found nowhere it reads every message. On
SQLite the subjects are therefore also held in `message_search`, an FTS5 table with the
trigram tokenizer (case-insensitive), kept by triggers on `message` (migration c9e5a1b3d7f2).
It finds any piece of three characters or more, and yields the matches newest received
first, so a page or a bounded count stops as soon as it has its rows.

A migration that copies the `message` table (Alembic's batch mode on SQLite) drops those
triggers: it must create them again (tests/test_public_search.py checks the index follows
every change at the newest revision). Shorter words, and PostgreSQL, use `LIKE`.
"""
from sqlalchemy import column, func, select, table

from models.message import Message

SEARCH_TABLE = "message_search"
# FTS5 keeps its index in tables named after the search table.
SEARCH_TABLES = (SEARCH_TABLE, *(f"{SEARCH_TABLE}_{part}"
                                 for part in ("data", "idx", "docsize", "config")))
SHORTEST_INDEXED = 3  # the trigram tokenizer matches pieces of three characters or more

_search = table(SEARCH_TABLE, column("rowid"), column(SEARCH_TABLE))


def is_search_table(name: str) -> bool:
    """The index's own tables, which no model describes (for Alembic's comparisons)."""
    return name in SEARCH_TABLES


def phrase(words: str) -> str:
    """`words` as one FTS5 string: a piece to be found as typed."""
    return '"' + words.replace('"', '""') + '"'


def subject_search(query, words: str, dialect: str, narrowed: bool):
    """`query` narrowed to the messages whose subject contains `words` (all of them for no
    words), and the order to read it in (newest first). `narrowed`: the list is filtered by
    something else as well (a status, a category, an OPD); that filter's index then leads,
    and the search index only tells which messages match, since most of a common word's
    matches would fail the filter."""
    newest_first = (Message.created_at.desc(), Message.id.desc())
    if not words:
        return query, newest_first
    if dialect == "sqlite" and len(words) >= SHORTEST_INDEXED:
        matches = _search.c[SEARCH_TABLE].op("MATCH")(phrase(words))
        if narrowed:
            return query.filter(Message.id.in_(select(_search.c.rowid).where(matches))), newest_first
        found = query.join(_search, _search.c.rowid == Message.id).filter(matches)
        return found, (_search.c.rowid.desc(),)  # ids are given in the order messages arrive
    found = query.filter(func.lower(Message.perihal).contains(words.lower(), autoescape=True))
    return found, newest_first

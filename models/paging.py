"""How far a list can be paged, for every list in the portal and the back office.

A list pages through its newest (or oldest) PAGEABLE_ROWS rows; beyond them a person narrows
the list with a filter or a search. Counting or skipping further would cost time that grows
with the table, on every visit, for pages nobody reads. So a list counts at most
PAGEABLE_ROWS + 1 rows (`bounded_count`) and a page number past the end shows the last page.
"""
from math import ceil

from flask_babel import format_number
from sqlalchemy import func, literal_column, select

from models import db

PAGEABLE_ROWS = 1000


class AtLeast(int):
    """A count that stopped at the bound: reads "1.000+" (in the reader's language)."""

    def __str__(self):
        return f"{format_number(int(self))}+"


def bounded_count(query) -> int:
    """How many rows `query` selects, or AtLeast(PAGEABLE_ROWS) when there are more."""
    rows = (query.with_entities(literal_column("1")).order_by(None)
            .limit(PAGEABLE_ROWS + 1).subquery())
    count = db.session.scalar(select(func.count()).select_from(rows))
    return AtLeast(PAGEABLE_ROWS) if count > PAGEABLE_ROWS else count


def last_page(per_page: int) -> int:
    """The highest page number (from 1) a list of `per_page` rows offers."""
    return max(ceil(PAGEABLE_ROWS / per_page), 1)


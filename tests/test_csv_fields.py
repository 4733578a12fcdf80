"""Property: the exports' CSV writer writes every row exactly as Python's csv module would
(RFC 4180: a field holding a comma, a quote or a line break in quotes, its quotes doubled),
so any spreadsheet or csv reader reads back the cells that were written."""
import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.exports import csv_lines, safe_cell

CELL = st.one_of(
    st.none(),
    st.integers(),
    st.text(alphabet=st.sampled_from('ab ,"\r\n\t=+-@;\'é🌧'), max_size=12),
    st.text(max_size=30),
)
ROWS = st.lists(st.lists(CELL, max_size=6), max_size=5)


def written_by_csv_module(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(ROWS)
def test_csv_lines_are_what_the_csv_module_writes(rows):
    """Is every drawn table written byte for byte as the csv module writes it?"""
    assert "".join(csv_lines(rows)) == written_by_csv_module(rows)


@settings(max_examples=200, deadline=None)
@given(ROWS)
def test_csv_lines_read_back_as_the_cells_written(rows):
    """Does the csv reader give back each cell (as text, formulas quoted, None empty)?"""
    read = list(csv.reader(io.StringIO("".join(csv_lines(rows)), newline="")))
    expected = [["" if cell is None else str(safe_cell(cell)) for cell in row] for row in rows]
    assert read == expected

"""CSV and XLSX files from tables, for spreadsheets: the message list and the report (back
office) and the open figures (/kinerja).

A table is (sheet title, header row, data rows). Cells that a spreadsheet would run as a
formula (=, +, -, @ at the start of text) are quoted, so a citizen's text stays text.

A long list (`streamed_download`) is never held whole: its CSV is sent as it is written, its
XLSX written row by row to a temporary file; the rows may come from a generator, and from
`read_ahead`, which reads them a few batches ahead where the database allows it.
"""
import functools
import io
import itertools
import queue
import tempfile
import threading
from collections.abc import Iterator
from datetime import datetime

from flask import Response, stream_with_context
from flask_babel import gettext as _
from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from models.vocabulary import LOCAL_OFFSET

FORMULA_STARTS = "=+-@\t\r"  # a cell starting with one of these is a formula to a spreadsheet
MIME = {"csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def safe_cell(value):
    if isinstance(value, str) and value and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


def yes_no(value: bool) -> str:
    return _("ya") if value else _("tidak")


CSV_TIME = "%d/%m/%Y %H:%M"  # 31/12/2026 14:05


class csv_local_time(FunctionElement):
    """SQL: a stored naive-UTC time as the CSV's WITA text (`CSV_TIME`), or NULL, written by
    the database. A year's export writes about a million times; in Python each cost a parse
    into a datetime, the offset and a strftime (a sixth of the export's time)."""
    type = String()
    inherit_cache = True
    name = "csv_local_time"


_OFFSET_MINUTES = int(LOCAL_OFFSET.total_seconds() // 60)
# CSV_TIME in PostgreSQL's to_char; SQLite's strftime reads CSV_TIME as it is.
_TO_CHAR_PATTERN = functools.reduce(
    lambda pattern, codes: pattern.replace(*codes),
    {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%H": "HH24", "%M": "MI"}.items(), CSV_TIME)


@compiles(csv_local_time, "sqlite")
def _csv_local_time_sqlite(element, compiler, **kw):
    # Whole seconds only: SQLite rounds a fraction to milliseconds, and 10:59:59.9997 would
    # become 11:00 where Python (and PostgreSQL) read 10:59.
    return (f"strftime('{CSV_TIME}', substr({compiler.process(element.clauses, **kw)}, 1, 19), "
            f"'{_OFFSET_MINUTES:+d} minutes')")


@compiles(csv_local_time, "postgresql")
def _csv_local_time_postgresql(element, compiler, **kw):
    return (f"to_char({compiler.process(element.clauses, **kw)} + "
            f"interval '{_OFFSET_MINUTES} minutes', '{_TO_CHAR_PATTERN}')")


def csv_text(value) -> str:
    """Text, or none, as a CSV field: a formula quoted (as `safe_cell` does); a field holding
    a comma, a quote or a line break in double quotes, its quotes doubled (RFC 4180, as the
    csv module writes it).

    Written here, not with the csv module: its writer looks at every character of every
    field; this finds the four characters with a string search each, which matters for an
    export of a year's messages."""
    if not value:
        return ""
    if value.__class__ is not str:
        value = str(value)  # a lazily translated label
    if value[0] in FORMULA_STARTS:
        value = "'" + value
    return _quoted(value)


def _quoted(value: str) -> str:
    if '"' in value or "," in value or "\n" in value or "\r" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_plain(value) -> str:
    """A number or a day, or none, as a CSV field: never a formula (-5 stays a number)."""
    return "" if value is None else _quoted(str(value))


def csv_cell_text():
    """A function writing any cell as a CSV field: a date as 31/12/2026 14:05, a yes/no in
    words (looked up once, not per cell), text by `csv_text`, anything else by `csv_plain`."""
    words = {True: yes_no(True), False: yes_no(False)}

    def text(value) -> str:
        if isinstance(value, str):  # most cells: tested first (a lazy translation too)
            return csv_text(value)
        if value is None:
            return ""
        if isinstance(value, datetime):
            return value.strftime(CSV_TIME)
        if isinstance(value, bool):
            return words[value]
        return csv_plain(value)
    return text


def csv_lines(rows):
    """The rows as CSV lines (CRLF-ended)."""
    text = csv_cell_text()
    for row in rows:
        line = ",".join(map(text, row))
        if not line and row:  # a row of one empty cell, told apart from an empty row
            line = '""'
        yield line + "\r\n"


def csv_bytes(tables) -> bytes:
    """One table as a plain CSV; several as titled sections separated by a blank line."""
    lines = []
    for index, (title, header, rows) in enumerate(tables):
        if len(tables) > 1:
            if index:
                lines.append("\r\n")
            lines.extend(csv_lines([[title]]))
        lines.extend(csv_lines([header, *rows]))
    return ("\ufeff" + "".join(lines)).encode("utf-8")  # the BOM makes Excel read UTF-8


CSV_CHUNK = 64 * 1024  # characters sent at a time: few writes, little memory


def csv_chunks(header, rows):
    """One table as CSV, in pieces of about CSV_CHUNK characters, the BOM first. The header
    holds values; each row's cells are CSV fields already (written by `csv_text` or
    `csv_plain`) and are only joined."""
    piece, size = ["\ufeff"], 0
    lines = itertools.chain(csv_lines([header]), (",".join(row) + "\r\n" for row in rows))
    for line in lines:
        piece.append(line)
        size += len(line)
        if size >= CSV_CHUNK:
            yield "".join(piece).encode("utf-8")
            piece, size = [], 0
    yield "".join(piece).encode("utf-8")


def xlsx_bytes(tables) -> bytes:
    buffer = io.BytesIO()
    xlsx_write(tables, buffer)
    return buffer.getvalue()


def xlsx_write(tables, target) -> None:
    """The tables as one workbook, a sheet each, saved to `target` (a path or binary file); a
    write-only workbook keeps no more than the row being written."""
    # Imported here: openpyxl loads numpy when it is installed, ~20 MiB that a web worker
    # would otherwise carry for every request, not only for the spreadsheets.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    words = {True: yes_no(True), False: yes_no(False)}

    def cell(value):
        return words[value] if isinstance(value, bool) else safe_cell(value)
    used = set()
    for title, header, rows in tables:
        name = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Data"
        while name in used:
            name = name[:28] + f"_{len(used)}"
        used.add(name)
        sheet = workbook.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append([cell(value) for value in row])
    workbook.save(target)


def _xlsx_chunks(table):
    """One table as an XLSX file, written (row by row) to a temporary file, then read out."""
    with tempfile.TemporaryFile() as spool:
        xlsx_write([table], spool)
        spool.seek(0)
        while chunk := spool.read(CSV_CHUNK):
            yield chunk


def _attachment(body, fmt: str, basename: str) -> Response:
    response = Response(body, content_type=MIME[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{basename}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"  # may hold personal data
    return response


def download(tables, fmt: str, basename: str) -> Response:
    """Small tables (the report's), built whole."""
    tables = [(title, header, list(rows)) for title, header, rows in tables]
    body = xlsx_bytes(tables) if fmt == "xlsx" else csv_bytes(tables)
    return _attachment(body, fmt, basename)


def streamed_download(table, fmt: str, basename: str) -> Response:
    """One long table, sent while its rows are read (they may come from an open query: the
    request's context stays open until the last row is sent). Its rows are written for the
    file: for a CSV each cell is a CSV field already (see `csv_chunks`), for an XLSX a value."""
    _title, header, rows = table
    chunks = _xlsx_chunks(table) if fmt == "xlsx" else csv_chunks(header, rows)
    return _attachment(stream_with_context(chunks), fmt, basename)


READ_AHEAD_BATCHES = 3  # batches read and waiting at most: memory stays flat however long
_READ = object()  # the reader's last word: every row was handed over


def read_ahead(session, statement, batch_size: int) -> Iterator:
    """The rows of `statement`, read in batches while the caller writes the rows before them.

    From PostgreSQL a batch comes whole over the connection: on a connection and thread of
    their own, the next batches are asked for and received while the rows already read are
    written. SQLite's driver lets go of Python's lock for every row it steps to, so a reader
    thread would fight the writer for it at each row: there the rows are read in turn, on the
    session's own connection. An error in the reader is raised in the caller; when
    the caller stops early (the download was cancelled), the reader stops at its next batch
    and gives its connection back.
    """
    engine = session.get_bind()
    if engine.dialect.name == "sqlite":
        yield from session.connection().execution_options(yield_per=batch_size).execute(statement)
        return
    batches: queue.Queue = queue.Queue(maxsize=READ_AHEAD_BATCHES)
    stopped = threading.Event()

    def hand_over(item) -> bool:
        while not stopped.is_set():
            try:
                batches.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            with engine.connect() as connection:
                result = connection.execution_options(yield_per=batch_size).execute(statement)
                for batch in result.partitions():
                    if not hand_over(batch):
                        return
            hand_over(_READ)
        except BaseException as error:  # noqa: BLE001 - raised again in the caller
            hand_over(error)

    reader = threading.Thread(target=read, name="export-reader", daemon=True)
    reader.start()
    try:
        while (batch := batches.get()) is not _READ:
            if isinstance(batch, BaseException):
                raise batch
            yield from batch
    finally:
        stopped.set()
        reader.join()

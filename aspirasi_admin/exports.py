"""CSV and XLSX files from tables: the message list and the report, for spreadsheets.

A table is (sheet title, header row, data rows). Cells that a spreadsheet would run as a
formula (=, +, -, @ at the start of text) are quoted, so a citizen's text stays text.
"""
import csv
import io
from datetime import datetime

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MIME = {"csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def yes_no(value: bool) -> str:
    return _("ya") if value else _("tidak")


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, bool):
        return yes_no(value)
    return str(safe_cell(value))


def csv_bytes(tables) -> bytes:
    """One table as a plain CSV; several as titled sections separated by a blank line."""
    out = io.StringIO()
    writer = csv.writer(out)
    for index, (title, header, rows) in enumerate(tables):
        if len(tables) > 1:
            if index:
                writer.writerow([])
            writer.writerow([title])
        writer.writerow(header)
        for row in rows:
            writer.writerow([_csv_text(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def _xlsx_cell(value):
    if isinstance(value, bool):
        return yes_no(value)
    return safe_cell(value)


def xlsx_bytes(tables) -> bytes:
    workbook = Workbook(write_only=True)
    used = set()
    for title, header, rows in tables:
        name = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Data"
        while name in used:
            name = name[:28] + f"_{len(used)}"
        used.add(name)
        sheet = workbook.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append([_xlsx_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(tables, fmt: str, basename: str) -> Response:
    tables = [(title, header, list(rows)) for title, header, rows in tables]
    body = xlsx_bytes(tables) if fmt == "xlsx" else csv_bytes(tables)
    response = Response(body, content_type=MIME[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{basename}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"  # may hold personal data
    return response

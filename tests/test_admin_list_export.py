"""The message lists' export buttons: the file holds exactly the rows the list shows."""
import csv
import html
import io
import re

from openpyxl import load_workbook

from models import Message, Opd


def export_link(page: str, fmt: str) -> str:
    match = re.search(rf'id="export-{fmt}" href="([^"]+)"', page)
    assert match, f"the list offers a {fmt} export"
    return html.unescape(match.group(1))


def csv_trackings(response) -> set[str]:
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    return {row[0] for row in rows[1:]}


def test_filtered_list_export_matches_the_filter(app, login_as):
    """Does the export link of 'all messages' filtered to Sedang Diproses hold those messages only?"""
    client = login_as("admin")
    page = client.get("/admin/pesan/?status=diproses").get_data(as_text=True)
    with app.app_context():
        expected = {m.tracking for m in Message.query.filter_by(status="diproses")}
    assert len(expected) == 2  # the demo data has two messages being handled
    assert csv_trackings(client.get(export_link(page, "csv"))) == expected
    workbook = load_workbook(io.BytesIO(client.get(export_link(page, "xlsx")).data))
    sheet = workbook.worksheets[0]
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == expected


def test_search_is_carried_into_the_export(app, login_as):
    """Does a search in the list narrow the export the same way?"""
    client = login_as("admin")
    page = client.get("/admin/pesan/?q=Sungai").get_data(as_text=True)
    with app.app_context():
        expected = {m.tracking for m in Message.query.filter(Message.perihal.contains("Sungai"))}
    assert len(expected) == 1
    assert csv_trackings(client.get(export_link(page, "csv"))) == expected


def test_operator_list_export_holds_only_its_opd(app, login_as):
    """Does op-dlh's 'my OPD' export hold Dinas Lingkungan Hidup's messages and nothing else?"""
    client = login_as("op-dlh")
    page = client.get("/admin/pesan-opd/").get_data(as_text=True)
    with app.app_context():
        dlh = Opd.query.filter_by(code="DLH").one()
        expected = {m.tracking for m in Message.query.filter_by(opd_id=dlh.id)}
    assert len(expected) == 2
    assert csv_trackings(client.get(export_link(page, "csv"))) == expected

"""A guest's own choices (kategori umum/layanan, the date of the event) reach every staff view
of the message: the detail page, the forwarding letter and the CSV/XLSX export."""
import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.helpers import GOOD_NIK, advance, gen_message

pytestmark = pytest.mark.usefixtures("demo")


def guest_message(app, kind="layanan", day=date(2026, 1, 5)):
    message = gen_message(app, reporter=None, perihal="Antrean KTP sangat panjang",
                          guest_nik=GOOD_NIK, guest_phone="081234500011", guest_kind=kind,
                          event_date=day)
    advance(app, message.tracking, "forward")
    return message  # detached, its id and tracking number loaded


def test_guest_form_explains_umum_and_layanan(client):
    """Does the guest form say what "Umum" and "Layanan" mean beside each choice?"""
    page = client.get("/lapor").get_data(as_text=True)
    assert 'aria-describedby="jenis-umum"' in page and 'aria-describedby="jenis-layanan"' in page
    assert "fasilitas umum" in page and "jalan" in page
    assert "administrasi kependudukan" in page and "perizinan" in page
    english = client.get("/lapor?lang=en").get_data(as_text=True)
    assert "public facilities" in english and "civil registration" in english


def test_detail_page_shows_guest_kind_and_event_date(app, client, login_as):
    """Does the staff detail page show the guest's kategori and the date of the event?"""
    message = guest_message(app)
    login_as("admin")
    page = client.get(f"/admin/detail/{message.id}").get_data(as_text=True)
    assert '<td id="guest-kind">Layanan</td>' in page
    assert '<td id="event-date">5 Jan 2026</td>' in page
    login_as("op-diskominfo")
    page = client.get(f"/admin/detail/{message.id}").get_data(as_text=True)
    assert '<td id="guest-kind">Layanan</td>' in page and "5 Jan 2026" in page


def test_letter_carries_guest_kind_and_event_date(app, client, login_as):
    """Does the forwarding letter PDF name the guest's kategori and the event's date?"""
    message = guest_message(app, kind="umum", day=date(2026, 2, 14))
    login_as("admin")
    response = client.get(f"/admin/detail/{message.id}/surat.pdf")
    assert response.status_code == 200
    text = " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Kategori pelapor Umum" in text
    assert "Tanggal kejadian 14 Februari 2026" in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_has_guest_kind_and_event_date_columns(app, client, login_as, fmt):
    """Does the message export carry the guest's kategori and event date in their own columns?"""
    message = guest_message(app)
    login_as("admin")
    response = client.get(f"/admin/laporan/pesan/ekspor.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
        rows = [dict(zip(values[0], row, strict=False)) for row in values[1:]]
    row = next(r for r in rows if r["Nomor tracking"] == message.tracking)
    assert row["Kategori pilihan pelapor"] == "Layanan"
    assert str(row["Tanggal kejadian"])[:10] == "2026-01-05"
    others = [r for r in rows if r["Nomor tracking"] != message.tracking]
    # A spreadsheet reader drops a row's empty trailing cells.
    assert others and all(not r.get("Kategori pilihan pelapor") for r in others)

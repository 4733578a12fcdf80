"""Exports of the message list: read back the CSV and XLSX and compare with the database."""
import csv
import io

import pytest
from openpyxl import load_workbook

from models import AuditLog, Message, Opd

URL = "/admin/laporan/pesan/ekspor.{fmt}"


def read_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def read_xlsx(data: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def read(fmt: str, data: bytes) -> list[dict]:
    return read_csv(data) if fmt == "csv" else read_xlsx(data)


def db_trackings(app, **filters) -> set[str]:
    with app.app_context():
        query = Message.query.filter_by(**filters)
        return {m.tracking for m in query}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_holds_every_message_with_its_status_and_opd(app, login_as, dataset, fmt):
    """Does the admin's export list every message, each with the status and OPD in the DB?"""
    client = login_as("admin")
    response = client.get(URL.format(fmt=fmt))
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read(fmt, response.data)
    assert {r["Nomor tracking"] for r in rows} == set(dataset.values())
    with app.app_context():
        for row in rows:
            message = Message.query.filter_by(tracking=row["Nomor tracking"]).one()
            assert row["Perihal"] == message.perihal
            assert (row["OPD"] or None) == (message.opd.name if message.opd else None)
    by_key = {r["Perihal"]: r for r in rows}
    assert by_key["Perihal m1"]["Status"] == "Selesai"
    assert by_key["Perihal m8"]["Status"] == "Belum Dikonfirmasi"
    assert by_key["Perihal m10"]["Status"] == "Dicabut"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_filters_by_status_opd_channel_dates_and_text(app, login_as, dataset, fmt):
    """Do the list filters (status, OPD, category, channel, dates, search) narrow the export?"""
    client = login_as("admin")
    with app.app_context():
        dlh = Opd.query.filter_by(code="DLH").one().id

    def trackings(**args):
        response = client.get(URL.format(fmt=fmt), query_string=args)
        assert response.status_code == 200
        return {r["Nomor tracking"] for r in read(fmt, response.data)}

    assert trackings(status="selesai") == db_trackings(app, status="selesai")
    assert trackings(opd=dlh) == {dataset["m5"], dataset["m6"]}
    assert trackings(opd=dlh, status="selesai") == {dataset["m5"]}
    assert trackings(start="01/01/2026", end="31/01/2026") == {
        dataset["m1"], dataset["m2"], dataset["m3"], dataset["m4"]}
    assert trackings(q="pesan m11") == {dataset["m11"]}
    assert trackings(channel="web") == set()
    assert trackings(status="terlambat") == {dataset["m6"], dataset["m8"]}


def test_export_refuses_a_bad_filter_in_indonesian(login_as, dataset):
    """Does a nonsense filter get a 400 with an Indonesian message and no file?"""
    client = login_as("admin")
    response = client.get(URL.format(fmt="csv"), query_string={"status": "hilang"})
    assert response.status_code == 400
    assert "Status &#34;hilang&#34; tidak dikenal" in response.get_data(as_text=True)
    response = client.get(URL.format(fmt="csv"), query_string={"end": "kemarin"})
    assert response.status_code == 400
    assert "Tanggal akhir tidak valid" in response.get_data(as_text=True)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_personal_data_is_absent_for_an_admin_even_when_asked(app, login_as, dataset, fmt):
    """Does include_personal=1 leave NIK, email and phone out for an admin?"""
    client = login_as("admin")
    response = client.get(URL.format(fmt=fmt), query_string={"include_personal": "1"})
    assert response.status_code == 200
    rows = read(fmt, response.data)
    assert "NIK" not in rows[0] and "Email" not in rows[0] and "Telepon" not in rows[0]
    if fmt == "csv":
        text = response.data.decode("utf-8-sig")
        assert "6472000000000000" not in text and "m1@example.com" not in text
        assert "081200000000" not in text
    with app.app_context():
        assert AuditLog.query.filter_by(action="export_personal").count() == 0
        assert AuditLog.query.filter_by(action="export_messages").count() == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_personal_data_only_for_a_superadmin_who_asks_and_it_is_audited(app, login_as, dataset,
                                                                         fmt):
    """Does a superadmin get NIK, email and phone only when asking, with an audit row?"""
    client = login_as("superadmin")
    plain = read(fmt, client.get(URL.format(fmt=fmt)).data)
    assert "NIK" not in plain[0]
    response = client.get(URL.format(fmt=fmt), query_string={"include_personal": "1"})
    rows = {r["Nomor tracking"]: r for r in read(fmt, response.data)}
    with app.app_context():
        m1 = Message.query.filter_by(tracking=dataset["m1"]).one()
        assert str(rows[m1.tracking]["NIK"]) == m1.guest_nik
        assert rows[m1.tracking]["Email"] == "m1@example.com"
        assert str(rows[m1.tracking]["Telepon"]) == m1.guest_phone
        audit = AuditLog.query.filter_by(action="export_personal").one()
        assert audit.username == "superadmin" and "NIK" in audit.detail


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_operator_export_holds_only_its_own_opd(app, login_as, dataset, fmt):
    """Can an operator export another agency's messages? (Only DLH rows for op-dlh.)"""
    client = login_as("op-dlh")
    response = client.get(URL.format(fmt=fmt), query_string={"include_personal": "1"})
    assert response.status_code == 200
    rows = read(fmt, response.data)
    assert {r["Nomor tracking"] for r in rows} == {dataset["m5"], dataset["m6"]}
    assert "NIK" not in rows[0]
    with app.app_context():
        diskominfo = Opd.query.filter_by(code="DISKOMINFO").one().id
    # Asking for another OPD by filter yields nothing rather than its rows.
    other = client.get(URL.format(fmt=fmt), query_string={"opd": diskominfo})
    assert read(fmt, other.data) == []


def test_citizen_and_anonymous_cannot_export(client, login_as, dataset):
    """Are a citizen (403) and an anonymous visitor (login) kept away from the export?"""
    assert client.get(URL.format(fmt="csv")).status_code == 302
    login_as("warga")
    assert client.get(URL.format(fmt="csv")).status_code == 403
    assert client.get(URL.format(fmt="xlsx")).status_code == 403


def test_spreadsheet_formulas_in_citizen_text_stay_text(app, login_as, dataset):
    """Is a perihal starting with '=' written so a spreadsheet will not run it?"""
    from models import db

    with app.app_context():
        message = Message.query.filter_by(tracking=dataset["m1"]).one()
        message.perihal = "=HYPERLINK(\"http://contoh.invalid\")"
        db.session.commit()
    client = login_as("admin")
    rows = read_xlsx(client.get(URL.format(fmt="xlsx")).data)
    row = next(r for r in rows if r["Nomor tracking"] == dataset["m1"])
    assert row["Perihal"].startswith("'=")


def test_csv_keeps_quotes_commas_and_line_breaks_of_citizen_text(app, login_as, dataset):
    """Does text with quotes, commas, line breaks and a leading '=' read back from the CSV as
    the citizen typed it (the formula quoted)?"""
    from models import db

    body = 'Jalan "Poros", km 12,\r\nberlubang;\nsudah\rlama ""'
    with app.app_context():
        message = Message.query.filter_by(tracking=dataset["m1"]).one()
        message.body = body
        message.perihal = "=1+1, kata warga"
        db.session.commit()
    rows = read_csv(login_as("admin").get(URL.format(fmt="csv")).data)
    row = next(r for r in rows if r["Nomor tracking"] == dataset["m1"])
    assert row["Isi pesan"] == body
    assert row["Perihal"] == "'=1+1, kata warga"
    assert len(rows) == len(dataset)

"""Reports: the conclusion figures and the OPD quality measures, checked against a hand-built set.

The expected numbers below were worked out by hand from the table REPORT_ROWS in
tests/helpers.py (built by `gen_report_dataset`), not from the report code.
"""

import pytest

from models import AuditLog


def report_page(client, **args):
    response = client.get("/admin/laporan/", query_string=args)
    return response, response.get_data(as_text=True)


def test_report_sentences_match_hand_counted_figures(login_as, dataset):
    """Do the report's conclusion sentences say what the data set holds (all time)?"""
    client = login_as("admin")
    response, html = report_page(client)
    assert response.status_code == 200
    for sentence in [
        "Dari 10 pesan yang masuk, 5 pesan atau 50 % selesai diproses, sedangkan 4 pesan atau "
        "40 % sedang ditangani.",
        "Sebanyak 1 pesan atau 10 % ditutup (spam, di luar kewenangan atau duplikat).",
        "Menurut kategori, sebanyak 5 atau 50 % berupa Aduan, 3 atau 30 % berupa Aspirasi, "
        "1 atau 10 % berupa Informasi dan 1 atau 10 % belum dikategorikan.",
        "Sebanyak 3 OPD menerima aspirasi dan pengaduan. Tiga besar teratas: 40 % kepada Dinas "
        "Komunikasi dan Informatika, 20 % kepada Dinas Lingkungan Hidup dan 10 % kepada Dinas "
        "Kehutanan.",
        "2 pesan atau 20 % melewati batas waktu SLA.",
    ]:
        assert sentence in html
    assert "Perihal m10" not in html


def _csv_sections(data: bytes) -> dict:
    import csv
    import io

    sections, current = {}, None
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        if not row:
            current = None
        elif current is None:
            current = row[0]
            sections[current] = []
        else:
            sections[current].append(row)
    return sections


def test_report_tables_per_opd_kabupaten_month_and_quality(login_as, dataset):
    """Are the tables (per OPD, kabupaten, month, SLA, ratings, percentiles) right by hand?"""
    client = login_as("evaluator")
    response = client.get("/admin/laporan/ekspor.csv")
    assert response.status_code == 200
    sections = _csv_sections(response.data)
    assert sections["Status penanganan"][1:] == [
        ["Selesai", "5", "50"], ["Sedang Ditangani", "4", "40"], ["Ditutup", "1", "10"],
        ["Terlambat (melewati SLA)", "2", "20"]]
    assert sections["Pesan per OPD"][1:] == [
        ["Dinas Komunikasi dan Informatika", "4", "40"], ["Belum diteruskan ke OPD", "3", "30"],
        ["Dinas Lingkungan Hidup", "2", "20"], ["Dinas Kehutanan", "1", "10"]]
    assert sections["Pesan per kabupaten/kota"][1:] == [
        ["Kota Samarinda", "4", "40"], ["Kota Balikpapan", "2", "20"],
        ["Tidak disebutkan", "2", "20"], ["Kabupaten Kutai Timur", "1", "10"],
        ["Kota Bontang", "1", "10"]]
    assert sections["Tren bulanan"][1:] == [["Januari 2026", "4"], ["Februari 2026", "6"]]
    quality = {row[0]: row[1:] for row in sections["Kinerja OPD"][1:]}
    # messages, triage median/p90, answer median/p90, finished, on time, SLA %, rating, ratings
    assert quality["Dinas Komunikasi dan Informatika"] == [
        "4", "2.5", "4.0", "20.0", "30.0", "3", "2", "67", "4.5", "2"]
    assert quality["Dinas Lingkungan Hidup"] == [
        "2", "1.5", "2.0", "5.0", "5.0", "1", "1", "100", "4.0", "1"]
    assert quality["Dinas Kehutanan"] == ["1", "6.0", "6.0", "", "", "0", "0", "", "", "0"]
    assert quality["Tanpa OPD (admin)"][:3] == ["3", "1.0", "1.0"]


def test_report_for_a_date_range_counts_only_that_range(login_as, dataset):
    """With an Indonesian date range (1-28 Feb 2026), are only February's messages counted?"""
    client = login_as("admin")
    response, html = report_page(client, start="01/02/2026", end="28/02/2026")
    assert response.status_code == 200
    assert ("Dari 6 pesan yang masuk, 2 pesan atau 33 % selesai diproses, sedangkan 3 pesan "
            "atau 50 % sedang ditangani.") in html
    assert "01/02/2026 sampai 28/02/2026" in html


def test_report_refuses_an_impossible_date_with_an_indonesian_message(login_as, dataset):
    """Does a bad or reversed date get a clear Indonesian message instead of figures?"""
    client = login_as("admin")
    response, html = report_page(client, start="31/02/2026")
    assert response.status_code == 400
    assert "Tanggal mulai tidak valid" in html
    response, html = report_page(client, start="10/02/2026", end="01/02/2026")
    assert response.status_code == 400
    assert "Tanggal mulai harus sebelum" in html


def test_report_page_has_inline_svg_charts_with_tables(login_as, dataset):
    """Does the page draw its charts as inline SVG (no script, no CDN) with a table each?"""
    client = login_as("admin")
    _response, html = report_page(client)
    assert html.count("<svg") == 5
    for key in ("category", "status", "opd", "kabupaten", "months", "quality"):
        assert f'id="tabel-{key}"' in html
    assert "cdn" not in html.lower()
    printable = client.get("/admin/laporan/cetak").get_data(as_text=True)
    assert printable.count("<svg") == 5 and "@media print" in printable


@pytest.mark.parametrize("username, expected", [
    ("admin", 200), ("evaluator", 200), ("superadmin", 200),
    ("op-dlh", 403), ("op-biroekonomi", 403), ("warga", 403)])
def test_who_may_open_the_report(login_as, username, expected):
    """Which roles may open the report page and its export?"""
    client = login_as(username)
    assert client.get("/admin/laporan/").status_code == expected
    assert client.get("/admin/laporan/ekspor.xlsx").status_code == expected


def test_anonymous_visitor_is_sent_to_login(client, demo):
    """Is an anonymous visitor of the report sent to the login page?"""
    response = client.get("/admin/laporan/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_report_export_is_audited(app, login_as, dataset):
    """Does downloading the report leave an audit row naming who did it?"""
    client = login_as("evaluator")
    assert client.get("/admin/laporan/ekspor.xlsx").status_code == 200
    with app.app_context():
        row = AuditLog.query.filter_by(action="export_report").one()
        assert row.username == "evaluator"

"""`seed-demo` reproduces the 2019 provincial report: its 42 messages in its own period."""
import re

from tests.helpers import PASSWORD, log_in

PERIOD = "?start=01/05/2019&end=31/12/2019"

# The report's table "OPD yang mendapat aspirasi" and its closing paragraphs, by OPD name.
REPORT_OPD_TABLE = {
    "Dinas Komunikasi dan Informatika": 14,
    "Dinas Lingkungan Hidup": 8,
    "Dinas Kehutanan": 6,
    "Dinas Energi dan Sumber Daya Mineral": 2,
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu": 2,
    "Dinas Kependudukan, Pemberdayaan Perempuan dan Perlindungan Anak": 2,
    "Badan Penanggulangan Bencana Daerah": 2,
    "Satuan Polisi Pamong Praja": 2,
    "Dinas Pekerjaan Umum, Penataan Ruang dan Perumahan Rakyat": 1,
    "Dinas Tenaga Kerja dan Transmigrasi": 1,
    "Dinas Kelautan dan Perikanan": 1,
    "Dinas Sosial": 1,
}


def _rows(page: str, table: str) -> dict:
    body = re.search(rf'id="tabel-{table}".*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return {name.strip(): int(count) for name, count in re.findall(
        r'<th scope="row">(.*?)</th><td class="text-right">(\d+)</td>', body)}


def test_seed_demo_report_period_shows_the_report_s_figures(app, runner, client):
    """After `seed-demo`, does the report for the 2019 report's period show its 42 messages:
    18 aspirasi and 24 aduan, 38 finished and 4 being handled, 12 OPDs as its table lists,
    and its conclusion (90 % / 10 %, 43 % / 57 %, the top three 33 %, 19 %, 14 %)?"""
    result = runner.invoke(args=["seed-demo", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    log_in(client, "admin")
    page = client.get("/admin/laporan/" + PERIOD).get_data(as_text=True)
    assert _rows(page, "opd") == REPORT_OPD_TABLE
    assert _rows(page, "category") == {"Aduan": 24, "Aspirasi": 18}
    status = _rows(page, "status")
    assert (status["Selesai"], status["Sedang Ditangani"]) == (38, 4)
    assert ("Dari 42 pesan yang masuk, 38 pesan atau 90 % selesai diproses, sedangkan 4 pesan "
            "atau 10 % sedang ditangani.") in page
    assert "24 atau 57 % berupa Aduan" in page and "18 atau 43 % berupa Aspirasi" in page
    assert ("Sebanyak 12 OPD menerima aspirasi dan pengaduan. Tiga besar teratas: 33 % kepada "
            "Dinas Komunikasi dan Informatika, 19 % kepada Dinas Lingkungan Hidup dan 14 % "
            "kepada Dinas Kehutanan.") in page


def test_seed_demo_twice_loads_the_report_messages_once(app, runner, client):
    """Does running `seed-demo` again leave the report period at 42 messages?"""
    for _ in range(2):
        assert runner.invoke(args=["seed-demo", "--password", PASSWORD]).exit_code == 0
    log_in(client, "admin")
    page = client.get("/admin/laporan/" + PERIOD).get_data(as_text=True)
    assert sum(_rows(page, "opd").values()) == 42

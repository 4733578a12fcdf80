"""The open figures per OPD (/kinerja): the back-office report's numbers for everyone, per
period, as a page, CSV and JSON, without personal data, cached until the data changes.

The hand-worked numbers come from REPORT_ROWS in tests/helpers.py (`dataset`), as in
tests/test_reports.py.
"""
import csv
import io
from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from models import Message, Opd, User, db
from tests.helpers import counted, fresh, gen_message, in_app, log_in

YEAR_2026 = {"start": "01/01/2026", "end": "31/12/2026"}
FEBRUARY = {"start": "2026-02-01", "end": "2026-02-28"}
ALL_TIME = {"start": "", "end": ""}
DISKOMINFO = "Dinas Komunikasi dan Informatika"


class TableRows(HTMLParser):
    """The text of each cell (th or td) of each row of the table with the given id or class."""

    def __init__(self, wanted: str):
        super().__init__()
        self.wanted, self.depth, self.rows, self.cell = wanted, 0, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            if self.depth or self.wanted in (attrs.get("id"), *(attrs.get("class") or "").split()):
                self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def table(html: str, wanted: str) -> list[list[str]]:
    parser = TableRows(wanted)
    parser.feed(html)
    return parser.rows


def number(text: str):
    """A cell as a number: "2,5" (Indonesian) and "2.5" alike; a dash or nothing is None."""
    text = text.strip()
    if text in ("", "–", "-"):
        return None
    value = float(text.replace(",", "."))
    return int(value) if value.is_integer() else value


def figures(client, **args) -> dict:
    response = client.get("/kinerja.json", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def by_opd(data: dict) -> dict:
    return {row["opd"]: row for row in data["opd"]}


FIELDS = ("received", "finished", "on_time", "sla_percent", "answer_median_hours",
          "answer_p90_hours", "average_rating", "ratings")


def test_figures_are_the_back_office_report_s(app, client, dataset):
    """For the same period, does /kinerja.json give each OPD the numbers of the report an admin
    reads at /admin/laporan/ (and the hand-worked ones)?"""
    public = by_opd(figures(client, start="2026-01-01", end="2026-01-31"))
    public_all = figures(client, start="2026-01-01", end="2026-12-31")
    admin = app.test_client()
    log_in(admin, "admin")
    for args in ({"start": "2026-01-01", "end": "2026-01-31"},
                 {"start": "2026-01-01", "end": "2026-12-31"}):
        html = admin.get("/admin/laporan/", query_string=args).get_data(as_text=True)
        report = {row[0]: [number(cell) for cell in row[1:]]
                  for row in table(html, "tabel-quality")[1:]}
        assert report, "the report's quality table was not found"
        data = figures(client, **args)
        shown = by_opd(data)
        if data["without_opd"]:
            shown[data["without_opd"]["opd"]] = data["without_opd"]
        for name, cells in report.items():
            # messages, triage median/p90, answer median/p90, finished, on time, SLA %,
            # rating, ratings
            messages, _tm, _tp, median, p90, finished, on_time, sla, rating, ratings = cells
            assert [shown[name][field] for field in FIELDS] == [
                messages, finished, on_time, sla, median, p90, rating, ratings], (args, name)
    assert public[DISKOMINFO]["received"] == 4
    whole_year = by_opd(public_all)
    assert [whole_year[DISKOMINFO][field] for field in FIELDS] == [4, 3, 2, 67, 20.0, 30.0, 4.5, 2]
    assert [whole_year["Dinas Lingkungan Hidup"][field] for field in FIELDS] == [
        2, 1, 1, 100, 5.0, 5.0, 4.0, 1]
    assert public_all["received"] == 10  # the withdrawn m10 is not counted
    assert public_all["without_opd"]["received"] == 3


def test_every_opd_appears_and_the_ranking_follows_its_rule(app, client, dataset):
    """Is every active OPD listed (zeros included), ranked by share on time then median, the
    OPDs without a finished message unranked, and is the rule written on the page?"""
    data = figures(client, start="2026-01-01", end="2026-12-31")
    with in_app(app):
        active = {opd.name for opd in Opd.query.filter_by(active=True)}
    assert {row["opd"] for row in data["opd"]} == active
    rows = data["opd"]
    assert [(row["opd"], row["rank"]) for row in rows[:2]] == [
        ("Dinas Lingkungan Hidup", 1), (DISKOMINFO, 2)]  # 100 % before 67 %
    assert all(row["rank"] is None for row in rows[2:])
    quiet = by_opd(data)["Satuan Polisi Pamong Praja"]
    assert (quiet["received"], quiet["finished"], quiet["teguran"], quiet["sla_percent"]) == (
        0, 0, 0, None)
    assert by_opd(data)["Dinas Kehutanan"]["received"] == 1
    html = client.get("/kinerja", query_string=YEAR_2026).get_data(as_text=True)
    assert "Peringkat: OPD dengan persentase pesan yang dijawab tepat waktu tertinggi" in html


def test_ties_share_a_rank(app, client, dataset):
    """When two OPDs have the same share on time and the same median, do they share a rank?"""
    with in_app(app):
        dlh = Message.query.filter_by(perihal="Perihal m5").one()  # DLH: on time, 5 hours
        twin = Message(perihal="Kembar", body="Isi", status="selesai", channel="guest",
                       created_at=dlh.created_at, updated_at=dlh.created_at,
                       category=dlh.category, opd=Opd.query.filter_by(code="DISHUT").one(),
                       triaged_at=dlh.triaged_at, forwarded_at=dlh.forwarded_at,
                       finished_at=dlh.finished_at, answer_due_at=dlh.answer_due_at,
                       triage_due_at=dlh.triage_due_at)
        db.session.add(twin)
        db.session.commit()
    rows = figures(client, start="2026-01-01", end="2026-12-31")["opd"]
    assert [(row["opd"], row["rank"]) for row in rows[:3]] == [
        ("Dinas Kehutanan", 1), ("Dinas Lingkungan Hidup", 1), (DISKOMINFO, 3)]


def test_a_period_filter_counts_only_that_period(client, dataset):
    """Does a February period count only February's messages, for every OPD?"""
    data = figures(client, **FEBRUARY)
    assert data["period"]["start"] == "2026-02-01" and data["period"]["end"] == "2026-02-28"
    assert data["received"] == 6
    opds = by_opd(data)
    assert opds[DISKOMINFO]["received"] == 0
    assert opds["Dinas Lingkungan Hidup"]["received"] == 2
    assert data["without_opd"]["received"] == 3
    html = client.get("/kinerja?start=01/02/2026&end=28/02/2026").get_data(as_text=True)
    assert "01/02/2026 sampai 28/02/2026" in html


def test_without_dates_the_current_year_is_shown(client, dataset):
    """With no dates asked, is the period the current year (in WITA), and do empty dates mean
    all time?"""
    year = datetime.now(ZoneInfo("Asia/Makassar")).year
    period = figures(client)["period"]
    assert (period["start"], period["end"]) == (f"{year}-01-01", f"{year}-12-31")
    assert figures(client, **ALL_TIME)["period"]["start"] is None
    assert figures(client, **ALL_TIME)["received"] == 10


def test_a_bad_date_is_refused_with_its_reason(client, dataset):
    """Does a date that cannot be read, or a period ending before it starts, get a 400 with the
    reason in Indonesian, on the page, in the JSON and in the CSV?"""
    response = client.get("/kinerja?start=31/02/2026")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Tanggal mulai tidak valid: tulis tanggal sebagai HH/BB/TTTT" in html
    assert 'value="31/02/2026"' in html  # the typed value stays to be corrected
    backwards = client.get("/kinerja.json?start=2026-03-01&end=2026-02-01")
    assert backwards.status_code == 400
    assert backwards.get_json() == {
        "error": "Tanggal mulai harus sebelum atau sama dengan tanggal akhir."}
    bad_csv = client.get("/kinerja.csv?end=kemarin")
    assert bad_csv.status_code == 400
    assert "Tanggal akhir tidak valid" in bad_csv.get_data(as_text=True)
    assert client.get("/kinerja?format=xml").status_code == 400


def test_csv_json_and_page_give_the_same_numbers(client, dataset):
    """Do the CSV download, the JSON download and the page's table hold the same rows?"""
    args = {"start": "2026-01-01", "end": "2026-12-31"}
    data = figures(client, **args)
    response = client.get("/kinerja.csv", query_string=args)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    keys = ("rank", "opd", "received", "finished", "on_time", "sla_percent",
            "answer_median_hours", "answer_p90_hours", "average_rating", "ratings", "teguran")
    from_json = [[row.get(key) for key in keys] for row in [*data["opd"], data["without_opd"]]]

    def read(rows):
        return [[cells[1] if i == 1 else number(cells[i]) for i in range(len(keys))]
                for cells in rows]
    assert read(lines[1:]) == from_json
    html = client.get("/kinerja", query_string=args).get_data(as_text=True)
    assert read(table(html, "kinerja")[1:]) == from_json
    assert lines[0][:3] == ["Peringkat", "OPD", "Pesan diterima"]
    # The page's links download the period shown.
    assert "/kinerja.csv?start=2026-01-01&amp;end=2026-12-31" in html
    assert '/kinerja.json?start=2026-01-01&amp;end=2026-12-31' in html
    assert client.get("/kinerja?format=json&start=2026-01-01&end=2026-12-31").get_json() == data


def test_no_personal_data_and_no_message_appears(app, client, dataset):
    """Do the page, the CSV and the JSON show no name, NIK, email, phone, tracking number or
    subject of any message or account?"""
    gen_message(app, status="selesai", perihal="Pungutan liar di kantor kelurahan",
                rahasia=True)
    with in_app(app):
        secrets = set()
        for m in Message.query:
            secrets |= {m.tracking, m.perihal, m.body, m.guest_name, m.guest_nik,
                        m.guest_email, m.guest_phone}
        for user in User.query:
            secrets |= {user.full_name, user.nik, user.email, user.phone}
    secrets = {value for value in secrets if value and len(value) >= 6}
    assert len(secrets) > 40
    for address in ("/kinerja?start=&end=", "/kinerja.csv?start=&end=",
                    "/kinerja.json?start=&end="):
        body = client.get(address).get_data(as_text=True)
        found = [value for value in secrets if value in body]
        assert not found, (address, found)


def test_a_rahasia_message_is_counted(app, client, dataset):
    """Is a rahasia message counted for its OPD like any other (and a withdrawn one not)?"""
    before = by_opd(figures(client, **ALL_TIME))[DISKOMINFO]
    gen_message(app, status="selesai", rahasia=True, perihal="Dugaan pungutan liar")
    after = by_opd(figures(client, **ALL_TIME))[DISKOMINFO]
    assert (after["received"], after["finished"]) == (before["received"] + 1,
                                                      before["finished"] + 1)
    withdrawn = gen_message(app, status="baru")
    from models import lifecycle

    with in_app(app):
        message = db.session.get(Message, withdrawn.id)
        lifecycle.perform(message, "withdraw", message.reporter)
        lifecycle.commit()
    assert figures(client, **ALL_TIME)["received"] == 11  # 10 and the rahasia one, not this one


def test_figures_are_cached_and_follow_every_change(app, client, dataset):
    """Does a second request ask the database only for the data version, and do a new message
    and a teguran change the figures at once?"""
    from aspirasi.extensions import cache

    with app.app_context():  # this app's cache (a test may have built others)
        cache.clear()
    for address in ("/kinerja?start=&end=", "/kinerja.json?start=&end=",
                    "/kinerja.csv?start=&end="):
        assert client.get(address).status_code == 200
        with counted(app) as statements:
            assert client.get(address).status_code == 200
        assert len(statements) <= 2, (address, statements)
        assert all("max(updated_at)" in s or "FROM setting" in s for s in statements), statements
    before = by_opd(figures(client, **ALL_TIME))[DISKOMINFO]
    message = gen_message(app, status="diteruskan", perihal="Sinyal hilang di Kutai Barat")
    after = by_opd(figures(client, **ALL_TIME))[DISKOMINFO]
    assert after["received"] == before["received"] + 1
    assert after["teguran"] == 0
    evaluator = app.test_client()
    log_in(evaluator, "evaluator")
    response = evaluator.post(f"/admin/detail/{message.id}/aksi/reprimand",
                              data={"version": fresh(app, message.id)["version"],
                                    "note": "Belum ada tindak lanjut"})
    assert response.status_code == 302
    data = figures(client, **ALL_TIME)
    assert by_opd(data)[DISKOMINFO]["teguran"] == 1 and data["teguran"] == 1
    html = client.get("/kinerja?start=&end=").get_data(as_text=True)
    assert "Belum ada tindak lanjut" not in html


def test_the_page_speaks_english_with_lang_en(client, dataset):
    """Does ?lang=en give the page, its ranking rule and its CSV header in English?"""
    html = client.get("/kinerja?lang=en&start=01/01/2026&end=31/12/2026").get_data(as_text=True)
    assert "<h1>OPD performance: open figures</h1>" in html
    assert "Ranking: the OPD with the highest share of messages answered on time" in html
    assert "Kinerja OPD: angka terbuka" not in html
    header = client.get("/kinerja.csv?start=2026-01-01").data.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Rank,OPD,Messages received")


def test_the_footer_links_to_the_open_figures(client, dataset):
    """Can a visitor reach /kinerja from any public page?"""
    assert 'href="/kinerja"' in client.get("/").get_data(as_text=True)

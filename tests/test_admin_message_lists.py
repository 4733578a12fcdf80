"""The back office's message lists (/admin/pesan-baru/, /admin/pesan/, /admin/terlambat/,
/admin/pesan-opd/, /admin/pantauan/): their filters, search, order and pages, read through
the address a person's form sends, and what they tell about a value they cannot read."""
import itertools
import re
from datetime import datetime, timedelta

import pytest

from models import AuditLog, Category, Message, Opd, db, utcnow
from tests.helpers import advance, gen_message, get_opd, log_in

INBOX = "/admin/pesan-baru/"
EVERYTHING = "/admin/pesan/"
OPD_LIST = "/admin/pesan-opd/"


def trackings(page: str) -> set[str]:
    """The tracking numbers of the rows listed (each row's first cell links its number)."""
    return set(re.findall(r'<td class="col-tracking"><a href="[^"]+">(ASP-[A-Z0-9]+)</a>', page))


def listed(client, address: str, status: int = 200) -> set[str]:
    response = client.get(address)
    assert response.status_code == status, (address, response.status_code)
    return trackings(response.get_data(as_text=True))


def visible_to_admin(app, *conditions) -> set[str]:
    with app.app_context():
        return {m.tracking for m in Message.query.filter(*conditions)}


# --- what the lists show --------------------------------------------------------------------

def test_a_new_message_and_a_forwarded_one_show_at_the_next_visit(app, login_as):
    """After the inbox was opened, does a new message appear in it at the next visit, and a
    forwarded one leave it?"""
    waiting = gen_message(app, perihal="Pesan pertama")
    client = login_as("admin")
    assert waiting.tracking in listed(client, INBOX)
    newer = gen_message(app, perihal="Pesan kedua")
    assert newer.tracking in listed(client, INBOX)
    advance(app, waiting, "forward")
    shown = listed(client, INBOX)
    assert newer.tracking in shown and waiting.tracking not in shown


def test_operators_of_two_opds_never_see_each_others_rows(app, demo, client):
    """Taking turns on one list, does op-dlh see only DLH's message and op-diskominfo only
    Diskominfo's?"""
    ours = gen_message(app, status="diteruskan", opd="DISKOMINFO", sub="adu-internet")
    theirs = gen_message(app, status="diteruskan", opd="DLH", sub="adu-pencemaran")
    seen = {}
    for operator in ("op-diskominfo", "op-dlh", "op-diskominfo"):
        seen[operator] = listed(log_in(client, operator), OPD_LIST)
    assert ours.tracking in seen["op-diskominfo"] and theirs.tracking not in seen["op-diskominfo"]
    assert theirs.tracking in seen["op-dlh"] and ours.tracking not in seen["op-dlh"]


def test_a_renamed_opd_shows_at_the_next_visit(app, login_as):
    """Is an OPD's new name in the list as soon as it is saved?"""
    gen_message(app, status="diteruskan", opd="DISKOMINFO", sub="adu-internet")
    client = login_as("admin")
    assert "Dinas Komunikasi" in client.get(EVERYTHING).get_data(as_text=True)
    with app.app_context():
        db.session.get(Opd, get_opd("DISKOMINFO").id).name = "Dinas Kominfo Baru"
        db.session.commit()
    assert "Dinas Kominfo Baru" in client.get(EVERYTHING).get_data(as_text=True)


def test_admin_and_evaluator_each_get_their_own_search_hint(app, demo, client):
    """Only an admin may search by a reporter's contact: does each see their own hint in the
    search box, whoever opened the list first?"""
    hints = {}
    for reader in ("admin", "evaluator", "admin"):
        page = log_in(client, reader).get(EVERYTHING).get_data(as_text=True)
        hints[reader] = re.search(r'name="q" value="[^"]*" placeholder="([^"]+)"', page).group(1)
    assert "NIK" in hints["admin"] and "NIK" not in hints["evaluator"]


def test_each_language_gets_its_own_page(app, login_as):
    """After the Indonesian list, is the English one written in English?"""
    client = login_as("admin")
    indonesian = client.get(INBOX).get_data(as_text=True)
    assert "Hapus filter" in indonesian and "Baris per halaman" in indonesian
    client.get("/admin/?lang=en")  # the language is kept in the session
    english = client.get(INBOX).get_data(as_text=True)
    assert "Clear filters" in english and "Rows per page" in english
    assert "Hapus filter" not in english


def test_every_control_of_the_filter_form_has_its_label(login_as):
    """Does every field of the list's form carry a label naming it?"""
    page = login_as("admin").get(EVERYTHING).get_data(as_text=True)
    form = page[page.index('<form class="message-filters'):page.index("</form>", page.index(
        '<form class="message-filters'))]
    fields = re.findall(r'<(?:input|select)[^>]*\sid="([^"]+)"', form)
    assert sorted(fields) == sorted(["q", "start", "end", "status", "opd", "category",
                                     "channel", "overdue", "page_size"])
    for name in fields:
        assert f'<label for="{name}">' in form, name


# --- filters and search -----------------------------------------------------------------------

def test_each_filter_narrows_the_rows(app, login_as):
    """Does each filter of 'all messages' (status, OPD, category, channel, days, overdue) list
    exactly the messages it names?"""
    late = gen_message(app, perihal="Menunggu terlalu lama")
    old = gen_message(app, perihal="Surat dari tahun lalu", reporter=None, guest_name="Pak Amir")
    with app.app_context():
        db.session.get(Message, late.id).triage_due_at = utcnow() - timedelta(minutes=5)
        letter = db.session.get(Message, old.id)
        letter.channel = "letter"
        letter.created_at = datetime(2025, 6, 30, 17, 0)  # 1 July, 01:00 WITA
        db.session.commit()
        dlh = get_opd("DLH").id
        aduan = Category.query.filter_by(name="Aduan").one().id
    client = login_as("admin")
    everything = listed(client, f"{EVERYTHING}?page_size=100")
    expected = {
        "status=diproses": visible_to_admin(app, Message.status == "diproses"),
        f"opd={dlh}": visible_to_admin(app, Message.opd_id == dlh),
        f"category={aduan}": visible_to_admin(app, Message.category_id == aduan),
        "channel=letter": {old.tracking},
        "start=2025-07-01&end=2025-07-01": {old.tracking},
        "start=01/07/2025&end=01/07/2025": {old.tracking},
        "end=2025-06-30": set(),
        "overdue=yes": visible_to_admin(app, Message.overdue_clause()),
        "overdue=no": visible_to_admin(app, ~Message.overdue_clause()),
        f"status=diproses&opd={dlh}": visible_to_admin(app, Message.status == "diproses",
                                                       Message.opd_id == dlh),
    }
    assert late.tracking in expected["overdue=yes"]
    for args, wanted in expected.items():
        shown = listed(client, f"{EVERYTHING}?page_size=100&{args}")
        assert shown == wanted, args
        assert shown != everything, args


def test_search_finds_every_word_in_number_subject_or_text(app, login_as):
    """Does a search list the messages holding every word typed, in the number, the subject
    or the text, whatever the case, and a % typed is a plain character?"""
    match = gen_message(app, perihal="Drainase tersumbat", body="Air meluap ke rumah warga.")
    other = gen_message(app, perihal="Drainase baru")
    client = login_as("admin")
    assert listed(client, f"{EVERYTHING}?q=drainase+MELUAP") == {match.tracking}
    assert listed(client, f"{EVERYTHING}?q={other.tracking.lower()}") == {other.tracking}
    assert listed(client, f"{EVERYTHING}?q=Drain%25e") == set()


def test_a_search_by_contact_is_audited_at_every_visit(app, login_as):
    """Is each visit of a search by NIK written to the audit log (two visits, two rows)?"""
    message = gen_message(app, reporter=None, guest_nik="6472014404990007",
                          guest_phone="081299990007")
    client = login_as("admin")
    for _ in range(2):
        assert listed(client, f"{EVERYTHING}?q=6472014404990007") == {message.tracking}
    with app.app_context():
        assert AuditLog.query.filter_by(action="pesan.cari_pelapor").count() == 2


def test_sortable_columns_order_the_rows(app, login_as):
    """Does each list open in its own order (all messages newest first, the inbox oldest
    first), and do the column links order by the number and reverse it?"""
    first = gen_message(app, perihal="Yang pertama")
    second = gen_message(app, perihal="Yang kedua")
    with app.app_context():
        db.session.get(Message, first.id).created_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    client = login_as("admin")

    def order(address):
        page = client.get(address).get_data(as_text=True)
        return [t for t in re.findall(r">(ASP-[A-Z0-9]+)</a>", page)
                if t in (first.tracking, second.tracking)]

    assert order(EVERYTHING) == [second.tracking, first.tracking]
    assert order(INBOX) == [first.tracking, second.tracking]
    by_number = sorted([first.tracking, second.tracking])
    assert order(f"{INBOX}?sort=tracking") == by_number
    assert order(f"{INBOX}?sort=-tracking") == by_number[::-1]
    page = client.get(f"{INBOX}?sort=tracking&status=baru").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page
    assert 'href="/admin/pesan-baru/?status=baru&amp;sort=-tracking"' in page


def test_the_operators_list_opens_with_the_messages_waiting_to_be_accepted(app, login_as):
    """With a page and more of messages from 2019 in the OPD, are the two just forwarded at the
    top of page 1, then the overdue ones, then the newest; and does a chosen order still
    hold?"""
    old = [gen_message(app, status="selesai" if number % 4 else "diproses",
                       perihal=f"Keluhan lama {number}") for number in range(27)]
    with app.app_context():
        for number, message in enumerate(old):
            row = db.session.get(Message, message.id)
            row.created_at = datetime(2019, 3, 1) + timedelta(days=number)
            row.answer_due_at = row.created_at + timedelta(days=10)
        db.session.commit()
    overdue = [m.tracking for m in reversed(old) if m.status == "diproses"]
    forwarded = [gen_message(app, status="diteruskan", perihal=f"Baru diteruskan {n}")
                 for n in range(2)]
    client = login_as("op-diskominfo")

    def numbers(address):
        return re.findall(r">(ASP-[A-Z0-9]+)</a>", client.get(address).get_data(as_text=True))

    page = numbers(OPD_LIST)
    assert len(page) == 25
    assert set(page[:2]) == {m.tracking for m in forwarded}
    assert page[2:2 + len(overdue)] == overdue
    with app.app_context():
        ours = Message.query.filter_by(opd_id=get_opd("DISKOMINFO").id)
        newest_first = [m.tracking for m in ours.order_by(Message.created_at.desc())
                        if m.status != "diteruskan" and not m.is_overdue]
        total = ours.count()
    assert page[2 + len(overdue):] == newest_first[:25 - 2 - len(overdue)]
    second = numbers(f"{OPD_LIST}?page=2")
    assert second == newest_first[25 - 2 - len(overdue):][:25]
    assert len(page) + len(second) == min(total, 50)
    assert numbers(f"{OPD_LIST}?sort=created_at")[0] == old[0].tracking


def test_every_list_opens_with_the_overdue_first(app, login_as):
    """Does the list of every message show an overdue message before newer ones, and the inbox
    before older ones, while a chosen order still holds?"""
    late, older, newer = (gen_message(app, perihal=p) for p in ("Lewat", "Lama", "Baru"))
    with app.app_context():
        for message, hours_ago, due_in in ((late, 2, -1), (older, 3, 40), (newer, 1, 40)):
            row = db.session.get(Message, message.id)
            row.created_at = utcnow() - timedelta(hours=hours_ago)
            row.triage_due_at = utcnow() + timedelta(hours=due_in)
        db.session.commit()
    client = login_as("admin")
    ours = (late.tracking, older.tracking, newer.tracking)

    def order(address):
        page = client.get(address).get_data(as_text=True)
        return [t for t in re.findall(r">(ASP-[A-Z0-9]+)</a>", page) if t in ours]

    assert order(EVERYTHING) == [late.tracking, newer.tracking, older.tracking]
    assert order(INBOX) == [late.tracking, older.tracking, newer.tracking]
    assert order(f"{EVERYTHING}?sort=-created_at") == [newer.tracking, late.tracking,
                                                         older.tracking]


def test_the_overdue_queue_and_the_monitors_list_open_with_what_nobody_took_up(app, login_as):
    """In the overdue queue, do late messages nobody has taken up (untriaged, not accepted)
    come before a newer late one an OPD is working on; does the monitor's list open with its
    late message before newer ones; and does the order carry on to the next page?"""
    def made(status, perihal, hours_ago, late):
        message = gen_message(app, status=status, perihal=perihal, sub="adu-lahan")
        with app.app_context():
            row = db.session.get(Message, message.id)
            row.created_at = utcnow() - timedelta(hours=hours_ago)
            due = utcnow() + timedelta(hours=-1 if late else 40)
            row.triage_due_at, row.answer_due_at = due, due
            db.session.commit()
        return message.tracking

    working = made("diproses", "Sedang dikerjakan", 1, True)
    untriaged = made("baru", "Belum ditelaah", 5, True)
    waiting = made("diteruskan", "Belum diterima", 4, True)
    fresh = [made("diproses", f"Baru masuk {n}", 2, False) for n in range(26)]

    def numbers(client, address):
        return re.findall(r">(ASP-[A-Z0-9]+)</a>", client.get(address).get_data(as_text=True))

    admin = login_as("admin")
    assert numbers(admin, "/admin/terlambat/")[:3] == [untriaged, waiting, working]
    monitor = login_as("op-biroekonomi")
    first, second = numbers(monitor, "/admin/pantauan/"), numbers(monitor, "/admin/pantauan/?page=2")
    # The untriaged message has no sub category yet: it is not the monitor's.
    assert first[:2] == [waiting, working] and len(first) == 25
    rest = first[2:] + second
    assert set(fresh) <= set(rest) and len(rest) == len(set(rest))


# --- values that cannot be read ------------------------------------------------------------

BAD_VALUES = [
    ("status=zz", 'Status "zz" tidak dikenal.', 'Status "zz" is not known.'),
    ("opd=abc", 'OPD "abc" tidak dikenal.', 'OPD "abc" is not known.'),
    ("opd=999999", 'OPD "999999" tidak dikenal.', 'OPD "999999" is not known.'),
    ("category=-1", 'Kategori "-1" tidak dikenal.', 'Category "-1" is not known.'),
    ("channel=fax", 'Kanal "fax" tidak dikenal.', 'Channel "fax" is not known.'),
    ("overdue=maybe", 'Terlambat "maybe" tidak dikenal.', 'Late "maybe" is not known.'),
    ("start=bukan-tanggal", "Dari tanggal tidak valid", "From date is not valid"),
    ("end=2026-13-45", "Sampai tanggal tidak valid", "To date is not valid"),
    ("start=2026-02-01&end=2026-01-01", "Tanggal mulai harus sebelum",
     "The start date must be on or before the end date"),
    ("sort=umur", 'Urutan "umur" tidak dikenal.', 'Order "umur" is not known.'),
    ("page=abc", 'Halaman "abc" tidak valid', 'Page "abc" is not valid'),
    ("page=0", 'Halaman "0" tidak valid', 'Page "0" is not valid'),
    ("page_size=30", "Baris per halaman harus salah satu dari 25, 50, 100.",
     "Rows per page must be one of 25, 50, 100."),
    ("q=" + "+".join(["kata"] * 11), "Pencarian terlalu panjang", "Search too long"),
]


@pytest.mark.parametrize("args,indonesian,english", BAD_VALUES)
def test_a_bad_value_is_told_in_the_readers_language_and_the_rest_stands(app, login_as, args,
                                                                         indonesian, english):
    """Is a value the list cannot read answered with a 400 naming it, in Indonesian or in
    English, while the list still shows the rows of the other filters?"""
    client = login_as("admin")
    wanted = visible_to_admin(app, Message.status == "diproses")
    for lang, sentence in (("id", indonesian), ("en", english)):
        base = "" if args.startswith("status=") else "status=diproses&"
        response = client.get(f"{EVERYTHING}?{base}{args}&lang={lang}")
        page = response.get_data(as_text=True)
        assert response.status_code == 400, args
        assert sentence in page.replace("&#34;", '"').replace("&quot;", '"'), (lang, page)
        if not args.startswith("status="):
            assert trackings(page) == wanted, args


def test_a_bad_value_is_told_once_and_not_on_the_next_page(app, login_as):
    """Is an unreadable filter value told once on its page, at every visit, and never on the
    next page?"""
    client = login_as("admin")
    for _ in range(2):
        page = client.get(f"{EVERYTHING}?start=bukan-tanggal").get_data(as_text=True)
        assert page.count("Dari tanggal tidak valid") == 1
    page = client.get(INBOX).get_data(as_text=True)
    assert "tidak valid" not in page and 'id="list-problems"' not in page


def test_links_of_a_page_with_a_bad_value_leave_it_out(app, login_as):
    """Do the export and order links of a page that refused a value carry only what it read?"""
    page = login_as("admin").get(f"{EVERYTHING}?channel=fax&status=baru").get_data(
        as_text=True)
    links = re.findall(r'href="(/admin/[^"]+)"', page)
    assert not [link for link in links if "fax" in link]
    assert any("ekspor.csv?status=baru" in link for link in links)


# --- pages -----------------------------------------------------------------------------------

def test_a_page_beyond_the_last_shows_the_last_and_says_so(app, login_as):
    """With rows for two pages of 25, does page 9 show the second page's rows with a note, and
    do pages 1 and 2 hold every row once?"""
    for number in range(30):
        gen_message(app, perihal=f"Drainase nomor {number}")
    client = login_as("admin")
    wanted = visible_to_admin(app, Message.status == "baru")
    first, second = listed(client, INBOX), listed(client, f"{INBOX}?page=2")
    assert len(first) == 25 and first | second == wanted and not first & second
    response = client.get(f"{INBOX}?page=9")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and trackings(page) == second
    assert "Halaman 9 tidak ada; yang tampil halaman terakhir, 2." in page
    assert 'aria-current="page"><span class="page-link">2<' in page
    assert listed(client, f"{INBOX}?page_size=50") == wanted


def test_the_count_stops_at_the_paging_bound(app, login_as, monkeypatch):
    """Past the paging bound, does the list say "N+" found, offer no page beyond the bound,
    and show the bound's last page for a page number past it?"""
    from models import paging

    monkeypatch.setattr(paging, "PAGEABLE_ROWS", 30)
    for number in range(25):
        gen_message(app, perihal=f"Drainase nomor {number}")
    client = login_as("admin")  # the demo's seven messages and these: more than 30
    page = client.get(EVERYTHING).get_data(as_text=True)
    assert "30+ pesan ditemukan." in page and "memuat 30 pesan pertama" in page
    assert 'href="/admin/pesan/?page=2"' in page and "?page=3" not in page
    assert "Halaman 5 tidak ada; yang tampil halaman terakhir, 2." in client.get(
        f"{EVERYTHING}?page=5").get_data(as_text=True)


# --- scope ----------------------------------------------------------------------------------

def test_an_operator_never_sees_another_opds_rows_whatever_the_filters(app, demo, client):
    """For every combination of filters and search, do op-dlh's own-OPD list and overdue
    queue hold only DLH's messages, and never Diskominfo's?"""
    ours = gen_message(app, status="diteruskan", opd="DLH", sub="adu-pencemaran",
                       perihal="Sungai keruh di hilir")
    theirs = gen_message(app, status="diteruskan", opd="DISKOMINFO", sub="adu-internet",
                         perihal="Sungai data terputus")
    with app.app_context():
        for mid in (ours.id, theirs.id):
            db.session.get(Message, mid).answer_due_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        dlh, kominfo = get_opd("DLH").id, get_opd("DISKOMINFO").id
        aduan = Category.query.filter_by(name="Aduan").one().id
        dlh_rows = {m.tracking for m in Message.query.filter_by(opd_id=dlh)}
    log_in(client, "op-dlh")
    combinations = itertools.product(
        ("", f"opd={kominfo}", f"opd={dlh}"), ("", "status=diteruskan"),
        ("", "overdue=yes", "overdue=no"), ("", "q=Sungai", f"q={theirs.tracking}"),
        ("", f"category={aduan}&start=2020-01-01&end=2099-12-31"))
    seen = set()
    for parts in combinations:
        args = "&".join(part for part in parts if part)
        for address in (OPD_LIST, "/admin/terlambat/"):
            shown = listed(client, f"{address}?page_size=100&{args}")
            assert theirs.tracking not in shown, (address, args)
            assert shown <= dlh_rows, (address, args)
            seen |= shown
    assert ours.tracking in seen

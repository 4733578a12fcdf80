"""The back office speaks Indonesian: every page each staff role can reach (lists, their
filters, create/edit/detail forms, message pages, reports, settings) is read as a person sees
it, and no English interface word or raw code may show; ?lang=en turns it into English."""
import json
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from tests.helpers import gen_message

STAFF = ("superadmin", "admin", "op-diskominfo", "op-biroekonomi", "evaluator")
EXTRA_PAGES = ("/admin/laporan/cetak", "/admin/evaluasi/teguran")
MAX_PAGES = 80  # per role: the walk is bounded even if links multiply

# English interface words Flask-Admin and the stack bring, and words this interface once
# showed in English; matched as whole words, with their case.
ENGLISH = {
    "item", "items", "Name", "Role", "Roles", "Username", "Search", "Apply", "Cancel", "From",
    "Save", "Delete", "Edit", "Create", "List", "Home", "Add", "Remove", "Select", "View",
    "Details", "Back", "office", "Submit", "Sort", "selected", "Actions", "Records", "record",
    "records", "Export", "Please", "required", "Invalid", "Category", "Subcategory", "User",
    "Message", "equals", "contains", "between", "greater", "smaller", "empty", "the", "and",
    "with", "of", "for", "true", "false", "None", "NULL", "Su", "Mo", "Tu", "We", "Th", "Fr",
}
# Codes that must be shown by their label, never as they are stored.
RAW_CODES = {"web", "guest", "api", "phone", "walkin", "letter", "user", "__None", "login",
             "login_failed", "password_changed"}
SEEN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


class VisibleText(HTMLParser):
    """The strings a person reads on the page: text, tooltips, placeholders, button values,
    and the labels inside the filter menu's data (Flask-Admin builds the menu from it)."""

    def __init__(self):
        super().__init__()
        self.strings, self.links, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        for name in SEEN_ATTRIBUTES:
            if attrs.get(name):
                self.strings.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.strings.append(attrs["value"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        text = data.strip()
        if self._skip or not text:
            return
        if text[0] in "{[":
            try:
                self.strings.extend(json_labels(json.loads(text)))
                return
            except ValueError:
                pass
        self.strings.append(text)


def json_labels(data) -> list[str]:
    """The shown words inside Flask-Admin's JSON: filter names, operations, option labels."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("arg", "index", "type"):
                continue
            if key == "options" and value:
                found.extend(label for _code, label in value)
                continue
            if isinstance(value, list) and value and isinstance(value[0], dict):
                found.append(key)  # a filter group's name
            found.extend(json_labels(value))
    elif isinstance(data, list):
        for item in data:
            found.extend(json_labels(item))
    elif isinstance(data, str):
        found.append(data)
    return found


def problems(strings) -> list[str]:
    found = []
    for text in strings:
        if text in RAW_CODES:
            found.append(f"raw code {text!r}")
        for word in re.findall(r"[A-Za-z_]+", text):
            if word in ENGLISH:
                found.append(f"{word!r} in {text[:80]!r}")
    return found


def read(client, url):
    response = client.get(url)
    parser = VisibleText()
    parser.feed(response.get_data(as_text=True))
    return response, parser


def admin_links(links, current) -> list[str]:
    """Back-office pages linked from a page: menus, create, edit and detail links, message
    pages; not exports, downloads, sorting or paging variants of the same list."""
    keep = []
    for href in links:
        url = urljoin(current, href)
        parts = urlsplit(url)
        if not parts.path.startswith("/admin/") or parts.netloc not in ("", "localhost"):
            continue
        if re.search(r"\.(csv|xlsx|pdf)$|/ekspor|/surat", parts.path):
            continue
        query = parts.query
        if query.startswith("url="):
            query = ""  # where a form returns to: the same form
        if query and not re.fullmatch(r"id=\d+(&url=[^&]*)?", query):
            continue
        keep.append(parts.path + (f"?{query.split('&')[0]}" if query else ""))
    return keep


def shape(url: str) -> str:
    """Pages that differ only by a row's id have one shape; one of each is read."""
    return re.sub(r"\d+", "N", url)


def walk(client) -> dict:
    """Every page reachable from the dashboard for the logged-in user (bounded)."""
    todo, seen, shapes = ["/admin/", *EXTRA_PAGES], {}, set()
    while todo and len(seen) < MAX_PAGES:
        url = todo.pop(0)
        if url in seen or shape(url) in shapes:
            continue
        shapes.add(shape(url))
        response, parser = read(client, url)
        seen[url] = (response.status_code, parser.strings)
        if response.status_code == 200:
            todo.extend(link for link in admin_links(parser.links, url) if link not in seen)
    return seen


@pytest.fixture
def messages_in_every_channel(app, demo):
    """Messages arrived by each channel, so every channel's label is on some list."""
    from models import Message, db

    for channel in ("guest", "api", "phone", "walkin", "letter"):
        made = gen_message(app, reporter=None, perihal=f"Pesan lewat {channel}",
                           status="diteruskan", opd="DISKOMINFO", sub="adu-internet",
                           guest_name="Rina", guest_phone="081298765432")
        with app.app_context():
            Message.query.filter_by(id=made.id).update({"channel": channel})
            db.session.commit()


@pytest.mark.parametrize("role", STAFF)
def test_every_back_office_page_is_in_indonesian(login_as, messages_in_every_channel, role):
    """For this role, does any page it can open (lists and their filter menus, forms,
    details, message pages, reports, settings) show an English word or a raw code?"""
    pages = walk(login_as(role))
    opened = [url for url, (status, _strings) in pages.items() if status == 200]
    assert "/admin/" in opened and len(opened) >= 4, pages.keys()
    found = {url: problems(strings) for url, (status, strings) in pages.items()
             if status == 200 and problems(strings)}
    assert not found, found


def test_the_walk_reaches_forms_filters_and_message_pages(login_as, messages_in_every_channel):
    """Does the superadmin's walk open create and edit forms, details and message pages, and
    read the filter menus (so the test above has looked where the English used to be)?"""
    pages = walk(login_as("superadmin"))
    opened = [url for url, (status, _strings) in pages.items() if status == 200]
    assert any(url.endswith("/new/") for url in opened)
    assert any("/edit/?id=" in url for url in opened)
    assert any("/details/?id=" in url for url in opened)
    assert any(url.startswith("/admin/detail/") for url in opened)
    users = pages["/admin/pengguna/"][1]
    assert "Peran" in users and "Warga" in users  # the role filter and its options
    assert "Kanal" in pages["/admin/pesan/"][1] and "Telepon" in pages["/admin/pesan/"][1]


def test_the_english_words_are_caught(login_as, messages_in_every_channel):
    """Would the check notice Flask-Admin's English, e.g. the page-size menu in English?"""
    client = login_as("superadmin")
    _response, english = read(client, "/admin/pengguna/?lang=en")
    assert problems(english.strings)
    assert "25 items" in english.strings and "Username" in english.strings


def test_date_picker_words_follow_the_language(login_as, demo):
    """Does the back office hand the date picker Indonesian words and day names by default,
    and English ones under ?lang=en?"""
    client = login_as("admin")
    html = client.get("/admin/pesan/").get_data(as_text=True)
    assert 'data-apply="Terapkan"' in html and 'data-cancel="Batal"' in html
    assert 'data-days="Min,Sen,Sel,Rab,Kam,Jum,Sab"' in html
    assert "Agu" in re.search(r'data-months="([^"]*)"', html).group(1)
    html = client.get("/admin/pesan/?lang=en").get_data(as_text=True)
    assert 'data-apply="Apply"' in html and 'data-days="Su,Mo,Tu,We,Th,Fr,Sa"' in html


def test_portal_menu_names_the_back_office_in_the_chosen_language(login_as, demo):
    """Does a staff member see the portal's link to the back office in Indonesian, and in
    English after choosing English?"""
    client = login_as("admin")
    html = client.get("/?lang=id").get_data(as_text=True)
    assert "Ruang kerja staf" in html and "Back office" not in html
    assert "Back office" in client.get("/?lang=en").get_data(as_text=True)


# The audit log's date range filter (Flask-Admin's, the fourth of the view's filters).
AUDIT_RANGE = "flt0_3"


def test_date_picker_shows_indonesian_in_the_browser(demo, page):
    """In a browser, does the audit log's date filter open a picker with Indonesian buttons,
    day and month names (set by our static script, with the strict CSP in force)?"""
    from tests.helpers import browser_log_in

    browser_log_in(page, "superadmin")
    page.goto(f"/admin/audit/?{AUDIT_RANGE}=2026-01-01+to+2026-01-31")
    page.locator(f"input.filter-val[name={AUDIT_RANGE}]").click()
    picker = page.locator(".daterangepicker").first
    picker.wait_for(state="visible")
    text = picker.inner_text()
    assert "Terapkan" in text and "Batal" in text, text
    assert "Min" in text and "Sen" in text and "Jan" in text, text
    assert "Apply" not in text and "Cancel" not in text and "Mo" not in text.split(), text
    picker.locator(".applyBtn").click()
    value = page.input_value(f"input.filter-val[name={AUDIT_RANGE}]")
    assert value == "2026-01-01 sampai 2026-01-31", value


def test_date_range_in_indonesian_words_filters_the_audit_log(app, demo, login_as):
    """Does a date range written the Indonesian way ("... sampai ...", as the picker writes
    it) filter the audit log, like Flask-Admin's own "... to ..."?"""
    client = login_as("superadmin")  # signing in wrote a "masuk" row today
    for word in ("sampai", "to"):
        inside = client.get(f"/admin/audit/?{AUDIT_RANGE}=2020-01-01+{word}+2099-12-31")
        assert inside.status_code == 200 and "<td class=\"col-action\">" in inside.get_data(
            as_text=True)
        before = client.get(f"/admin/audit/?{AUDIT_RANGE}=2001-01-01+{word}+2001-12-31")
        assert "<td class=\"col-action\">" not in before.get_data(as_text=True)


@pytest.mark.parametrize("lang,found", [("id", "pesan ditemukan"), ("en", "messages found")])
def test_message_list_date_range_works_in_the_browser(app, demo, page, lang, found):
    """In a browser, in Indonesian and in English, do the list's two date fields narrow it to
    the messages received in that range, and keep the days chosen?"""
    from datetime import datetime

    from models import Message, db
    from tests.helpers import browser_log_in

    old = gen_message(app, perihal="Pesan lama sekali")
    with app.app_context():
        db.session.get(Message, old.id).created_at = datetime(2024, 3, 10, 2, 0)
        db.session.commit()
    browser_log_in(page, "admin")
    page.goto(f"/admin/pesan/?lang={lang}")
    assert "Pesan lama sekali" in page.inner_text("#message-list")
    page.fill("#start", "2024-03-01")
    page.fill("#end", "2024-03-31")
    with page.expect_navigation():
        page.locator("form.message-filters [type=submit]").click()
    rows = page.inner_text("#message-list")
    assert "Pesan lama sekali" in rows and "Jalan berlubang di Jl. Juanda" not in rows
    assert found in page.inner_text("#found")
    assert page.input_value("#start") == "2024-03-01" and page.input_value("#end") == "2024-03-31"
    assert "start=2024-03-01" in page.get_attribute("#export-csv", "href")


def test_select_boxes_answer_in_indonesian_in_the_browser(demo, page):
    """In a browser, does a searchable select box of a back-office form (the user's roles)
    say in Indonesian that nothing matches what was typed, and do the frame's menu button
    and the page's language say Indonesian too?"""
    from tests.helpers import browser_log_in

    browser_log_in(page, "superadmin")
    page.goto("/admin/pengguna/new/")
    page.locator("#s2id_roles input").click()
    page.keyboard.type("zzz")
    answer = page.locator(".select2-no-results").first
    answer.wait_for(state="attached")
    assert answer.text_content().strip() == "Tidak ada yang cocok"
    # The frame's menu button and the page's language, which Flask-Admin writes in English
    # or not at all, are named by the same script.
    assert page.get_attribute(".navbar-toggler", "aria-label") == "Buka atau tutup menu"
    assert page.get_attribute("html", "lang") == "id"

"""What a screen reader and a phone need from every portal page: labelled fields, described
images, a language, one main heading, and no sideways scrolling on a small screen."""
from html.parser import HTMLParser

import pytest

from tests.helpers import browser_log_in, log_in

PUBLIC_PAGES = ["/", "/pesan", "/tracking", "/lapor", "/login", "/register", "/reset", "/kinerja"]
CITIZEN_PAGES = ["/pesan/kirim", "/settings", "/riwayat", "/change"]


class PageAudit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.labels, self.fields, self.images, self.h1, self.lang = set(), [], [], 0, None
        self.label_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "label":
            self.label_depth += 1
            if attrs.get("for"):
                self.labels.add(attrs["for"])
        elif tag in ("input", "select", "textarea"):
            if attrs.get("type") in ("hidden", "submit", "button"):
                return
            self.fields.append((attrs.get("id"), attrs.get("name"), bool(attrs.get("aria-label")),
                                self.label_depth > 0))
        elif tag == "img":
            self.images.append(attrs)
        elif tag == "h1":
            self.h1 += 1

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth -= 1

    def unlabelled(self):
        return [name or field_id for field_id, name, aria, wrapped in self.fields
                if not (aria or wrapped or (field_id and field_id in self.labels))]


def audit(html: str) -> PageAudit:
    parser = PageAudit()
    parser.feed(html)
    return parser


def check(page_html: str, url: str):
    result = audit(page_html)
    assert result.lang in ("id", "en"), url
    assert result.unlabelled() == [], f"{url}: fields without a label"
    assert all("alt" in image for image in result.images), f"{url}: image without alt"
    assert result.h1 == 1, f"{url}: {result.h1} main headings"


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_are_labelled(client, demo, url):
    """Does every public page have labelled fields, described images and one main heading?"""
    response = client.get(url)
    assert response.status_code == 200
    check(response.get_data(as_text=True), url)


@pytest.mark.parametrize("url", CITIZEN_PAGES)
def test_citizen_pages_are_labelled(client, demo, url):
    """Do the signed-in citizen's pages have labelled fields and one main heading?"""
    log_in(client, "warga")
    response = client.get(url)
    assert response.status_code == 200
    check(response.get_data(as_text=True), url)


def test_pages_fit_a_phone_screen(page, demo):
    """On a 390 px wide phone, does any portal page scroll sideways?"""
    overflowing = {}
    for url in PUBLIC_PAGES:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if width > 0:
            overflowing[url] = width
    browser_log_in(page, "warga")
    for url in CITIZEN_PAGES:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if width > 0:
            overflowing[url] = width
    assert overflowing == {}

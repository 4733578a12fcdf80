"""The open figures per OPD on a phone: charts and table fit the screen, the period form works."""
from tests.helpers import gen_report_dataset, screenshot


def test_open_figures_fit_a_phone_and_filter_by_period(app, demo, page):
    """At phone width, do the charts and the ranked table fit without sideways scrolling, and
    does choosing February show February's figures?"""
    gen_report_dataset(app)
    page.goto("/kinerja?start=01/01/2026&end=31/12/2026")
    charts = page.locator("svg.report-chart")
    assert charts.count() == 2
    width = page.evaluate("window.innerWidth")
    for index in range(2):
        box = charts.nth(index).bounding_box()
        assert box and 100 < box["width"] <= width and box["height"] > 30
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    first = page.locator("table.kinerja tbody tr").first
    assert "Dinas Lingkungan Hidup" in first.inner_text()
    assert first.locator("th").is_visible()
    screenshot(page, "kinerja-ponsel")
    page.fill("#k-start", "01/02/2026")
    page.fill("#k-end", "28/02/2026")
    page.click("button[type=submit]:has-text('Tampilkan')")
    page.wait_for_load_state()
    assert "01/02/2026 sampai 28/02/2026" in page.inner_text("main")
    assert page.locator(".figure strong").first.inner_text() == "6"

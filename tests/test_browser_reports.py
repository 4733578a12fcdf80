"""The report page in a real browser: it renders its SVG charts and tables after login."""
from tests.helpers import browser_log_in, gen_report_dataset, screenshot


def test_report_page_renders_charts_in_a_browser(app, demo, page):
    """After logging in through /login, does an evaluator see the report with its charts?"""
    gen_report_dataset(app)
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_log_in(page, "evaluator")
    page.goto("/admin/laporan/")
    assert page.locator("svg.report-chart").count() == 5
    assert page.locator("#tabel-opd tbody tr").count() == 4
    box = page.locator("svg.report-chart").first.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100
    assert "50 % selesai diproses" in page.inner_text("#kesimpulan")
    screenshot(page, "laporan")
    page.fill("#start", "01/02/2026")
    page.fill("#end", "28/02/2026")
    page.click("button[type=submit]:has-text('Tampilkan')")
    page.wait_for_load_state()
    assert "Dari 6 pesan yang masuk" in page.inner_text("#kesimpulan")
    assert page.input_value("#start") == "01/02/2026"
    page.goto("/admin/laporan/cetak?start=2026-01-01&end=2026-12-31")
    page.emulate_media(media="print")
    assert page.locator("svg.report-chart").count() == 5
    screenshot(page, "laporan-cetak")

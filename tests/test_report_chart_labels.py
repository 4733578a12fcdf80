"""The report's SVG charts read back: long OPD names fit beside the bars, whole in a <title>."""
import re
import xml.etree.ElementTree as ET

from tests.helpers import gen_message

SVG = "{http://www.w3.org/2000/svg}"
LONG_NAME = "Dinas Kependudukan, Pemberdayaan Perempuan dan Perlindungan Anak"
# A generous average width of a 12 px sans-serif character, chosen here, not read from the code.
CHAR_PX = 7.0


def report_charts(client) -> list:
    html = client.get("/admin/laporan/").get_data(as_text=True)
    return [ET.fromstring(svg) for svg in re.findall(r"<svg .*?</svg>", html, re.S)]


def text_lines(text) -> list:
    spans = text.findall(f"{SVG}tspan")
    return [(float(s.get("x")), s.text or "") for s in spans] or [
        (float(text.get("x", 0)), text.text or "")]


def test_long_opd_name_is_shown_whole_within_the_chart(app, demo, login_as):
    """Is a long OPD name on the report's bar chart written in lines that stay inside the
    drawing (none cut at the left edge), readable in full, and kept whole in a <title>?"""
    gen_message(app, status="diteruskan", opd="DKP3A")
    charts = report_charts(login_as("admin"))
    assert charts
    found = False
    for svg in charts:
        width = float(svg.get("viewBox").split()[2])
        for text in svg.iter(f"{SVG}text"):
            for x, line in text_lines(text):
                room = x if text.get("text-anchor") == "end" else width - x
                assert len(line) * CHAR_PX <= room, (line, x, room)
        for group in svg.iter(f"{SVG}g"):
            title = group.find(f"{SVG}title")
            if title is not None and title.text.startswith(LONG_NAME):
                found = True
                label = group.find(f"{SVG}text")
                shown = " ".join(line for _x, line in text_lines(label))
                assert shown == LONG_NAME
                assert len(text_lines(label)) > 1
    assert found, "the OPD's full name is in no <title>"


def test_legend_keeps_its_figures(app, demo, login_as):
    """Does each donut legend entry still show its count and share, whatever its label?"""
    charts = report_charts(login_as("admin"))
    legends = [" ".join(line for _x, line in text_lines(g.find(f"{SVG}text")))
               for svg in charts for g in svg.iter(f"{SVG}g")
               if g.find(f"{SVG}rect") is not None and g.find(f"{SVG}text") is not None
               and g.find(f"{SVG}rect").get("width") == "14"]
    assert legends
    for entry in legends:
        assert re.search(r": \d+ \(\d+ %\)$", entry), entry

"""Small server-side SVG charts (horizontal bars, donut) for the report pages, in the back
office and on the public figures per OPD.

No script and no external asset: each chart is an inline <svg> that prints as it shows. The
numbers also stand in a table next to every chart, so the SVG is decoration for the eye and
carries only a title for screen readers. Long labels (an OPD's full name) wrap onto a few
lines that fit beside the bars; what still does not fit ends in "…", and the whole name stays
in the label's <title>.
"""
import math
import textwrap
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from markupsafe import Markup, escape

PALETTE = ("#1f6fb2", "#e07b24", "#2e9e5b", "#c23b3b", "#7a5cb8", "#8c6d3f", "#d45fa0",
           "#6b7785", "#b5b82a", "#17a2b8", "#5a3e85", "#3d7a4a", "#a34f2a")


def percent(part: int, whole: int) -> int:
    """`part` of `whole` as a whole percentage, halves rounded up (as people round)."""
    if not whole:
        return 0
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP))


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


# An upper bound of the average width of a character of 12 px sans-serif text, so a line
# counted in characters never runs past the room it is given (the SVG cannot measure text).
CHAR_WIDTH = 7.0
LINE_HEIGHT = 14
MAX_LINES = 3


def fitting_chars(room: float) -> int:
    """How many characters of a label fit on one line `room` pixels wide."""
    return max(int(room // CHAR_WIDTH), 4)


def wrap_label(label: str, chars: int, max_lines: int = MAX_LINES) -> list[str]:
    """`label` in lines of at most `chars` characters, broken between words where possible;
    past `max_lines`, the last line ends in "…"."""
    lines = textwrap.wrap(label, chars, break_long_words=True) or [""]
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    rest = " ".join([kept[-1], *lines[max_lines:]])
    kept[-1] = rest[: chars - 1].rstrip() + "…"
    return kept


def _label_text(x: float, y: float, lines: list[str], anchor: str = "start") -> str:
    """A <text> of one or more lines, the first on baseline `y`."""
    spans = "".join(f'<tspan x="{x:.1f}" y="{y + index * LINE_HEIGHT:.1f}">{escape(line)}</tspan>'
                    for index, line in enumerate(lines))
    return f'<text text-anchor="{anchor}" font-size="12">{spans}</text>'


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
            f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px">'
            f"<title>{escape(title)}</title>")
    return Markup(head + "".join(body) + "</svg>")


def bar_chart(items, title: str, label_width: int = 230, width: int = 560) -> Markup:
    """Horizontal bars: `items` is a list of (label, value); the longest bar fills the width."""
    items = list(items)
    top, bar = 6, 18
    chars = fitting_chars(label_width - 14)
    largest = max((value for _label, value in items), default=0) or 1
    room = width - label_width - 50
    body = []
    y = top
    for index, (label, value) in enumerate(items):
        lines = wrap_label(str(label), chars)
        row = max(26, LINE_HEIGHT * len(lines) + 12)
        length = room * value / largest
        first_line = y + (row - LINE_HEIGHT * (len(lines) - 1)) / 2 + 4
        body.append(
            f"<g><title>{escape(label)}: {value}</title>"
            + _label_text(label_width - 8, first_line, lines, anchor="end")
            + f'<rect x="{label_width}" y="{y + (row - bar) / 2:.1f}" width="{length:.1f}" '
            f'height="{bar}" fill="{colour(index)}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + row / 2 + 4:.1f}" '
            f'font-size="12">{value}</text></g>')
        y += row
    if not items:
        body.append(f'<text x="10" y="24" font-size="12">{escape(_("Tidak ada data"))}</text>')
        y += 26
    return _svg(width, int(math.ceil(y + top)), title, body)


def _arc(cx, cy, outer, inner, start, end) -> str:
    """A ring segment from angle `start` to `end` (radians, clockwise from 12 o'clock)."""
    def point(radius, angle):
        return cx + radius * math.sin(angle), cy - radius * math.cos(angle)

    large = 1 if end - start > math.pi else 0
    x1, y1 = point(outer, start)
    x2, y2 = point(outer, end)
    x3, y3 = point(inner, end)
    x4, y4 = point(inner, start)
    return (f"M{x1:.2f},{y1:.2f} A{outer},{outer} 0 {large} 1 {x2:.2f},{y2:.2f} "
            f"L{x3:.2f},{y3:.2f} A{inner},{inner} 0 {large} 0 {x4:.2f},{y4:.2f} Z")


def donut_chart(items, title: str, size: int = 220) -> Markup:
    """A donut of (label, value) shares with a legend on its right."""
    items = [(label, value) for label, value in items]
    total = sum(value for _label, value in items)
    cx = cy = size / 2
    outer, inner = size / 2 - 6, size / 4
    legend_x = size + 12
    width = size + 250
    chars = fitting_chars(width - legend_x - 24)
    body = []
    if total == 0:
        body.append(f'<circle cx="{cx}" cy="{cy}" r="{outer}" fill="#e9ecef"/>')
    angle = 0.0
    for index, (_label, value) in enumerate(items):
        if not value:
            continue
        sweep = 2 * math.pi * value / total
        if sweep >= 2 * math.pi - 1e-9:  # a lone full ring cannot be one arc
            body.append(f'<circle cx="{cx}" cy="{cy}" r="{(outer + inner) / 2}" fill="none" '
                        f'stroke="{colour(index)}" stroke-width="{outer - inner}"/>')
        else:
            body.append(f'<path d="{_arc(cx, cy, outer, inner, angle, angle + sweep)}" '
                        f'fill="{colour(index)}"/>')
        angle += sweep
    body.append(f'<text x="{cx}" y="{cy + 6}" text-anchor="middle" font-size="18" '
                f'font-weight="bold">{total}</text>')
    y = 12
    for index, (label, value) in enumerate(items):
        share = f"{value} ({percent(value, total)} %)"
        lines = wrap_label(f"{label}:", chars)
        if len(lines[-1]) + 1 + len(share) <= chars:
            lines[-1] += " " + share
        else:
            lines.append(share)  # the figures are never cut off
        body.append(f"<g><title>{escape(label)}: {escape(share)}</title>"
                    f'<rect x="{legend_x}" y="{y}" width="14" height="14" fill="{colour(index)}"/>'
                    + _label_text(legend_x + 20, y + 12, lines) + "</g>")
        y += max(24, LINE_HEIGHT * len(lines) + 10)
    return _svg(width, int(max(size, y)), title, body)

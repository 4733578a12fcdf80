"""Small server-side SVG charts (horizontal bars, donut) for the report pages.

No script and no external asset: each chart is an inline <svg> that prints as it shows. The
numbers also stand in a table next to every chart, so the SVG is decoration for the eye and
carries only a title for screen readers.
"""
import math
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


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
            f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px">'
            f"<title>{escape(title)}</title>")
    return Markup(head + "".join(body) + "</svg>")


def bar_chart(items, title: str, label_width: int = 230, width: int = 560) -> Markup:
    """Horizontal bars: `items` is a list of (label, value); the longest bar fills the width."""
    items = list(items)
    row, top = 26, 6
    height = top * 2 + row * max(len(items), 1)
    largest = max((value for _label, value in items), default=0) or 1
    room = width - label_width - 50
    body = []
    for index, (label, value) in enumerate(items):
        y = top + index * row
        length = room * value / largest
        body.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" font-size="12">'
            f"<title>{escape(label)}</title>{escape(_shorten(str(label), 34))}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{colour(index)}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 17}" font-size="12">{value}</text>')
    if not items:
        body.append(f'<text x="10" y="24" font-size="12">{escape(_("Tidak ada data"))}</text>')
    return _svg(width, height, title, body)


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
    height = max(size, 24 * len(items) + 12)
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
    for index, (label, value) in enumerate(items):
        y = 12 + index * 24
        share = f"{percent(value, total)} %"
        body.append(f'<rect x="{legend_x}" y="{y}" width="14" height="14" fill="{colour(index)}"/>'
                    f'<text x="{legend_x + 20}" y="{y + 12}" font-size="12">'
                    f"{escape(_shorten(str(label), 26))}: {value} ({share})</text>")
    return _svg(width, height, title, body)

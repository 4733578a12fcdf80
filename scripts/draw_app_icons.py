"""Draw the installable app's icons: the portal's shield in its green and gold (shapes only).

    python scripts/draw_app_icons.py [output folder]

Writes icon-192.png and icon-512.png (the shield on a transparent ground, for launchers that
show the picture as it is) and icon-maskable-512.png (the shield inside the safe circle on a
full green square, for launchers that cut their own shape) into static/img/app/ by default.
Each is drawn four times larger and scaled down, so the curves come out smooth; running the
script again gives the same files.
"""
import sys
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "img" / "app"
GREEN, GOLD, WHITE = (11, 93, 70, 255), (242, 183, 5, 255), (255, 255, 255, 255)
OVERSAMPLE = 4


def bezier(p0, p1, p2, p3, steps=24):
    """Points along a cubic curve (the logo's shield is drawn with two of them)."""
    points = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3
        points.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                       a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return points


# The shield of static/img/logo.svg, on its 64-unit grid.
SHIELD = ([(32, 3), (58, 14), (58, 32)] + bezier((58, 32), (58, 47), (46, 57), (32, 61))[1:]
          + bezier((32, 61), (18, 57), (6, 47), (6, 32))[1:] + [(6, 14)])
FLAME = ([(18, 40)] + bezier((18, 40), (22, 30), (28, 24), (32, 16))[1:]
         + bezier((32, 16), (36, 24), (42, 30), (46, 40))[1:])


def draw_shield(draw, left, top, size):
    """The logo scaled so its 64-unit grid covers `size` pixels from (left, top)."""
    unit = size / 64

    def at(points):
        return [(left + x * unit, top + y * unit) for x, y in points]

    draw.polygon(at(SHIELD), fill=GOLD)
    # The gold rim: the same shield, a little smaller, in green on top.
    inner = [(32 + (x - 32) * 0.9, 32.5 + (y - 32) * 0.9) for x, y in SHIELD]
    draw.polygon(at(inner), fill=GREEN)
    draw.polygon(at(FLAME), fill=GOLD)
    draw.rounded_rectangle(at([(20, 42), (44, 46)]), radius=2 * unit, fill=WHITE)
    draw.ellipse(at([(28, 26), (36, 34)]), fill=GREEN)


def icon(size: int, maskable: bool) -> Image.Image:
    big = size * OVERSAMPLE
    if maskable:
        # Launchers may cut a circle of 80% of the side: the shield stays well inside it.
        image = Image.new("RGBA", (big, big), GREEN)
        shield = big * 0.62
    else:
        image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
        shield = big * 0.94
    offset = (big - shield) / 2
    draw_shield(ImageDraw.Draw(image), offset, offset, shield)
    return image.resize((size, size), Image.Resampling.LANCZOS)


ICONS = (("icon-192.png", 192, False), ("icon-512.png", 512, False),
         ("icon-maskable-512.png", 512, True))


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in ICONS:
        icon(size, maskable).save(out / name, "PNG", optimize=True)
        print(out / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)

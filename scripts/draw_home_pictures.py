"""Draw the home page's default pictures of East Kalimantan (no photographs: shapes only).

    python scripts/draw_home_pictures.py [output folder]

Writes mahakam.jpg (the Mahakam river at dusk), lamin.jpg (a Dayak longhouse) and enggang.jpg
(a hornbill over the rainforest), 1200 x 500 each, into static/img/beranda/ by default. The
drawing is seeded, so running it again gives the same files.
"""
import math
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1200, 500
OUT = Path(__file__).resolve().parent.parent / "static" / "img" / "beranda"


def gradient(top, bottom, height=HEIGHT):
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(height - 1, 1)
        color = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (WIDTH, y)], fill=color)
    return image


def hills(draw, base, amplitude, color, rng, step=40):
    points = [(0, HEIGHT)]
    phase = rng.random() * math.tau
    for x in range(0, WIDTH + step, step):
        y = base - amplitude * (0.6 * math.sin(x / 170 + phase) + 0.4 * math.sin(x / 61 + 2 * phase))
        points.append((x, y))
    points.append((WIDTH, HEIGHT))
    draw.polygon(points, fill=color)


def stilt_house(draw, x, ground, width, height, wall, roof):
    top = ground - 26 - height
    for post in range(x + 6, x + width, max(width // 4, 10)):
        draw.rectangle([post, ground - 26, post + 4, ground + 10], fill=(45, 30, 25))
    draw.rectangle([x, top, x + width, ground - 26], fill=wall)
    draw.polygon([(x - 8, top), (x + width / 2, top - height * 0.6), (x + width + 8, top)], fill=roof)
    draw.rectangle([x + width * 0.4, top + height * 0.35, x + width * 0.6, ground - 26],
                   fill=(60, 40, 30))


def mahakam(rng):
    image = gradient((250, 140, 70), (255, 214, 150), height=300)
    draw = ImageDraw.Draw(image)
    draw.ellipse([760, 150, 880, 270], fill=(255, 236, 180))
    hills(draw, 250, 30, (92, 70, 90), rng)
    hills(draw, 285, 22, (55, 60, 70), rng)
    # the river, with the sun's reflection broken by ripples
    draw.rectangle([0, 300, WIDTH, HEIGHT], fill=(200, 120, 90))
    for y in range(305, HEIGHT, 7):
        shade = 190 - (y - 300) // 3
        draw.line([(0, y), (WIDTH, y)], fill=(shade + 20, shade - 50, shade - 70), width=2)
    for y in range(310, 470, 9):
        half = rng.randint(20, 60) * (1 - (y - 300) / 260)
        draw.line([(820 - half, y), (820 + half, y)], fill=(255, 225, 170), width=3)
    # houses on stilts along the near bank
    draw.rectangle([0, 330, 520, 345], fill=(70, 55, 45))
    x = 20
    for _ in range(5):
        width = rng.randint(70, 100)
        stilt_house(draw, x, 345, width, rng.randint(45, 65),
                    rng.choice([(150, 90, 60), (120, 80, 70), (170, 120, 80)]), (90, 40, 35))
        x += width + rng.randint(15, 30)
    # a longboat (ces) on the water
    draw.polygon([(560, 410), (760, 410), (735, 428), (580, 428)], fill=(40, 30, 35))
    draw.rectangle([640, 392, 680, 410], fill=(60, 45, 50))
    return image


def motif_band(draw, x0, y0, x1, y1, colors):
    """A band of hooked zigzags, the kind of pattern carved and painted on a lamin's walls."""
    draw.rectangle([x0, y0, x1, y1], fill=colors[0])
    height = y1 - y0
    for i, x in enumerate(range(x0, x1, height)):
        color = colors[1 + i % (len(colors) - 1)]
        draw.polygon([(x, y1), (x + height / 2, y0 + 3), (x + height, y1)], outline=color, width=3)
        draw.arc([x + height * 0.25, y0 + height * 0.35, x + height * 0.75, y1 + height * 0.15],
                 200, 340, fill=color, width=3)


def lamin(rng):
    image = gradient((120, 180, 230), (215, 235, 245), height=330)
    draw = ImageDraw.Draw(image)
    hills(draw, 300, 25, (60, 120, 75), rng)
    draw.rectangle([0, 360, WIDTH, HEIGHT], fill=(85, 140, 60))
    for x in range(0, WIDTH, 9):
        draw.line([(x, 360), (x + rng.randint(-3, 3), 360 - rng.randint(4, 12))], fill=(70, 125, 50))
    left, right, floor, eaves = 180, 1020, 360, 220
    for post in range(left + 10, right, 40):
        draw.rectangle([post, floor - 40, post + 8, floor + 15], fill=(70, 45, 30))
    draw.rectangle([left, eaves, right, floor - 40], fill=(120, 75, 45))
    motif_band(draw, left, eaves + 20, right, eaves + 52,
               [(25, 20, 20), (235, 190, 40), (240, 240, 230), (190, 40, 35)])
    motif_band(draw, left, floor - 72, right, floor - 44,
               [(25, 20, 20), (190, 40, 35), (235, 190, 40)])
    for door in range(left + 120, right - 60, 180):
        draw.rectangle([door, eaves + 62, door + 36, floor - 76], fill=(55, 35, 25))
    draw.polygon([(left - 40, eaves), (WIDTH / 2, 110), (right + 40, eaves)], fill=(90, 55, 35))
    # the gable's curling ornaments
    for cx, flip in ((left - 40, 1), (right + 40, -1)):
        for r in (18, 30):
            box = [cx - r, eaves - 2 * r, cx + r, eaves]
            draw.arc(box, 90 if flip > 0 else 270, 270 if flip > 0 else 90,
                     fill=(235, 190, 40), width=5)
    draw.line([(WIDTH / 2, 110), (WIDTH / 2, 70)], fill=(90, 55, 35), width=8)
    draw.arc([WIDTH / 2 - 28, 40, WIDTH / 2 + 28, 96], 180, 360, fill=(235, 190, 40), width=6)
    # a carved post (belontang) in front
    for x in (90, 1110):
        draw.rectangle([x - 12, 190, x + 12, floor + 30], fill=(95, 60, 35))
        for y in range(205, floor + 20, 34):
            draw.ellipse([x - 10, y, x + 10, y + 20], outline=(235, 190, 40), width=3)
    draw.rectangle([520, floor - 40, 680, floor - 32], fill=(70, 45, 30))
    for step in range(4):
        draw.line([(560 + step * 8, floor - 32 + step * 12), (640 - step * 8, floor - 32 + step * 12)],
                  fill=(70, 45, 30), width=4)
    return image


def hornbill(draw, cx, cy, scale):
    s = scale
    black, white, gold, red = (20, 20, 22), (245, 245, 240), (245, 185, 30), (215, 70, 30)
    draw.polygon([(cx - 10 * s, cy), (cx - 120 * s, cy - 70 * s), (cx - 150 * s, cy - 40 * s),
                  (cx - 60 * s, cy + 15 * s)], fill=black)        # far wing
    draw.polygon([(cx + 10 * s, cy), (cx - 60 * s, cy - 95 * s), (cx - 20 * s, cy - 100 * s),
                  (cx + 40 * s, cy - 5 * s)], fill=black)        # near wing
    draw.polygon([(cx - 60 * s, cy - 70 * s), (cx - 40 * s, cy - 90 * s),
                  (cx - 30 * s, cy - 70 * s)], fill=white)        # the wing's white bar
    draw.ellipse([cx - 45 * s, cy - 18 * s, cx + 45 * s, cy + 18 * s], fill=black)
    draw.polygon([(cx - 40 * s, cy), (cx - 130 * s, cy + 10 * s), (cx - 130 * s, cy + 30 * s),
                  (cx - 40 * s, cy + 12 * s)], fill=white)        # long white tail
    draw.line([(cx - 85 * s, cy + 8 * s), (cx - 85 * s, cy + 26 * s)], fill=black, width=max(int(6 * s), 2))
    draw.ellipse([cx + 35 * s, cy - 24 * s, cx + 65 * s, cy + 4 * s], fill=black)   # head
    draw.polygon([(cx + 60 * s, cy - 14 * s), (cx + 125 * s, cy + 4 * s),
                  (cx + 60 * s, cy - 2 * s)], fill=gold)          # beak
    draw.polygon([(cx + 55 * s, cy - 22 * s), (cx + 95 * s, cy - 26 * s),
                  (cx + 100 * s, cy - 14 * s), (cx + 62 * s, cy - 12 * s)], fill=red)  # casque
    draw.ellipse([cx + 50 * s, cy - 16 * s, cx + 56 * s, cy - 10 * s], fill=white)


def enggang(rng):
    image = gradient((175, 215, 205), (235, 240, 225), height=260)
    draw = ImageDraw.Draw(image)
    hills(draw, 230, 35, (120, 165, 140), rng)
    layers = [(260, (60, 120, 80), 55), (320, (40, 100, 60), 65), (390, (25, 80, 45), 75),
              (460, (15, 60, 35), 85)]
    for base, color, size in layers:
        x = -40
        while x < WIDTH + 40:
            r = rng.randint(size - 15, size + 15)
            shade = tuple(max(0, min(255, c + rng.randint(-12, 12))) for c in color)
            draw.ellipse([x - r, base - r, x + r, base + r], fill=shade)
            x += rng.randint(int(r * 0.9), int(r * 1.5))
        draw.rectangle([0, base, WIDTH, HEIGHT], fill=color)
    # a few emergent trees standing above the canopy
    for x in (180, 640, 1010):
        draw.rectangle([x - 6, 150, x + 6, 300], fill=(70, 55, 40))
        draw.ellipse([x - 60, 110, x + 60, 190], fill=(50, 110, 65))
    image = image.filter(ImageFilter.SMOOTH)
    draw = ImageDraw.Draw(image)
    hornbill(draw, 760, 120, 1.2)
    hornbill(draw, 380, 80, 0.6)
    return image


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, draw_it in (("mahakam", mahakam), ("lamin", lamin), ("enggang", enggang)):
        image = draw_it(random.Random(name))
        image.save(out / f"{name}.jpg", "JPEG", quality=84, optimize=True)
        print(out / f"{name}.jpg")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)

"""Draws account_dunning_fr/static/description/icon.png (128x128, Odoo's app icon size): a
letter with a euro sign and a clock, on the purple of Odoo's apps. Shapes only, no image of
anyone else's. Run: python -m devtools.make_icon"""

from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 128
SCALE = 4  # drawn at 4x, then downsampled: smooth edges
BACKGROUND = (113, 75, 103)  # Odoo's apps purple
PAPER = (255, 255, 255)
INK = (113, 75, 103)
ACCENT = (240, 173, 78)
OUTPUT = Path(__file__).resolve().parents[1] / "account_dunning_fr/static/description/icon.png"


def draw_icon():
    s = SCALE
    img = Image.new("RGBA", (SIZE * s, SIZE * s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, SIZE * s - 1, SIZE * s - 1), radius=22 * s, fill=BACKGROUND)
    # the letter
    d.rounded_rectangle((18 * s, 30 * s, 98 * s, 92 * s), radius=6 * s, fill=PAPER)
    d.line((20 * s, 33 * s, 58 * s, 64 * s), fill=INK, width=4 * s)
    d.line((58 * s, 64 * s, 96 * s, 33 * s), fill=INK, width=4 * s)
    # the euro sign on the letter
    cx, cy, r = 44 * s, 78 * s, 9 * s
    d.arc((cx - r, cy - r, cx + r, cy + r), 45, 315, fill=INK, width=3 * s)
    d.line((cx - 13 * s, cy - 3 * s, cx + 2 * s, cy - 3 * s), fill=INK, width=2 * s)
    d.line((cx - 13 * s, cy + 3 * s, cx + 2 * s, cy + 3 * s), fill=INK, width=2 * s)
    # the clock: the due date has passed
    cx, cy, r = 92 * s, 88 * s, 22 * s
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=ACCENT, outline=PAPER, width=4 * s)
    d.line((cx, cy, cx, cy - 13 * s), fill=PAPER, width=4 * s)
    d.line((cx, cy, cx + 10 * s, cy + 5 * s), fill=PAPER, width=4 * s)
    d.ellipse((cx - 3 * s, cy - 3 * s, cx + 3 * s, cy + 3 * s), fill=PAPER)
    return img.resize((SIZE, SIZE), Image.LANCZOS)


if __name__ == "__main__":
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    draw_icon().save(OUTPUT, optimize=True)
    print(OUTPUT)

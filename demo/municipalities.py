"""What the demo municipalities have of their own: Hagen's districts, and for the invented second municipality
its districts and a drawn logo (PNG), so that letterheads show whose report it is."""

import io

from PIL import Image, ImageDraw

#: Hagen's five city districts (Stadtbezirke), the demo organisation's list.
HAGEN_DISTRICTS = [
    ("mitte", "Hagen-Mitte"),
    ("nord", "Hagen-Nord"),
    ("hohenlimburg", "Hohenlimburg"),
    ("eilpe_dahl", "Eilpe/Dahl"),
    ("haspe", "Haspe"),
]

#: The invented second municipality's districts (``seed_demo --second-municipality``).
MUSTERSTADT_DISTRICTS = [
    ("innenstadt", "Innenstadt"),
    ("nordstadt", "Nordstadt"),
    ("suedviertel", "Südviertel"),
    ("am-see", "Am See"),
]


def demo_logo_png(initial, colour=(0, 94, 120)):
    """A 240 × 240 PNG: a shield in ``colour`` with a white house and the ``initial`` above it."""
    image = Image.new("RGBA", (240, 240), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.polygon([(20, 16), (220, 16), (220, 130), (120, 226), (20, 130)], fill=colour)
    draw.rectangle([(20, 16), (220, 60)], fill=(255, 255, 255, 255), outline=colour, width=6)
    draw.polygon([(64, 124), (120, 76), (176, 124)], fill=(255, 255, 255, 255))  # a house: roof,
    draw.rectangle([(78, 124), (162, 176)], fill=(255, 255, 255, 255))  # walls
    draw.rectangle([(110, 144), (130, 176)], fill=colour)  # and door
    draw.text((104, 22), initial, fill=colour, font_size=34)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()

"""« Commune engagée pour l'Heure Civique »: the badge a signatory commune shows on its site,
in the colours of its portal, drawn once per commune and branding."""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from heurecivique.pictures import png_bytes, png_font, png_lines
from territories.branding import Branding

# Drawn at twice the size it is shown (300×100), for sharp screens.
SIZE = (600, 200)
VERSION = 1


def badge_image(commune_name: str, branding: Branding) -> str:
    """The storage name of the badge's PNG."""
    words = hashlib.sha256(commune_name.encode()).hexdigest()[:12]
    name = f"badges/{words}-{branding.key}-v{VERSION}.png"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(_draw(commune_name, branding)))
    return name


def _draw(commune_name: str, branding: Branding) -> bytes:
    width, height = SIZE
    image = Image.new("RGB", SIZE, branding.primary_color)
    draw = ImageDraw.Draw(image)
    # A clock with its hour coloured, as on the portal's home page.
    draw.ellipse((24, 24, 176, 176), fill=branding.secondary_color)
    draw.ellipse((48, 48, 152, 152), fill="white")
    draw.pieslice((48, 48, 152, 152), -90, 0, fill=branding.secondary_color)
    draw.line((100, 100, 100, 62), fill="#161616", width=8)
    draw.line((100, 100, 126, 114), fill="#161616", width=8)
    left = 204
    draw.text((left, 26), "Commune engagée pour", font=png_font(26), fill="white")
    draw.text((left, 60), "L'Heure Civique", font=png_font(40, bold=True), fill="white")
    name_font = png_font(30, bold=True)
    lines = png_lines(draw, commune_name, name_font, width - left - 24)
    if len(lines) > 1:
        name_font = png_font(22, bold=True)
        lines = png_lines(draw, commune_name, name_font, width - left - 24)[:2]
    top = 122 if len(lines) == 1 else 116
    for line in lines:
        draw.text((left, top), line, font=name_font, fill="white")
        top += 30
    return png_bytes(image)

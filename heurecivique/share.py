"""The picture a social network shows when a page is shared: an initiative, a good practice,
the Appel, a portal's home page."""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from PIL import Image, ImageDraw

from territories.branding import Branding

from .pictures import png_bytes, png_font, png_lines, png_logo

SIZE = (1200, 630)  # what Open Graph and Twitter cards expect
VERSION = 1


def share_image(title: str, place: str, branding: Branding) -> str:
    """The storage name of a 1200×630 PNG with the title, the place and the portal's colours,
    drawn once for these words and this branding."""
    words = hashlib.sha256(f"{title}\n{place}".encode()).hexdigest()[:12]
    name = f"partage/{words}-{branding.key}-v{VERSION}.png"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(_draw(title, place, branding)))
    return name


def stored_png(name: str) -> FileResponse:
    """A generated picture from the storage (share image, badge), cacheable for a day: its
    name changes whenever what it shows changes."""
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _draw(title: str, place: str, branding: Branding) -> bytes:
    width, height = SIZE
    image = Image.new("RGB", SIZE, branding.primary_color)
    draw = ImageDraw.Draw(image)
    margin = 64
    band = 150
    draw.rectangle((0, height - band, width, height), fill=branding.secondary_color)
    logo = png_logo(branding.logo_path, 96)
    left = margin
    if logo is not None:
        image.paste(logo.convert("RGB"), (margin, margin))
        left += 96 + 32
    draw.text((left, margin + 8), branding.portal_name, font=png_font(34, bold=True), fill="white")
    title_font = png_font(60, bold=True)
    top = margin + 150
    for line in png_lines(draw, title, title_font, width - 2 * margin)[:3]:
        draw.text((margin, top), line, font=title_font, fill="white")
        top += 72
    draw.text((margin, height - band + 40), place, font=png_font(40, bold=True), fill="#161616")
    draw.text((margin, height - band + 95), branding.site_label, font=png_font(26), fill="#161616")
    return png_bytes(image)

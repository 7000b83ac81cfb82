"""Drawing helpers for the PNG pictures the site generates (share images, badges, the toolbox's
visuals): Pillow, with the fonts every generated document uses."""

import io
import os

import reportlab
import segno
from PIL import Image, ImageDraw, ImageFont

# Bitstream Vera, shipped with reportlab: it has every letter French needs (é, œ, «, ’, €).
FONT_DIR = os.path.join(os.path.dirname(reportlab.__file__), "fonts")


def png_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(os.path.join(FONT_DIR, "VeraBd.ttf" if bold else "Vera.ttf"), size)


def png_lines(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Words wrapped to the width, for Pillow, which does not wrap by itself."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    return lines + [line] if line else lines


def png_qr(url: str, size: int) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=4)
    return (
        Image.open(io.BytesIO(buffer.getvalue()))
        .convert("RGB")
        .resize((size, size), Image.Resampling.NEAREST)
    )


def png_logo(logo_path: str | None, size: int) -> Image.Image | None:
    """A logo centred on a white square tile (None without a logo)."""
    if not logo_path:
        return None
    with Image.open(logo_path) as logo:
        logo = logo.convert("RGBA")
        logo.thumbnail((size, size))
        tile = Image.new("RGBA", (size, size), "white")
        tile.alpha_composite(logo, ((size - logo.width) // 2, (size - logo.height) // 2))
        return tile


def png_bytes(image: Image.Image) -> bytes:
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()

"""« À vos couleurs »: documents generated for a portal, with its name, colours, logo and QR code.

The documents themselves (their layout and their words) are in outils/documents.py; this module
holds what they share: the branding of a portal, the drawing helpers and the cache of files.
"""

import hashlib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

import reportlab
import segno
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from territories.places import Place

# Bump when a document's layout or words change: every cached file is then generated again.
TEMPLATE_VERSION = 2
CACHE_DIR = "outils/generes"

# Bitstream Vera, shipped with reportlab: it has every letter French needs (é, œ, «, ’, €).
FONT_DIR = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
FONT, BOLD = "Vera", "VeraBd"
pdfmetrics.registerFont(TTFont(FONT, os.path.join(FONT_DIR, "Vera.ttf")))
pdfmetrics.registerFont(TTFont(BOLD, os.path.join(FONT_DIR, "VeraBd.ttf")))
# So that <b> in a paragraph (a press release's lead, a letter's signatory) is bold indeed.
pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
INK = colors.HexColor("#161616")


@dataclass(frozen=True)
class Branding:
    """What makes a document belong to a portal, and who speaks in it."""

    territory_name: str  # empty for the national portal
    primary_color: str
    secondary_color: str
    logo_path: str | None
    site_url: str
    join_url: str
    territory_key: str
    kind: str = "national"  # Territory.Kind
    place: Place | None = None  # None for the national portal
    authority: str = "l'équipe nationale de L'Heure Civique"  # Territory.authority
    signatory: tuple[str, ...] = ("L'équipe nationale de L'Heure Civique",)
    press_contact: str = ""

    @property
    def portal_name(self) -> str:
        return "L'Heure Civique" + (f" · {self.territory_name}" if self.territory_name else "")

    @property
    def site_label(self) -> str:
        return urlsplit(self.site_url).netloc

    @property
    def key(self) -> str:
        address = hashlib.sha256(self.site_url.encode()).hexdigest()[:8]
        return f"{self.territory_key}-{address}"

    @property
    def primary(self):
        return colors.HexColor(self.primary_color)

    @property
    def secondary(self):
        return colors.HexColor(self.secondary_color)


def branding_for(request, territory=None) -> Branding:
    """The branding of a portal (by default the one of the request), with its address: the
    address of the request when it is on that portal, else the portal's own."""
    territory = territory or request.territory
    logo = None
    if territory.logo and default_storage.exists(territory.logo.name):
        logo = territory.logo.path
    if territory == request.territory:
        site_url = request.build_absolute_uri("/").rstrip("/")
    else:
        site_url = territory.url("")
    return Branding(
        territory_name="" if territory.is_national else territory.name,
        primary_color=territory.primary_color,
        secondary_color=territory.secondary_color,
        logo_path=logo,
        site_url=site_url,
        join_url=site_url + reverse("volunteers:join"),
        territory_key=territory.branding_key,
        kind=territory.kind,
        place=None if territory.is_national else territory.place,
        authority=territory.authority,
        signatory=tuple(territory.signatory),
        press_contact=territory.press_contact,
    )


@dataclass(frozen=True)
class Template:
    key: str
    label: str
    format: str  # "pdf", "png" or "odt"
    build: Callable[[Branding], bytes]


TEMPLATES: dict[str, Template] = {}


def template(key: str, label: str, format: str):
    """Register a document generator under a key that resources name."""

    def register(build):
        TEMPLATES[key] = Template(key, label, format, build)
        return build

    return register


def generated_file(template_key: str, branding: Branding) -> str:
    """The storage name of a branded document, generated once per branding and kept."""
    spec = TEMPLATES[template_key]
    name = f"{CACHE_DIR}/{template_key}-{branding.key}-v{TEMPLATE_VERSION}.{spec.format}"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(spec.build(branding)))
    return name


# --- PDF drawing -------------------------------------------------------------------------------

pdf_canvas = partial(Canvas, invariant=1)  # the same inputs give the same bytes


def fitted_size(text: str, font: str, width: float, largest: float, smallest: float) -> float:
    """The largest font size at which the text holds on one line of this width."""
    size = largest
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def draw_paragraph(canvas, text, x, top, width, style) -> float:
    """Draw a wrapped paragraph from its top edge; return its bottom edge."""
    paragraph = Paragraph(text, style)
    _width, height = paragraph.wrapOn(canvas, width, 10_000)
    paragraph.drawOn(canvas, x, top - height)
    return top - height


def style(size: float, bold: bool = False, color=INK, leading: float | None = None, **kwargs):
    return ParagraphStyle(
        f"s{size}{bold}",
        fontName=BOLD if bold else FONT,
        fontSize=size,
        leading=leading or size * 1.25,
        textColor=color,
        **kwargs,
    )


def draw_qr(canvas, url: str, x: float, y: float, size: float) -> None:
    """A QR code (segno) drawn as vector squares: sharp at any print size."""
    matrix = segno.make(url, error="m").matrix
    modules = len(matrix) + 8  # with the quiet zone
    cell = size / modules
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    for row, line in enumerate(matrix):
        for column, dark in enumerate(line):
            if dark:
                canvas.rect(
                    x + (column + 4) * cell,
                    y + size - (row + 5) * cell,
                    cell,
                    cell,
                    stroke=0,
                    fill=1,
                )


def draw_logo(canvas, branding: Branding, x: float, y: float, size: float) -> float:
    """The portal's logo on a white tile; returns the width used (0 without a logo)."""
    if not branding.logo_path:
        return 0
    canvas.setFillColor(colors.white)
    canvas.roundRect(x, y, size, size, size * 0.12, stroke=0, fill=1)
    margin = size * 0.08
    canvas.drawImage(
        branding.logo_path,
        x + margin,
        y + margin,
        size - 2 * margin,
        size - 2 * margin,
        preserveAspectRatio=True,
        mask="auto",
    )
    return size


def draw_header(canvas, branding: Branding, width: float, height: float, band: float) -> None:
    """The band in the portal's colour, with its logo and name, across the top of the page."""
    canvas.setFillColor(branding.primary)
    canvas.rect(0, height - band, width, band, stroke=0, fill=1)
    margin = band * 0.18
    used = draw_logo(canvas, branding, margin, height - band + margin, band - 2 * margin)
    left = margin + used + (margin if used else 0)
    available = width - left - margin
    canvas.setFillColor(colors.white)
    title_size = fitted_size("L'Heure Civique", BOLD, available, band * 0.32, 8)
    if branding.territory_name:
        canvas.setFont(BOLD, title_size)
        canvas.drawString(left, height - band * 0.45, "L'Heure Civique")
        name_size = fitted_size(branding.territory_name, FONT, available, band * 0.24, 6)
        canvas.setFont(FONT, name_size)
        canvas.drawString(left, height - band * 0.78, branding.territory_name)
    else:
        canvas.setFont(BOLD, title_size)
        canvas.drawString(left, height - band * 0.6, "L'Heure Civique")


def draw_join_footer(canvas, branding: Branding, width: float, band: float, invitation: str):
    """The band in the secondary colour, with the sign-up QR code and the portal's address."""
    canvas.setFillColor(branding.secondary)
    canvas.rect(0, 0, width, band, stroke=0, fill=1)
    margin = band * 0.12
    qr_size = band - 2 * margin
    draw_qr(canvas, branding.join_url, width - margin - qr_size, margin, qr_size)
    text_width = width - 3 * margin - qr_size
    bottom = draw_paragraph(
        canvas, invitation, margin, band - margin, text_width, style(band * 0.13, bold=True)
    )
    draw_paragraph(
        canvas,
        branding.join_url,
        margin,
        bottom - band * 0.05,
        text_width,
        style(band * 0.085, wordWrap="CJK"),
    )


def pdf_bytes(draw, pagesize, title: str, branding: Branding) -> bytes:
    output = io.BytesIO()
    canvas = pdf_canvas(output, pagesize=pagesize)
    canvas.setTitle(title)
    canvas.setAuthor(branding.portal_name)
    draw(canvas)
    canvas.save()
    return output.getvalue()


# --- PNG drawing -------------------------------------------------------------------------------


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


def png_logo(branding: Branding, size: int) -> Image.Image | None:
    if not branding.logo_path:
        return None
    with Image.open(branding.logo_path) as logo:
        logo = logo.convert("RGBA")
        logo.thumbnail((size, size))
        tile = Image.new("RGBA", (size, size), "white")
        tile.alpha_composite(logo, ((size - logo.width) // 2, (size - logo.height) // 2))
        return tile


def png_bytes(image: Image.Image) -> bytes:
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()

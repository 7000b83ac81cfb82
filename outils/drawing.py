"""The PDF drawing the toolbox's documents share (outils/documents.py): fonts, paragraphs, the
portal's band and the sign-up footer with its QR code (reportlab, segno)."""

import io
import os
from functools import partial

import segno
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from heurecivique.pictures import FONT_DIR
from territories.branding import Branding

FONT, BOLD = "Vera", "VeraBd"
pdfmetrics.registerFont(TTFont(FONT, os.path.join(FONT_DIR, "Vera.ttf")))
pdfmetrics.registerFont(TTFont(BOLD, os.path.join(FONT_DIR, "VeraBd.ttf")))
# So that <b> in a paragraph (a press release's lead, a letter's signatory) is bold indeed.
pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
INK = colors.HexColor("#161616")

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


class Column:
    """Paragraphs drawn one under the other from a top edge, at one left edge and width;
    `top` follows the bottom of the last one."""

    def __init__(self, canvas, x: float, top: float, width: float):
        self.canvas, self.x, self.top, self.width = canvas, x, top, width

    def write(self, text, style, *, gap: float = 0, indent: float = 0, width=None) -> None:
        """A paragraph `gap` under the previous one (`indent` further right, `width` wide)."""
        self.top = draw_paragraph(
            self.canvas, text, self.x + indent, self.top - gap, width or self.width, style
        )


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
    column = Column(canvas, margin, band - margin, width - 3 * margin - qr_size)
    column.write(invitation, style(band * 0.13, bold=True))
    column.write(branding.join_url, style(band * 0.085, wordWrap="CJK"), gap=band * 0.05)


def pdf_bytes(draw, pagesize, title: str, branding: Branding) -> bytes:
    output = io.BytesIO()
    canvas = pdf_canvas(output, pagesize=pagesize)
    canvas.setTitle(title)
    canvas.setAuthor(branding.portal_name)
    draw(canvas)
    canvas.save()
    return output.getvalue()

"""The documents of the toolbox, generated in the colours of each portal (territories/branding.py).

Each function draws one document for a Branding and returns its bytes; TEMPLATES, at the end,
lists them under the key a Resource names.
"""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.text import capfirst
from PIL import Image, ImageDraw
from reportlab.lib import colors
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.units import cm
from reportlab.platypus import (
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from heurecivique.pictures import png_bytes, png_font, png_lines, png_logo, png_qr
from territories import places
from territories.branding import Branding

from .drawing import (
    BOLD,
    FONT,
    INK,
    Column,
    draw_header,
    draw_join_footer,
    draw_qr,
    pdf_bytes,
    style,
)


def _where(branding: Branding) -> str:
    """« dans le Loiret », « en Gironde », « à Orléans »; the national portal's documents are
    for any commune."""
    return branding.place.in_ if branding.place else "près de chez vous"


# --- Posters -----------------------------------------------------------------------------------


def _poster(branding, pagesize, kicker, title, lead, points, invitation, write_in=()):
    """A poster: the portal's band, a big title, a few points, lines to fill, the QR code."""
    width, height = pagesize
    scale = width / A4[0]
    margin = 1.6 * cm * scale

    def draw(canvas):
        draw_header(canvas, branding, width, height, 3.2 * cm * scale)
        column = Column(canvas, margin, height - 4.4 * cm * scale, width - 2 * margin)
        column.write(kicker, style(14 * scale, bold=True, color=branding.primary))
        column.write(title, style(34 * scale, bold=True, leading=38 * scale), gap=0.3 * cm * scale)
        column.write(lead, style(16 * scale, leading=21 * scale), gap=0.5 * cm * scale)
        column.top -= 0.5 * cm * scale
        for point in points:
            canvas.setFillColor(branding.primary)
            bullet_y = column.top - 0.3 * cm * scale
            canvas.circle(margin + 0.2 * cm * scale, bullet_y, 0.12 * cm * scale, stroke=0, fill=1)
            column.write(
                point,
                style(15 * scale, leading=20 * scale),
                indent=0.7 * cm * scale,
                width=width - 2.7 * margin,
            )
            column.top -= 0.3 * cm * scale
        canvas.setStrokeColor(colors.HexColor("#767676"))
        canvas.setFillColor(INK)
        top = column.top
        for label in write_in:
            top -= 1.1 * cm * scale
            canvas.setFont(FONT, 12 * scale)
            canvas.drawString(margin, top, label)
            start = margin + canvas.stringWidth(label, FONT, 12 * scale) + 0.3 * cm
            canvas.setDash(1, 2)
            canvas.line(start, top - 2, width - margin, top - 2)
            canvas.setDash()
        draw_join_footer(canvas, branding, width, 5 * cm * scale, invitation)

    return pdf_bytes(draw, pagesize, title, branding)


LAUNCH = {
    "kicker": "Appel à la Mobilisation Solidaire",
    "title": "Donnez une heure par mois à vos voisins",
    "points": [
        "Faire les courses d'une voisine âgée, passer un coup de fil à une personne seule, "
        "aider à remplir un formulaire en ligne, nettoyer le square…",
        "Une heure par mois, quand vous voulez : c'est à la portée de chacun.",
        "Des idées, des conseils et un rappel chaque mois pour ne pas oublier.",
    ],
    "invitation": "Je donne mon heure : inscription en une minute",
}


def launch_poster(branding: Branding) -> bytes:
    lead = (
        f"L'Heure Civique arrive {_where(branding)}. Chaque habitant est invité à consacrer "
        "60 minutes par mois à un geste de solidarité près de chez lui."
    )
    return _poster(branding, A4, lead=lead, **LAUNCH)


def launch_poster_a3(branding: Branding) -> bytes:
    lead = (
        f"L'Heure Civique arrive {_where(branding)}. Chaque habitant est invité à consacrer "
        "60 minutes par mois à un geste de solidarité près de chez lui."
    )
    return _poster(branding, A3, lead=lead, **LAUNCH)


def mutual_aid_poster(branding: Branding) -> bytes:
    return _poster(
        branding,
        A4,
        kicker="Entraide de crise",
        title="Et si on s'organisait entre voisins ?",
        lead="Quand une épidémie, une canicule ou une inondation isole les plus fragiles, "
        "l'aide la plus rapide est celle du palier d'à côté. Faisons-nous connaître.",
        points=[
            "Je peux faire des courses, aller à la pharmacie, sortir un chien, "
            "passer un appel, prêter un outil.",
            "Je laisse mon prénom et un moyen de me joindre ci-dessous.",
        ],
        invitation="Rejoignez les voisins solidaires de votre commune",
        write_in=("Mon prénom :", "Mon logement :", "Je peux aider pour :", "Me joindre :"),
    )


def christmas_poster(branding: Branding) -> bytes:
    return _poster(
        branding,
        A4,
        kicker="Le Noël des Voisins",
        title="Et si on fêtait Noël entre voisins ?",
        lead="Un goûter, un chocolat chaud, quelques décorations : invitons ceux qui "
        "passeraient les fêtes seuls. Chacun apporte ce qu'il veut, même un simple sourire.",
        points=["Petits et grands sont les bienvenus.", "Pensez au voisin du dessus."],
        invitation="Donnez une heure par mois à vos voisins, toute l'année",
        write_in=("Le :", "À :", "Où :", "Contact :"),
    )


def _two_a5(branding, title, draw_half) -> bytes:
    """Two A5 pieces on an A4 sheet, to cut along the dotted line."""
    width, height = A4

    def draw(canvas):
        for offset in (height / 2, 0):
            canvas.saveState()
            canvas.translate(0, offset)
            draw_half(canvas, width, height / 2)
            canvas.restoreState()
        canvas.setDash(3, 3)
        canvas.setStrokeColor(colors.HexColor("#767676"))
        canvas.line(0, height / 2, width, height / 2)
        canvas.setDash()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(INK)
        canvas.drawString(0.5 * cm, height / 2 + 3, "à découper")

    return pdf_bytes(draw, A4, title, branding)


def door_notice(branding: Branding) -> bytes:
    def half(canvas, width, height):
        margin = 1.2 * cm
        draw_header(canvas, branding, width, height, 2.2 * cm)
        column = Column(canvas, margin, height - 2.9 * cm, width - 2 * margin)
        column.write("Besoin d'un coup de main ?", style(22, bold=True))
        column.write(
            "J'habite tout près et je peux vous aider : courses, pharmacie, courrier, "
            "un appel pour prendre des nouvelles. N'hésitez pas à me contacter, avec plaisir.",
            style(11.5, leading=15),
            gap=0.3 * cm,
            width=width - 2 * margin - 3.6 * cm,
        )
        canvas.setFont(FONT, 11)
        canvas.setFillColor(INK)
        top = column.top
        for label in ("Prénom :", "Logement :", "Téléphone :"):
            top -= 0.9 * cm
            canvas.drawString(margin, top, label)
            canvas.setDash(1, 2)
            canvas.line(margin + 2.4 * cm, top - 2, width - margin - 3.6 * cm, top - 2)
            canvas.setDash()
        draw_qr(canvas, branding.join_url, width - margin - 3.2 * cm, 1.2 * cm, 3.2 * cm)
        canvas.setFont(FONT, 7.5)
        canvas.drawString(margin, 0.9 * cm, f"Un geste de l'Heure Civique · {branding.site_label}")

    return _two_a5(branding, "Besoin d'un coup de main ?", half)


def christmas_invitation(branding: Branding) -> bytes:
    def half(canvas, width, height):
        margin = 1.2 * cm
        canvas.setFillColor(branding.secondary)
        canvas.rect(0, 0, width, height, stroke=0, fill=1)
        draw_header(canvas, branding, width, height, 2.2 * cm)
        column = Column(canvas, margin, height - 3 * cm, width - 2 * margin)
        column.write("Vous êtes invités au Noël des Voisins !", style(22, bold=True))
        column.write(
            "Un moment chaleureux pour se retrouver entre voisins avant les fêtes. "
            "Venez comme vous êtes ; si vous le souhaitez, apportez un gâteau ou une boisson.",
            style(12, leading=16),
            gap=0.3 * cm,
        )
        canvas.setFont(FONT, 12)
        canvas.setFillColor(INK)
        top = column.top
        for label in ("Le :", "À :", "Où :"):
            top -= 1 * cm
            canvas.drawString(margin, top, label)
            canvas.setDash(1, 2)
            canvas.line(margin + 1.2 * cm, top - 2, width - margin, top - 2)
            canvas.setDash()

    return _two_a5(branding, "Invitation au Noël des Voisins", half)


def neighbour_directory(branding: Branding) -> bytes:
    width, height = landscape(A4)

    def draw(canvas):
        margin = 1.2 * cm
        draw_header(canvas, branding, width, height, 2.4 * cm)
        column = Column(canvas, margin, height - 3.1 * cm, width - 2 * margin)
        column.write("Annuaire des voisins solidaires", style(20, bold=True))
        column.write(
            "Chacun inscrit ce qu'il peut offrir, s'il le souhaite, et peut rayer sa ligne à tout "
            "moment. Cette feuille reste dans l'immeuble : ne la diffusez pas ailleurs.",
            style(10.5),
            gap=0.2 * cm,
        )
        header = ["Prénom", "Logement", "Je peux aider pour…", "Me joindre"]
        table = Table(
            [header] + [[""] * 4 for _ in range(11)],
            colWidths=[4.5 * cm, 3.5 * cm, 11.5 * cm, 6 * cm],
            rowHeights=[0.8 * cm] + [1 * cm] * 11,
        )
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), branding.primary),
                    ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                    ("FONTNAME", (0, 0), (-1, 0), BOLD),
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#767676")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        _w, table_height = table.wrapOn(canvas, width, height)
        table.drawOn(canvas, margin, column.top - 0.4 * cm - table_height)
        canvas.setFont(FONT, 8)
        canvas.setFillColor(INK)
        canvas.drawString(margin, 0.7 * cm, f"{branding.portal_name} · {branding.join_url}")

    return pdf_bytes(draw, (width, height), "Annuaire des voisins solidaires", branding)


# --- Text documents ----------------------------------------------------------------------------


def _document(branding: Branding, title: str, blocks: list) -> bytes:
    """A text document (guide, letter, charter…) on pages headed with the portal's band."""
    width, height = A4
    body = style(10.5, leading=15, spaceAfter=6)
    heading = style(14, bold=True, color=branding.primary, spaceBefore=10, spaceAfter=4)
    flowables = [Paragraph(title, style(22, bold=True, leading=27, spaceAfter=12))]
    for block in blocks:
        if isinstance(block, list):
            flowables.append(
                ListFlowable(
                    [ListItem(Paragraph(item, body), leftIndent=12) for item in block],
                    bulletType="bullet",
                    bulletColor=branding.primary,
                    leftIndent=12,
                )
            )
        elif block.startswith("## "):
            flowables.append(Paragraph(block[3:], heading))
        elif block == "---":
            flowables.append(Spacer(1, 0.6 * cm))
        else:
            flowables.append(Paragraph(block, body))

    def decorate(canvas, document):
        draw_header(canvas, branding, width, height, 2.2 * cm)
        canvas.setFont(FONT, 8)
        canvas.setFillColor(INK)
        canvas.drawString(2 * cm, 1.1 * cm, f"{branding.portal_name} · {branding.site_label}")
        canvas.drawRightString(width - 2 * cm, 1.1 * cm, f"page {document.page}")

    output = io.BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=A4,
        title=title,
        author=branding.portal_name,
        topMargin=3.2 * cm,
        bottomMargin=2 * cm,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        invariant=1,  # the same inputs give the same bytes
    )
    document.build(flowables, onFirstPage=decorate, onLaterPages=decorate)
    return output.getvalue()


def launch_guide(branding: Branding) -> bytes:
    return _document(
        branding,
        "Lancer l'Heure Civique dans sa commune",
        [
            "L'Heure Civique propose à chaque habitant de donner 60 minutes par mois à une action "
            "de solidarité près de chez lui. La mairie, avec son CCAS, en est le point d'appui : "
            "elle lance l'appel, équipe les volontaires et les accompagne toute l'année. Ce guide "
            "rassemble les étapes qui ont fait leurs preuves.",
            "## 1. Porter l'appel",
            "Le maire et son conseil signent l'Appel à la Mobilisation Solidaire et l'annoncent "
            "publiquement : conseil municipal, bulletin, réseaux sociaux, presse locale. Un élu "
            "référent suit le programme avec le CCAS.",
            "## 2. Préparer l'accueil des volontaires",
            [
                "Désigner un agent qui répondra aux questions et animera le programme.",
                "Repérer avec le CCAS les besoins du territoire : personnes isolées, familles, "
                "associations qui manquent de bras.",
                "Définir, si vous le souhaitez, la liste des quartiers proposée aux volontaires.",
            ],
            "## 3. Faire connaître l'Heure Civique",
            [
                "Afficher les affiches à vos couleurs : mairie, commerces, écoles, halls "
                "d'immeubles. Leur code QR mène directement à l'inscription sur "
                f"{branding.site_label}.",
                "Envoyer la lettre aux habitants avec le bulletin municipal.",
                "Diffuser le communiqué de presse et les visuels pour les réseaux sociaux.",
            ],
            "## 4. Accompagner toute l'année",
            [
                "Chaque volontaire reçoit un rappel mensuel et des idées de gestes adaptées à la "
                "saison.",
                "Les agents voient, dans l'espace d'administration, les volontaires de la commune "
                "qui ont accepté d'être contactés, et peuvent les solliciter pour une action.",
                "Valorisez les initiatives : un article dans le bulletin, une rencontre annuelle, "
                "le Noël des Voisins.",
            ],
            "## 5. Mesurer et remercier",
            "Le tableau de bord du portail indique le nombre de volontaires, d'heures données et "
            "de communes engagées. Partagez ces chiffres : ils encouragent ceux qui hésitent "
            "encore. Et dites merci, souvent.",
        ],
    )


def _letter(branding: Branding) -> list[str]:
    """The letter to residents, in plain text: signed by whoever speaks for the portal (the
    mayor, the department), which is said in the territory's settings."""
    # A department or the national team writes to residents of many communes.
    department = branding.kind != "commune"
    mairie = "votre mairie" if department else "la mairie"
    where = branding.place.in_ if branding.place else "partout en France"
    return [
        f"Nous lançons l'Heure Civique {where}, et nous avons besoin de vous.",
        "Le principe est simple : donner une heure par mois pour une action de solidarité "
        "près de chez soi. Faire les courses d'une voisine âgée, appeler une personne qui vit "
        "seule, aider un voisin à remplir un dossier en ligne, participer au nettoyage du "
        "square… Chacun choisit son geste, à son rythme.",
        "Cette heure, beaucoup d'entre vous la donnent déjà sans le dire. L'Heure Civique "
        "veut la rendre visible, l'encourager et permettre à ceux qui n'osent pas de franchir "
        f"le pas. Avec {'les mairies et leurs CCAS' if department else 'la mairie et son CCAS'}, "
        "nous accompagnerons chaque volontaire : des idées de gestes, un rappel chaque mois, "
        "des moments pour se retrouver.",
        f"Pour vous inscrire, il suffit d'une minute sur {branding.join_url}, ou d'un passage "
        f"à l'accueil de {mairie}.",
        "Une heure par mois, c'est peu. Mais si nous sommes nombreux à la donner, elle "
        f"changera la vie de {'nos quartiers' if department else 'notre quartier'}.",
    ]


LETTER_TITLE = "Madame, Monsieur, chers voisins,"


def letter_to_residents(branding: Branding) -> bytes:
    return _document(
        branding,
        LETTER_TITLE,
        [escape(line) for line in _letter(branding)]
        + ["---", "Avec nos sentiments dévoués,"]
        + [f"<b>{escape(line)}</b>" for line in branding.signatory],
    )


ODT_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'office:version="1.3"'
)


def _odt_style(name: str, background: str, color: str, bold: bool, size: str) -> str:
    weight = ' fo:font-weight="bold"' if bold else ""
    paragraph = (
        f'<style:paragraph-properties fo:background-color="{background}" fo:padding="0.3cm" '
        'fo:margin-bottom="0.4cm"/>'
        if background
        else '<style:paragraph-properties fo:margin-bottom="0.3cm"/>'
    )
    return (
        f'<style:style style:name="{name}" style:family="paragraph">{paragraph}'
        f'<style:text-properties fo:color="{color}" fo:font-size="{size}"{weight}/>'
        "</style:style>"
    )


def odt_bytes(branding: Branding, paragraphs: list[tuple[str, str]]) -> bytes:
    """An OpenDocument text (the smallest valid one: mimetype, manifest, content), its band
    and footer in the portal's colours; `paragraphs` are (style, text), the styles being
    Band, Title, Body, Strong and Footer."""
    styles = "".join(
        [
            _odt_style("Band", branding.primary_color, "#ffffff", True, "16pt"),
            _odt_style("Title", "", branding.primary_color, True, "14pt"),
            _odt_style("Body", "", "#161616", False, "11pt"),
            _odt_style("Strong", "", "#161616", True, "11pt"),
            _odt_style("Footer", branding.secondary_color, "#161616", False, "10pt"),
        ]
    )
    body = "".join(
        f'<text:p text:style-name="{name}">{escape(text)}</text:p>' for name, text in paragraphs
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODT_NAMESPACES}>'
        f"<office:automatic-styles>{styles}</office:automatic-styles>"
        f"<office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.3"'
        ' manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")  # stored first
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return output.getvalue()


def editable_letter(branding: Branding) -> bytes:
    """The letter to residents for the mairie to adapt in its office suite, with the portal's
    name, colours and address."""
    return odt_bytes(
        branding,
        [("Band", branding.portal_name), ("Title", LETTER_TITLE)]
        + [("Body", line) for line in _letter(branding)]
        + [("Body", "Avec nos sentiments dévoués,")]
        + [("Strong", line) for line in branding.signatory]
        + [("Footer", f"Inscription en une minute : {branding.join_url}")],
    )


def _press_contact(branding: Branding) -> list[str]:
    """The contact the territory's staff entered, else its communication department."""
    if branding.press_contact.strip():
        return [line.strip() for line in branding.press_contact.splitlines() if line.strip()]
    if branding.place:
        return [f"Service communication {places.of(branding.authority)}", branding.site_label]
    return ["L'équipe nationale de L'Heure Civique", branding.site_label]


def press_release(branding: Branding) -> bytes:
    if branding.place:
        lead = f"{capfirst(branding.authority)} s'engage dans"
    else:
        lead = "Partout en France, des communes et des départements s'engagent dans"
    return _document(
        branding,
        "Communiqué de presse : l'Heure Civique, une heure par mois pour ses voisins",
        [
            f"<b>{escape(lead)} l'Heure Civique, un programme de solidarité de proximité porté "
            "par les élus locaux.</b>",
            "Isolement des personnes âgées, essoufflement du bénévolat, lien social fragilisé : "
            "les élus signataires de l'Appel à la Mobilisation Solidaire font le pari de la "
            "générosité des habitants. Leur proposition tient en une phrase : donner une heure "
            "par mois à une action de solidarité près de chez soi.",
            "## Comment ça marche ?",
            [
                f"Les habitants s'inscrivent en une minute sur {branding.site_label}.",
                "Ils choisissent un geste parmi une centaine d'idées : courses, visites, aide "
                "numérique, nettoyage du quartier, coups de main aux associations.",
                "Chaque mois, un rappel les invite à donner leur heure et à la noter.",
            ],
            "## Le rôle des collectivités",
            "La mairie et son CCAS animent le programme : ils font connaître l'Heure Civique, "
            "orientent les volontaires vers les besoins du territoire et valorisent les "
            "initiatives. Le département coordonne et fournit les outils de communication.",
            "## Contact presse",
            "<br/>".join(escape(line) for line in _press_contact(branding)),
        ],
    )


def volunteer_charter(branding: Branding) -> bytes:
    return _document(
        branding,
        "Charte de l'Heure Civique",
        [
            "Cette charte rappelle l'esprit de l'Heure Civique et les engagements réciproques de "
            "la mairie et des habitants qui donnent une heure par mois.",
            "## Le volontaire s'engage à",
            [
                "agir avec bienveillance et discrétion, dans le respect des personnes aidées, de "
                "leurs choix et de leur vie privée ;",
                "ne recevoir aucune rémunération, aucun don ni aucune procuration ;",
                "ne pas se substituer aux professionnels (soins, aide à domicile, services "
                "sociaux) et signaler à la mairie ou au CCAS une situation préoccupante ;",
                "prévenir s'il ne peut plus tenir un engagement pris auprès d'une personne.",
            ],
            "## La mairie s'engage à",
            [
                "accueillir, informer et orienter les volontaires ;",
                "proposer des gestes adaptés aux besoins du territoire ;",
                "n'utiliser les coordonnées des volontaires qu'avec leur accord et pour le seul "
                "programme ;",
                "valoriser l'engagement des volontaires et les remercier.",
            ],
            "## Chacun peut s'arrêter",
            "L'engagement est libre : le volontaire peut faire une pause ou arrêter à tout moment, "
            "sans avoir à se justifier.",
            "---",
            "Fait à ………………………………, le ……………………",
            "Le volontaire                                        Pour la mairie",
        ],
    )


# --- Social-network visuals (PNG) --------------------------------------------------------------


def _visual(branding: Branding, size: tuple[int, int], title: str, subtitle: str) -> bytes:
    width, height = size
    image = Image.new("RGB", size, branding.primary_color)
    draw = ImageDraw.Draw(image)
    margin = height // 12
    band = height // 4
    draw.rectangle((0, height - band, width, height), fill=branding.secondary_color)

    logo = png_logo(branding.logo_path, band - margin)
    left = margin
    if logo is not None:
        image.paste(logo.convert("RGB"), (margin, margin))
        left = margin * 2 + logo.width
    name_font = png_font(max(18, height // 18), bold=True)
    draw.text((left, margin), "L'Heure Civique", font=name_font, fill="white")
    if branding.territory_name:
        # A long commune name gets smaller, then wraps; it never runs off the image.
        room, size = width - left - margin, max(14, height // 24)
        while size > 12 and draw.textlength(branding.territory_name, font=png_font(size)) > room:
            size -= 1
        place = png_font(size)
        top = margin + int(name_font.size * 1.3)
        for line in png_lines(draw, branding.territory_name, place, room)[:2]:
            draw.text((left, top), line, font=place, fill="white")
            top += int(size * 1.2)

    title_font = png_font(max(24, height // 10), bold=True)
    lines = png_lines(draw, title, title_font, width - 2 * margin - (band if width > height else 0))
    top = margin * 2 + band // 2
    for line in lines:
        draw.text((margin, top), line, font=title_font, fill="white")
        top += int(title_font.size * 1.15)

    qr_size = band - margin
    qr_position = (width - margin - qr_size, height - band + margin // 2)
    image.paste(png_qr(branding.join_url, qr_size), qr_position)
    small = png_font(max(14, height // 26), bold=True)
    text_top = height - band + margin // 2
    for line in png_lines(draw, subtitle, small, width - 3 * margin - qr_size):
        draw.text((margin, text_top), line, font=small, fill="#161616")
        text_top += int(small.size * 1.25)
    site_font = png_font(max(12, height // 30))
    draw.text(
        (margin, text_top + small.size // 3), branding.site_label, font=site_font, fill="#161616"
    )
    return png_bytes(image)


def social_square(branding: Branding) -> bytes:
    title = "Donnez une heure par mois à vos voisins"
    return _visual(branding, (1080, 1080), title, "Inscription en une minute :")


def banner(branding: Branding) -> bytes:
    return _visual(
        branding, (1500, 500), "Une heure par mois pour vos voisins", "Je donne mon heure :"
    )


# --- The registry ------------------------------------------------------------------------------


# --- Crisis kits (the crisis mode of mobilisation puts them first while a crisis runs) ----------

# Per kind of crisis: the sheet « que faire », and the poster for the hall of a building.
CRISES = {
    "canicule": {
        "sheet_title": "Canicule : que faire, pour soi et pour ses voisins",
        "intro": "Une canicule, c'est plusieurs jours et plusieurs nuits de forte chaleur. Le "
        "corps s'épuise à se refroidir : les personnes âgées, les bébés, les malades et ceux qui "
        "vivent seuls sont en danger, souvent sans s'en rendre compte. Un appel ou une visite "
        "chaque jour peut sauver une vie.",
        "sections": [
            (
                "Pour soi",
                [
                    "Boire régulièrement de l'eau sans attendre d'avoir soif ; pas d'alcool.",
                    "Se mouiller le corps et se ventiler ; manger en quantité suffisante.",
                    "Fermer volets et fenêtres le jour, aérer la nuit quand l'air est plus frais.",
                    "Éviter de sortir et de faire des efforts aux heures les plus chaudes (11 h "
                    "– 21 h) ; passer quelques heures dans un lieu frais (médiathèque, "
                    "supermarché, salle rafraîchie de la mairie).",
                ],
            ),
            (
                "Pour ses voisins",
                [
                    "Appeler ou passer voir chaque jour une personne âgée, isolée ou malade : "
                    "a-t-elle bu ? son logement est-il frais ? a-t-elle besoin de quelque chose ?",
                    "Faire ses courses tôt le matin, lui rapporter des bouteilles d'eau, aller "
                    "chercher ses médicaments.",
                    "L'aider à fermer ses volets, à installer un ventilateur, à se rafraîchir.",
                    "Lui proposer de s'inscrire sur le registre des personnes vulnérables de la "
                    "mairie : le CCAS l'appellera pendant chaque alerte.",
                ],
            ),
            (
                "Les signes qui doivent alerter",
                [
                    "Crampes, fatigue inhabituelle, maux de tête, fièvre, nausées.",
                    "Propos incohérents, somnolence, perte d'équilibre, peau chaude et sèche : "
                    "c'est un coup de chaleur. Appelez le\u00a015, mettez la personne au frais, "
                    "mouillez-la et faites-la boire si elle est consciente.",
                ],
            ),
        ],
        "numbers": "Urgence : 15 (SAMU) ou 112 · Canicule info service : 0 800 06 66 66 "
        "(appel gratuit) · Personnes sourdes ou malentendantes : 114 (SMS).",
        "poster_title": "Canicule : veillons sur nos voisins",
        "poster_lead": "Pendant les fortes chaleurs, les plus fragiles se déshydratent sans s'en "
        "rendre compte. Un appel ou une visite par jour, c'est une vie protégée.",
        "poster_points": [
            "J'appelle ou je passe voir chaque jour un voisin âgé ou isolé.",
            "Je propose des courses aux heures fraîches et je rapporte de l'eau.",
            "Volets fermés le jour, fenêtres ouvertes la nuit ; on boit sans attendre la soif.",
            "Une personne confuse, brûlante, qui ne boit plus : j'appelle le\u00a015.",
        ],
    },
    "grand-froid": {
        "sheet_title": "Grand froid : que faire, pour soi et pour ses voisins",
        "intro": "Quand les températures restent négatives plusieurs jours, le froid fatigue le "
        "cœur et les poumons, les chutes sur le verglas se multiplient et les logements mal "
        "chauffés deviennent dangereux. Les personnes âgées, isolées, malades et celles qui "
        "vivent à la rue ont besoin de leurs voisins.",
        "sections": [
            (
                "Pour soi",
                [
                    "Se couvrir en plusieurs couches, la tête, les mains et les pieds compris ; "
                    "limiter les efforts dehors.",
                    "Chauffer son logement sans le surchauffer (19 °C) et l'aérer chaque jour "
                    "quelques minutes.",
                    "Ne jamais utiliser en continu un chauffage d'appoint à combustion, ni un "
                    "four, un barbecue ou un groupe électrogène à l'intérieur : le monoxyde de "
                    "carbone tue sans prévenir.",
                ],
            ),
            (
                "Pour ses voisins",
                [
                    "Prendre des nouvelles chaque jour d'une personne âgée ou isolée : son "
                    "logement est-il chauffé ? mange-t-elle chaud ?",
                    "Faire ses courses, aller à la pharmacie pour elle, pour lui éviter les "
                    "trottoirs gelés.",
                    "Déneiger ou saler l'entrée de son immeuble ou de sa maison.",
                    "Lui proposer de s'inscrire sur le registre des personnes vulnérables de la "
                    "mairie.",
                ],
            ),
            (
                "Les signes qui doivent alerter",
                [
                    "Maux de tête, nausées et vertiges chez plusieurs personnes d'un même "
                    "logement : sortez, aérez, appelez le\u00a018 ou le\u00a0112 (monoxyde de "
                    "carbone).",
                    "Une personne engourdie, qui frissonne fort ou ne frissonne plus, confuse : "
                    "appelez le\u00a015.",
                    "Une personne à la rue qui semble en difficulté : appelez le\u00a0115.",
                ],
            ),
        ],
        "numbers": "Urgence : 15 (SAMU), 18 (pompiers) ou 112 · Sans-abri : 115 · Personnes "
        "sourdes ou malentendantes : 114 (SMS).",
        "poster_title": "Grand froid : ne laissons personne seul",
        "poster_lead": "Quand il gèle, un voisin âgé peut rester des jours sans sortir, dans un "
        "logement trop froid. Prenons de ses nouvelles.",
        "poster_points": [
            "Je prends des nouvelles chaque jour d'un voisin âgé ou isolé.",
            "Je propose de faire ses courses ou d'aller à la pharmacie.",
            "Je déneige ou je sale l'entrée commune.",
            "Une personne à la rue en difficulté : j'appelle le\u00a0115.",
        ],
    },
    "inondation": {
        "sheet_title": "Inondation : que faire, pour soi et pour ses voisins",
        "intro": "Une crue peut monter en quelques heures. Les consignes des autorités passent "
        "avant tout : ce document aide à s'y préparer, à protéger les plus fragiles et à "
        "s'entraider une fois l'eau retirée.",
        "sections": [
            (
                "Avant et pendant la crue",
                [
                    "Suivre les consignes de la mairie et de la préfecture, et la vigilance "
                    "crues (vigicrues.gouv.fr) ; écouter la radio locale.",
                    "Préparer un sac : papiers, médicaments, lampe et radio à piles, eau, "
                    "vêtements chauds, chargeur.",
                    "Monter à l'étage ce qui peut l'être ; couper l'électricité et le gaz si "
                    "l'eau approche.",
                    "Ne jamais s'engager à pied ou en voiture sur une route inondée ; ne pas "
                    "aller chercher ses enfants à l'école : l'école s'en occupe.",
                ],
            ),
            (
                "Pour ses voisins",
                [
                    "Prévenir les personnes âgées, malades ou sans voiture de l'alerte, et les "
                    "aider à monter leurs affaires.",
                    "Signaler à la mairie une personne qui ne peut pas partir seule.",
                    "Proposer un toit, un repas ou une douche à un voisin sinistré.",
                ],
            ),
            (
                "Après la crue",
                [
                    "Attendre l'autorisation avant de rentrer ; ne pas rétablir l'électricité "
                    "sur une installation mouillée.",
                    "Aider à vider, nettoyer et sécher, avec gants et bottes.",
                    "Photographier les dégâts avant de jeter ; aider un voisin à faire sa "
                    "déclaration d'assurance.",
                ],
            ),
        ],
        "numbers": "En danger : 112 ou 18 (pompiers) · Urgence médicale : 15 · Personnes "
        "sourdes ou malentendantes : 114 (SMS).",
        "poster_title": "Inondation : entraidons-nous",
        "poster_lead": "Quand l'eau monte, les plus fragiles ne peuvent pas toujours partir ni "
        "protéger leurs affaires seuls. Faisons-nous connaître.",
        "poster_points": [
            "Je suis les consignes de la mairie et de la préfecture.",
            "Je préviens mes voisins fragiles et je les aide à monter leurs affaires.",
            "Jamais à pied ni en voiture sur une route inondée.",
            "Après la crue : un coup de main pour vider, nettoyer, déclarer.",
        ],
    },
    "epidemie": {
        "sheet_title": "Épidémie : que faire, pour soi et pour ses voisins",
        "intro": "Pendant une épidémie, les personnes malades, âgées ou fragiles doivent "
        "limiter leurs sorties, et l'isolement devient un danger à son tour. L'entraide entre "
        "voisins, en respectant les gestes barrières, permet à chacun de tenir.",
        "sections": [
            (
                "Pour soi",
                [
                    "Se laver les mains souvent, à l'eau et au savon ou avec une solution "
                    "hydroalcoolique.",
                    "Tousser et éternuer dans son coude ; aérer son logement plusieurs fois "
                    "par jour.",
                    "Porter un masque si l'on est malade, et auprès des personnes fragiles.",
                    "Suivre les consignes des autorités de santé, qui peuvent changer.",
                ],
            ),
            (
                "Pour ses voisins",
                [
                    "Faire les courses ou aller à la pharmacie pour une personne malade ou "
                    "fragile, et déposer les sacs devant sa porte.",
                    "Téléphoner chaque jour à une personne seule : l'isolement pèse autant que "
                    "la maladie.",
                    "Sortir un chien, porter le courrier, aider à prendre un rendez-vous en ligne.",
                ],
            ),
            (
                "Les signes qui doivent alerter",
                [
                    "Difficulté à respirer, douleur dans la poitrine, confusion : appelez "
                    "le\u00a015.",
                    "Une personne seule qui ne répond plus : prévenez la mairie ou le\u00a017.",
                ],
            ),
        ],
        "numbers": "Urgence médicale : 15 ou 112 · Personnes sourdes ou malentendantes : 114 "
        "(SMS) · Votre médecin traitant pour un avis.",
        "poster_title": "Épidémie : restons solidaires",
        "poster_lead": "Les plus fragiles doivent rester chez eux. Les voisins peuvent les aider "
        "sans les exposer.",
        "poster_points": [
            "Je fais les courses ou la pharmacie d'un voisin et je dépose les sacs à sa porte.",
            "J'appelle chaque jour une personne seule.",
            "Mains lavées, logement aéré, masque si je suis malade.",
            "Difficulté à respirer : j'appelle le\u00a015.",
        ],
    },
    # Any other alert (a water cut, a storm, a fire nearby…): what helps whatever happens.
    "alerte": {
        "sheet_title": "En cas d'alerte : que faire, pour soi et pour ses voisins",
        "intro": "Coupure d'eau ou d'électricité, tempête, incendie, accident : quand une "
        "alerte touche la commune, les personnes âgées, malades ou isolées sont les premières "
        "en difficulté. Quelques gestes entre voisins suffisent souvent à les mettre à l'abri.",
        "sections": [
            (
                "Pour soi",
                [
                    "Suivre les consignes de la mairie et de la préfecture, à la radio, sur "
                    "leurs sites et sur les panneaux.",
                    "Garder à portée de main un téléphone chargé, une lampe, de l'eau et ses "
                    "médicaments.",
                    "Ne pas encombrer les lignes d'urgence pour demander des nouvelles.",
                ],
            ),
            (
                "Pour ses voisins",
                [
                    "Prendre des nouvelles des personnes âgées, malades ou isolées de son "
                    "immeuble ou de sa rue.",
                    "Leur transmettre les consignes, surtout à celles qui n'ont pas internet.",
                    "Proposer un coup de main : des courses, de l'eau, un trajet, un appel.",
                ],
            ),
            (
                "Les signes qui doivent alerter",
                [
                    "Une personne en danger, blessée ou qui ne répond plus : appelez le\u00a0112.",
                    "Une personne fragile en difficulté : prévenez la mairie ou le CCAS.",
                ],
            ),
        ],
        "numbers": "Urgences : 112 · SAMU : 15 · Pompiers : 18 · Police : 17 · Personnes sourdes "
        "ou malentendantes : 114 (SMS).",
        "poster_title": "Alerte : veillons sur nos voisins",
        "poster_lead": "Les plus fragiles ont besoin qu'on pense à eux. L'aide la plus rapide est "
        "celle du palier d'à côté.",
        "poster_points": [
            "Je suis les consignes de la mairie et je les transmets à mes voisins.",
            "Je prends des nouvelles d'un voisin âgé ou isolé.",
            "Je propose un coup de main : courses, eau, trajet, appel.",
            "Une personne en danger : j'appelle le\u00a0112.",
        ],
    },
}


def _crisis_sheet(kind: str) -> Callable[[Branding], bytes]:
    crisis = CRISES[kind]

    def build(branding: Branding) -> bytes:
        blocks = [escape(crisis["intro"])]
        for heading, points in crisis["sections"]:
            blocks += [f"## {escape(heading)}", [escape(point) for point in points]]
        blocks += [
            "## Les numéros utiles",
            escape(crisis["numbers"]),
            "## Pour aider près de chez vous",
            escape(
                f"L'Heure Civique {_where(branding)} recense les voisins disponibles en cas "
                f"d'urgence : inscrivez-vous sur {branding.join_url} et cochez « je suis "
                "disponible en cas d'urgence » dans votre espace."
            ),
        ]
        return _document(branding, escape(crisis["sheet_title"]), blocks)

    return build


def _crisis_poster(kind: str) -> Callable[[Branding], bytes]:
    crisis = CRISES[kind]

    def build(branding: Branding) -> bytes:
        return _poster(
            branding,
            A4,
            kicker=f"Alerte {_where(branding)}",
            title=crisis["poster_title"],
            lead=crisis["poster_lead"],
            points=crisis["poster_points"],
            invitation="Disponible en cas d'urgence ? Inscrivez-vous",
        )

    return build


@dataclass(frozen=True)
class Template:
    key: str
    label: str
    format: str  # "pdf", "png" or "odt"
    build: Callable[[Branding], bytes]


# The documents a Resource can name (its `template`), in the order the admin offers them.
TEMPLATES: dict[str, Template] = {
    spec.key: spec
    for spec in [
        Template("affiche-lancement", "Affiche de lancement (A4)", "pdf", launch_poster),
        Template("affiche-lancement-a3", "Affiche de lancement (A3)", "pdf", launch_poster_a3),
        Template(
            "affiche-entraide",
            "Affiche « Et si on s'organisait entre voisins ? »",
            "pdf",
            mutual_aid_poster,
        ),
        Template("affiche-noel", "Affiche du Noël des Voisins", "pdf", christmas_poster),
        Template(
            "avis-de-porte", "Avis de porte « Besoin d'un coup de main ? »", "pdf", door_notice
        ),
        Template("invitation-noel", "Invitations au Noël des Voisins", "pdf", christmas_invitation),
        Template("annuaire-voisins", "Annuaire des voisins solidaires", "pdf", neighbour_directory),
        Template(
            "guide-lancement",
            "Guide « Lancer l'Heure Civique dans sa commune »",
            "pdf",
            launch_guide,
        ),
        Template("lettre-habitants", "Lettre type aux habitants", "pdf", letter_to_residents),
        Template(
            "lettre-habitants-modifiable",
            "Lettre aux habitants, à modifier (ODT)",
            "odt",
            editable_letter,
        ),
        Template("communique-presse", "Communiqué de presse", "pdf", press_release),
        Template(
            "charte-benevole", "Charte entre la mairie et le volontaire", "pdf", volunteer_charter
        ),
        Template("visuel-reseaux", "Visuel carré pour les réseaux sociaux", "png", social_square),
        Template("banniere", "Bannière pour un site ou une page", "png", banner),
        *[
            Template(f"fiche-{kind}", crisis["sheet_title"], "pdf", _crisis_sheet(kind))
            for kind, crisis in CRISES.items()
        ],
        *[
            Template(
                f"affiche-{kind}",
                f"Affiche « {crisis['poster_title']} »",
                "pdf",
                _crisis_poster(kind),
            )
            for kind, crisis in CRISES.items()
        ],
    ]
}

"""« Le bilan de l'Heure Civique »: the PDF a mairie or a department presents to its council for
a period, in the portal's colours with its logo — the key figures and their evolution in words,
hours month by month, missions done by kind, highlights (initiatives à la une, words volunteers
agreed to share, without a name) and the Appel's signatories of the territory.

Everything is read in a handful of queries whatever the size of the data: the figures from the
monthly aggregates (figures.months), the missions done by kind, the signatures and the
initiatives from their own small tables, the shared words from a partial index of the hours
(volunteers.CivicHour's « volunteers_hour_shared_note »), a few rows at most."""

import datetime
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape  # reportlab paragraphs read a little XML

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import capfirst
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from heurecivique.months import add_months, first_of_month, next_month
from heurecivique.text import long_date
from initiatives.models import Initiative
from missions.models import Mission
from mobilisation.models import Signature
from outils.drawing import BOLD, FONT, INK, draw_header, style
from territories.branding import Branding, branding_of
from territories.models import Territory
from volunteers.models import CivicHour, start_of_day

from .figures import Area, Month, definition, months
from .periods import Period

MAX_QUOTES = 3
MAX_INITIATIVES = 5
# A department's signatories fill a few pages; the nation's would fill a book: the list stops
# here and says how many more there are.
MAX_SIGNATORIES = 400
GREY = colors.HexColor("#6a6a6a")
LIGHT = colors.HexColor("#c9c9c9")
MONTH_ABBREVIATIONS = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
]  # fmt: skip


@dataclass(frozen=True)
class Figure:
    """A key figure of the period, of the period before and of the same period a year before."""

    name: str  # its key in figures.DEFINITIONS
    one: str  # « heure donnée »
    many: str  # « heures données »
    value: int
    before: int
    year_before: int

    @property
    def words(self) -> str:
        return f"{number(self.value)} {self.one if self.value < 2 else self.many}"


@dataclass(frozen=True)
class Bilan:
    """What the report says, read from the database."""

    territory: Territory
    place: object  # territories.places.Place
    period: Period
    figures: list[Figure]
    chart: list[Month]  # the 12 months before the period, then the period's
    missions_by_kind: list[tuple[str, int]]  # (label, count) for every kind
    initiatives: list[Initiative]
    quotes: list[tuple[datetime.date, str]]
    signatories: list[Signature]
    signatory_count: int

    @property
    def figure(self) -> dict[str, Figure]:
        return {figure.name: figure for figure in self.figures}

    @property
    def period_months(self) -> list[Month]:
        return [m for m in self.chart if m.month >= self.period.start]

    @property
    def hours(self) -> int:
        return self.figure["hours"].value

    @property
    def missions_done(self) -> int:
        return sum(count for _label, count in self.missions_by_kind)

    @property
    def quiet(self) -> bool:
        """Nothing happened: no hour, no mission done, nobody active or new."""
        hours, active, _engaged, new, missions, _signatures = self.figures
        return not (hours.value or active.value or new.value or missions.value)


def number(value: int) -> str:
    """« 12 345 », with a no-break space between thousands, as French prints it."""
    return f"{value:,}".replace(",", "\u00a0")


def compared_to(period: Period) -> str:
    """« au 2e trimestre 2026 », « à novembre 2026 », « à l'année 2025 », « à la période de
    mars à juin 2026 »: a period after « par rapport »."""
    label = period.label
    if label.startswith("le "):
        return f"au {label[3:]}"
    if label.startswith("de "):
        return f"à la période {label}"
    return f"à {label}"


def over(period: Period) -> str:
    """« sur le 3e trimestre 2026 », « sur la période de mars à juin 2026 »."""
    label = period.label
    return f"sur la période {label}" if label.startswith("de ") else f"sur {label}"


def evolution(value: int, then: int, period: Period) -> str:
    """How a figure moved since another period, in words: « en hausse de 25 % par rapport au
    2e trimestre 2026 (80) »."""
    against = f"par rapport {compared_to(period)} ({number(then)})"
    if value == then:
        return f"stable {against}"
    direction = "en hausse" if value > then else "en baisse"
    if not then:
        return f"{direction} {against}"
    change = round(abs(value - then) * 100 / then)
    if change == 0:
        return f"presque stable {against}"
    return f"{direction} de {number(change)} % {against}"


def collect(territory: Territory, period: Period) -> Bilan:
    area = Area.of_portal(territory)
    before, year_before = period.before(), period.year_before()
    chart_start = add_months(period.start, -12)
    first = min(before.start, year_before.start, chart_start)
    by_month = {m.month: m for m in months(area, first, period.end)}

    def of(p: Period) -> list[Month]:
        return [by_month[month] for month in p.months()]

    def summed(field):
        return [sum(getattr(m, field) for m in of(p)) for p in (period, before, year_before)]

    def averaged(field):
        return [round(sum(getattr(m, field) for m in of(p)) / p.month_count) for p in
                (period, before, year_before)]  # fmt: skip

    def at_end(field):
        return [getattr(of(p)[-1], field) for p in (period, before, year_before)]

    signatures = Signature.objects.shown().filter(area.q("commune", "department"))
    counted = signatures.aggregate(
        **{
            key: Count("pk", filter=Q(verified_at__isnull=True)
                       | Q(verified_at__lt=start_of_day(next_month(p.end))))
            for key, p in (("now", period), ("before", before), ("year", year_before))
        }
    )  # fmt: skip
    single = period.month_count == 1
    figures = [
        Figure("hours", "heure donnée", "heures données", *summed("hours")),
        Figure(
            "active" if single else "active_per_month",
            "volontaire actif" if single else "volontaire actif par mois, en moyenne",
            "volontaires actifs" if single else "volontaires actifs par mois, en moyenne",
            *averaged("active"),
        ),
        Figure(
            "engaged",
            "volontaire engagé à la fin de la période",
            "volontaires engagés à la fin de la période",
            *at_end("engaged"),
        ),
        Figure(
            "new_volunteers",
            "nouveau volontaire",
            "nouveaux volontaires",
            *summed("new_volunteers"),
        ),  # fmt: skip
        Figure("missions_done", "mission réalisée", "missions réalisées", *summed("missions_done")),
        Figure(
            "signatures",
            "signataire de l'Appel à la fin de la période",
            "signataires de l'Appel à la fin de la période",
            counted["now"],
            counted["before"],
            counted["year"],
        ),
    ]

    in_period = {
        "done_at__gte": start_of_day(period.start),
        "done_at__lt": start_of_day(next_month(period.end)),
    }
    done = dict(
        Mission.objects.filter(area.q(), status=Mission.Status.DONE, **in_period)
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    initiatives = list(
        Initiative.objects.published()
        .filter(area.q(), featured=True, published_at__lt=start_of_day(next_month(period.end)))
        .select_related("commune")
        .order_by("-published_at")[:MAX_INITIATIVES]
    )
    # The volunteer agreed to be quoted without a name: the words and the month, nothing else.
    quotes = list(
        CivicHour.objects.filter(
            area.q("volunteer__commune"),
            note_shareable=True,
            done_on__gte=period.start,
            done_on__lt=next_month(period.end),
        )
        .exclude(note="")
        .order_by("-done_on", "-created_at")
        .values_list("done_on", "note")[:MAX_QUOTES]
    )
    signatories = list(
        signatures.select_related("commune", "department").order_by(
            "last_name", "first_name", "pk"
        )[:MAX_SIGNATORIES]
    )
    return Bilan(
        territory=territory,
        place=area.place,
        period=period,
        figures=figures,
        chart=[by_month[m] for m in Period(chart_start, period.end).months()],
        missions_by_kind=[(kind.label, done.get(kind.value, 0)) for kind in Mission.Kind],
        initiatives=initiatives,
        quotes=quotes,
        signatories=signatories,
        signatory_count=signatures.count()
        if len(signatories) == MAX_SIGNATORIES
        else len(signatories),
    )


# --- Drawing --------------------------------------------------------------------------------


def _month_label(month: datetime.date, with_year: bool) -> str:
    name = MONTH_ABBREVIATIONS[month.month - 1]
    return f"{name} {month:%y}" if with_year else name


def hours_chart(bilan: Bilan, branding: Branding, width: float) -> Drawing:
    """Hours given month by month: the period in the portal's colour, the 12 months before it
    in grey, to compare with."""
    height = 6 * cm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 1.2 * cm, 1.1 * cm
    chart.width, chart.height = width - 1.6 * cm, height - 1.6 * cm
    chart.data = [[m.hours for m in bilan.chart]]
    chart.strokeColor = None
    chart.barSpacing = 1
    chart.groupSpacing = 2
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = LIGHT
    for index, month in enumerate(bilan.chart):
        if month.month >= bilan.period.start:
            chart.bars[(0, index)].fillColor = branding.primary
    every = 1 if len(bilan.chart) <= 16 else 3
    chart.categoryAxis.categoryNames = [
        _month_label(m.month, index == 0 or m.month.month == 1) if index % every == 0 else ""
        for index, m in enumerate(bilan.chart)
    ]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 45
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.categoryAxis.strokeColor = GREY
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda value: number(int(value))
    chart.valueAxis.strokeColor = GREY
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e6e6e6")
    chart.valueAxis.forceZero = True
    if max(chart.data[0]) < 5:
        chart.valueAxis.valueMax = 5
        chart.valueAxis.valueStep = 1
    drawing.add(chart)
    return drawing


def missions_chart(bilan: Bilan, branding: Branding, width: float) -> Drawing:
    height = 3.2 * cm
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 5.6 * cm, 0.6 * cm
    chart.width, chart.height = width - 6.4 * cm, height - 0.9 * cm
    rows = list(reversed(bilan.missions_by_kind))  # drawn from the bottom up
    chart.data = [[count for _label, count in rows]]
    chart.bars[0].fillColor = branding.primary
    chart.bars.strokeColor = None
    chart.strokeColor = None
    chart.categoryAxis.categoryNames = [label for label, _count in rows]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = GREY
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = True
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.strokeColor = GREY
    chart.valueAxis.labelTextFormat = lambda value: number(int(value))
    if max(chart.data[0]) < 5:
        chart.valueAxis.valueMax = 5
        chart.valueAxis.valueStep = 1
    drawing.add(chart)
    return drawing


def _table(rows, widths, branding: Branding, total: bool = False) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), branding.primary),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f3f3")]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if total:
        commands += [
            ("FONTNAME", (0, -1), (-1, -1), BOLD),
            ("LINEABOVE", (0, -1), (-1, -1), 1, branding.primary),
        ]
    table.setStyle(TableStyle(commands))
    return table


def render(territory: Territory, period: Period) -> bytes:
    """The report of `territory` (a commune's, a department's or the nation's portal) for
    `period`, as the bytes of a PDF."""
    bilan = collect(territory, period)
    branding = branding_of(territory)
    place, label = bilan.place, period.label
    title = f"Le bilan de l'Heure Civique {place.in_}"
    width = A4[0] - 4 * cm

    h1 = style(22, bold=True, color=branding.primary, leading=26)
    h2 = style(14, bold=True, color=branding.primary, spaceBefore=14, spaceAfter=6, keepWithNext=1)
    lead = style(12, leading=16)
    body = style(10, leading=14)
    small = style(8.5, color=GREY, leading=11)
    figure_style = style(12, bold=True, leading=15, spaceBefore=6)
    quote_style = style(11, leading=15, leftIndent=12, borderPadding=(0, 0, 0, 8))

    council = {
        Territory.Kind.COMMUNE: "pour le conseil municipal",
        Territory.Kind.DEPARTMENT: "pour le conseil départemental",
    }.get(territory.kind, "pour l'équipe nationale")
    story = [
        Paragraph(escape(title), h1),
        Spacer(1, 4),
        Paragraph(escape(capfirst(label)), style(15, bold=True, leading=19)),
        Paragraph(f"Document établi le {long_date(timezone.localdate())}, {council}.", small),
        Spacer(1, 10),
    ]
    hours, missions = bilan.figure["hours"], bilan.figure["missions_done"]
    if bilan.quiet:
        story.append(
            Paragraph(
                f"Aucune heure n'a été notée et aucune mission n'a été réalisée {place.in_} "
                f"{over(period)}.",
                lead,
            )
        )
    else:
        story.append(
            Paragraph(
                f"{capfirst(over(period))}, les volontaires {escape(place.of)} ont donné "
                f"<b>{number(hours.value)} {'heure' if hours.value < 2 else 'heures'}</b> à "
                f"leurs voisins, et <b>{number(missions.value)} "
                f"{'mission' if missions.value < 2 else 'missions'}</b> "
                f"{'a été réalisée' if missions.value < 2 else 'ont été réalisées'} avec eux.",
                lead,
            )
        )
    if period.end >= first_of_month(timezone.localdate()):
        story.append(
            Paragraph("Le mois en cours n'est pas fini : ses chiffres vont encore changer.", small)
        )

    story.append(Paragraph("Les chiffres clés", h2))
    for figure in bilan.figures:
        block = [
            Paragraph(escape(figure.words), figure_style),
            Paragraph(
                escape(
                    f"{capfirst(evolution(figure.value, figure.before, period.before()))} ; "
                    f"{evolution(figure.value, figure.year_before, period.year_before())}."
                ),
                body,
            ),
            Paragraph(escape(definition(figure.name)), small),
        ]
        story.append(KeepTogether(block))

    heading = Paragraph("Les heures données, mois par mois", h2)
    if hours.value:
        caption = "En couleur, les mois de la période ; en gris, les 12 mois d'avant."
        story.append(
            KeepTogether([heading, Paragraph(caption, small), hours_chart(bilan, branding, width)])
        )
        rows = [["Mois", "Heures données", "Volontaires actifs", "Nouveaux volontaires"]]
        for m in bilan.period_months:
            rows.append(
                [
                    capfirst(format_date(m.month, "F Y")),
                    number(m.hours),
                    number(m.active),
                    number(m.new_volunteers),
                ]
            )
        story += [Spacer(1, 6), _table(rows, [4.6 * cm, 3.6 * cm, 4 * cm, 4.4 * cm], branding)]
    else:
        story += [heading, Paragraph(f"Aucune heure n'a été notée {over(period)}.", body)]

    heading = Paragraph("Les missions réalisées, par type", h2)
    if bilan.missions_done:
        rows = [["Type de mission", "Missions réalisées"]]
        rows += [[kind, number(count)] for kind, count in bilan.missions_by_kind]
        rows.append(["Total", number(bilan.missions_done)])
        story.append(
            KeepTogether(
                [
                    heading,
                    missions_chart(bilan, branding, width),
                    Spacer(1, 4),
                    _table(rows, [10 * cm, 5 * cm], branding, total=True),
                ]
            )
        )
    else:
        story += [heading, Paragraph(f"Aucune mission n'a été réalisée {over(period)}.", body)]

    story.append(Paragraph("Les temps forts", h2))
    story.append(Paragraph("<b>Les initiatives à la une</b>", body))
    if bilan.initiatives:
        for initiative in bilan.initiatives:
            story.append(
                Paragraph(
                    f"<b>{escape(initiative.title)}</b> ({escape(initiative.commune.name)}) : "
                    f"{escape(initiative.summary)}",
                    style(10, leading=14, leftIndent=12, spaceBefore=3),
                )
            )
    else:
        story.append(Paragraph(f"Aucune initiative n'est à la une {place.in_}.", body))
    story.append(Spacer(1, 8))
    story.append(Paragraph("<b>Les mots des volontaires</b>", body))
    if bilan.quotes:
        story.append(
            Paragraph(
                "Des volontaires ont accepté que ces mots, notés avec leur heure, soient cités "
                "sans leur nom.",
                small,
            )
        )
        for done_on, note in bilan.quotes:
            story.append(Spacer(1, 4))
            story.append(Paragraph(f"« {escape(note.strip())} »", quote_style))
            story.append(
                Paragraph(
                    f"Un ou une volontaire, {escape(format_date(done_on, 'F Y'))}",
                    style(8.5, color=GREY, leading=11, leftIndent=12),
                )
            )
    else:
        story.append(Paragraph(f"Aucun volontaire n'a partagé de mots {over(period)}.", body))

    heading = Paragraph("Les signataires de l'Appel", h2)
    if bilan.signatories:
        intro = Paragraph(
            f"{number(bilan.signatory_count)} "
            f"{'élu ou élue a signé' if bilan.signatory_count < 2 else 'élus ont signé'} "
            f"l'Appel à la Mobilisation Solidaire {place.in_} (signatures vérifiées).",
            body,
        )
        rows = [["Nom", "Mandat"]]
        rows += [
            [
                Paragraph(escape(f"{s.first_name} {s.last_name}"), body),
                Paragraph(escape(capfirst(s.title)), body),
            ]
            for s in bilan.signatories
        ]
        story.append(
            KeepTogether(
                [heading, intro, Spacer(1, 4), _table(rows, [6 * cm, 10.6 * cm], branding)]
            )
        )
        if bilan.signatory_count > len(bilan.signatories):
            rest = bilan.signatory_count - len(bilan.signatories)
            story.append(
                Paragraph(f"Et {number(rest)} autres, sur la page de l'Appel du portail.", small)
            )
    else:
        story += [
            heading,
            Paragraph(f"Aucune signature de l'Appel n'a encore été publiée {place.in_}.", body),
        ]

    story += [
        Spacer(1, 14),
        Paragraph(
            "Les chiffres viennent des heures notées par les volontaires et des missions "
            f"suivies sur {escape(branding.portal_name)} ({escape(branding.site_label)}), "
            "comptées chaque mois ; un volontaire est compté dans la commune où il vit.",
            small,
        ),
    ]

    def first_page(canvas, document):
        canvas.saveState()
        draw_header(canvas, branding, A4[0], A4[1], 2.6 * cm)
        _footer(canvas, document, title, label)
        canvas.restoreState()

    def later_pages(canvas, document):
        canvas.saveState()
        canvas.setFillColor(branding.primary)
        canvas.rect(0, A4[1] - 0.5 * cm, A4[0], 0.5 * cm, stroke=0, fill=1)
        _footer(canvas, document, title, label)
        canvas.restoreState()

    output = io.BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=A4,
        title=f"{title} — {capfirst(label)}",
        author=branding.portal_name,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=3.4 * cm,
        bottomMargin=2 * cm,
    )
    document.build(story, onFirstPage=first_page, onLaterPages=later_pages)
    return output.getvalue()


def _footer(canvas, document, title: str, label: str) -> None:
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(GREY)
    canvas.drawString(2 * cm, 1.1 * cm, f"{title} — {capfirst(label)}")
    canvas.drawRightString(A4[0] - 2 * cm, 1.1 * cm, f"page {document.page}")

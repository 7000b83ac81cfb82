"""The attestation a volunteer shows an employer or a school: a one-page PDF (reportlab), and
the reference that lets anyone check it on the portal.

The reference is the attestation's figures signed by the portal (django.core.signing, with the
site's secret key): nothing is stored, and the page it leads to confirms the figures as they
stood on the day of issue, even if the volunteer later corrects an hour. It states no more
than the attestation: the first name and the initial of the name, the period, the total. A
reference altered by one character, or made up, is refused.
"""

import datetime
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape  # reportlab paragraphs read a little XML

import segno
from django.core import signing
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from heurecivique.months import next_month
from heurecivique.text import count_of, long_date, of_month
from territories.models import Territory

from .models import CivicHour, Volunteer
from .progress import format_duration, progress_for

REFERENCE_SALT = "volunteers.attestation"


class BadReference(Exception):
    pass


def _number(day: datetime.date) -> int:
    """2026-12-02 → 20261202: a date in few characters of the reference."""
    return day.year * 10000 + day.month * 100 + day.day


def _date(number: int) -> datetime.date:
    return datetime.date(number // 10000, number // 100 % 100, number % 100)


@dataclass(frozen=True)
class Facts:
    """What an attestation states, and what its public page confirms."""

    name: str  # « Hélène R. »: enough to match the attestation, no more
    start: datetime.date
    end: datetime.date
    minutes: int
    actions: int
    issued_on: datetime.date

    @property
    def reference(self) -> str:
        data = [
            self.name,
            _number(self.start),
            _number(self.end),
            self.minutes,
            self.actions,
            _number(self.issued_on),
        ]
        return signing.Signer(salt=REFERENCE_SALT).sign_object(data, compress=True)

    @classmethod
    def from_reference(cls, reference: str) -> "Facts":
        try:
            name, start, end, minutes, actions, issued_on = signing.Signer(
                salt=REFERENCE_SALT
            ).unsign_object(reference)
            return cls(
                name=str(name),
                start=_date(start),
                end=_date(end),
                minutes=int(minutes),
                actions=int(actions),
                issued_on=_date(issued_on),
            )
        except (signing.BadSignature, ValueError, TypeError) as error:
            raise BadReference from error


def short_name(user) -> str:
    """« Hélène Robin » → « Hélène R. »."""
    initial = f" {user.last_name.strip()[0]}." if user.last_name.strip() else ""
    return f"{user.first_name.strip()}{initial}".strip()


def _qr(url: str, size: float) -> Image:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=4)
    buffer.seek(0)
    return Image(buffer, width=size, height=size)


def _month_label(month: datetime.date) -> str:
    return format_date(month, "F Y").capitalize()


def _logo(territory: Territory):
    if not territory.logo:
        return None
    try:
        return Image(territory.logo.path, width=2.2 * cm, height=2.2 * cm, kind="proportional")
    except (OSError, NotImplementedError):
        return None  # a logo missing from the storage must not cost the volunteer their PDF


def vouched_for(volunteer: Volunteer, start: datetime.date, end: datetime.date) -> str:
    """Of the hours of the months [start, end], those a mission validated and those the mairie
    entered: « Parmi elles, 3 h en 2 actions ont été validées par une mission… »."""
    totals = {
        row["source"]: row
        for row in CivicHour.objects.filter(
            volunteer=volunteer, done_on__gte=start, done_on__lt=next_month(end)
        )
        .exclude(source=CivicHour.Source.DECLARED)
        .values("source")
        .annotate(minutes=Sum("minutes"), actions=Count("id"))
    }
    parts = []
    for source, words in (
        (CivicHour.Source.MISSION, ("validée par une mission", "validées par une mission")),
        (CivicHour.Source.STAFF, ("saisie par la mairie", "saisies par la mairie")),
    ):
        if row := totals.get(source):
            actions = count_of(row["actions"], "action", "actions")
            done = words[0] if row["actions"] < 2 else words[1]
            parts.append(f"{format_duration(row['minutes'])} en {actions} {done}")
    if not parts:
        return "Ces heures ont toutes été déclarées par le ou la volontaire."
    return f"Parmi elles, {' et '.join(parts)}."


def attestation_pdf(
    volunteer: Volunteer,
    start: datetime.date,
    end: datetime.date,
) -> bytes:
    """Hours given month by month over [start, end] (declared by the volunteer, validated by a
    mission or entered by the mairie: it says how many of each), in the name of the volunteer's
    portal, with a QR code to the page of that same portal that confirms them."""
    territory = Territory.objects.for_commune(volunteer.commune)
    progress = progress_for(volunteer)
    months = [m for m in reversed(progress.months) if start <= m.month <= end]
    first_pledge = min(p.started_on for p in volunteer.pledges.all())
    primary = colors.HexColor(territory.primary_color)

    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=11, leading=15)
    title = ParagraphStyle("title", parent=styles["Title"], textColor=primary, fontSize=20)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=12, textColor=colors.grey)

    portal = territory.portal_name
    heading = [Paragraph(f"<b>{portal}</b><br/>Une heure par mois pour ses voisins", body)]
    logo = _logo(territory)
    header = Table(
        [[logo, heading]] if logo else [[heading]], colWidths=[2.8 * cm, None] if logo else None
    )
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))

    person = volunteer.user.get_full_name()
    commune = volunteer.commune
    rows = [["Mois", "Actions", "Durée"]]
    for month in months:
        label = _month_label(month.month)
        if month.done:
            rows.append([label, str(month.actions), format_duration(month.minutes)])
        else:
            rows.append([label, "—", "en pause" if month.paused else "—"])
    total = sum(m.minutes for m in months)
    rows.append(["Total", str(sum(m.actions for m in months)), format_duration(total)])
    table = Table(rows, colWidths=[7 * cm, 3 * cm, 4 * cm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), primary),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("LINEABOVE", (0, -1), (-1, -1), 1, primary),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#f3f3f3")]),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    today = timezone.localdate()
    facts = Facts(
        name=short_name(volunteer.user),
        start=start,
        end=end,
        minutes=total,
        actions=sum(m.actions for m in months),
        issued_on=today,
    )
    url = territory.url(reverse("attestation_check", args=[facts.reference]))
    check = Table(
        [
            [
                _qr(url, 3.2 * cm),
                [
                    Paragraph("<b>Vérifier cette attestation</b>", body),
                    Paragraph(
                        "Le code QR ou l'adresse ci-dessous mènent à une page du portail qui "
                        "confirme la période et le total d'heures de ce document.",
                        small,
                    ),
                    Paragraph(escape(url), small),
                ],
            ]
        ],
        colWidths=[3.6 * cm, None],
    )
    check.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story = [
        header,
        Spacer(1, 1 * cm),
        Paragraph("Attestation d'engagement solidaire", title),
        Spacer(1, 0.5 * cm),
        Paragraph(
            f"L'Heure Civique atteste que <b>{escape(person)}</b>, habitant "
            f"<b>{escape(commune.place.in_)}</b> ({commune.department_code}), a pris "
            f"l'engagement, le {long_date(first_pledge)}, de donner une heure par mois à une "
            "action de solidarité de proximité, et a donné les heures suivantes, "
            f"{of_month(start, with_year=True)} à {format_date(end, 'F Y')} :",
            body,
        ),
        Spacer(1, 0.5 * cm),
        table,
        Spacer(1, 0.8 * cm),
        Paragraph(f"Soit <b>{format_duration(total)}</b> données à ses voisins.", body),
        Spacer(1, 0.2 * cm),
        Paragraph(escape(vouched_for(volunteer, start, end)), body),
        Spacer(1, 1.2 * cm),
        Paragraph(
            f"Document établi le {long_date(today)} à partir des heures notées sur {portal} "
            "(déclarées par le ou la volontaire, validées par une mission ou saisies par la "
            "mairie), programme de solidarité de proximité porté par les élus locaux, les "
            "mairies et leurs CCAS, les départements et les associations.",
            small,
        ),
        Spacer(1, 0.8 * cm),
        check,
    ]
    output = io.BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=A4,
        title=f"Attestation d'engagement solidaire — {person}",
        author=portal,
        leftMargin=2.2 * cm,
        rightMargin=2.2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
    )
    document.build(story)
    return output.getvalue()

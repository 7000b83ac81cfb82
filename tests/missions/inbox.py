"""Reading the missions' emails as they reached the test SMTP server, and the people and the
mission they are about."""

import datetime
import re
from urllib.parse import urlsplit

import icalendar
from django.utils import timezone

from missions.models import Mission, Participation
from tests.factories import (
    BeneficiaryFactory,
    MissionFactory,
    ParticipationFactory,
    UserFactory,
    VolunteerFactory,
)

PHONE = "02 38 12 34 56"


def subject(message) -> str:
    return str(message["Subject"]).strip()  # a long subject is folded after « Subject: »


def text(message) -> str:
    return message.get_body(("plain",)).get_content()


def html(message) -> str:
    return message.get_body(("html",)).get_content()


def whole(message) -> str:
    """Everything a reader could see: both parts and the attachments."""
    parts = [part.get_content() for part in message.walk() if not part.is_multipart()]
    return "\n".join(parts)


def calendar_of(message) -> icalendar.Event | None:
    """The event of the email's .ics, read by an iCalendar library, if there is one."""
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            assert part.get_filename().endswith(".ics")
            [event] = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
            return event
    return None


def path_of(message, kind: str, position: int = 0) -> str:
    """The path of a button (`kind`: "reponse" or "suite") in the plain-text part."""
    urls = re.findall(rf"https?://\S+/missions/{kind}/\S+/", text(message))
    return urlsplit(urls[position]).path


def to(smtp_server, email: str) -> list:
    return [m for m in smtp_server.messages if m["To"] == email]


def neighbour_need(commune, **fields):
    """An « entre voisins » need of the Saint-Marceau quartier, for a helped person whose
    contact only the accepted volunteer may see."""
    beneficiary = BeneficiaryFactory(
        commune=commune, name="Marcelle Dupuis", phone=PHONE, address="12 rue des Tilleuls"
    )
    return MissionFactory(
        commune=commune,
        quartier="Saint-Marceau",
        title="Courses pour une voisine",
        summary="Porter les courses d'une voisine âgée, le samedi matin.",
        details="Sonnez deux fois : elle entend mal.",
        beneficiary=beneficiary,
        **fields,
    )


def volunteer(commune, email: str, **fields):
    """A volunteer who agreed that the mairie propose actions to them."""
    fields.setdefault("contact_consent_at", timezone.now())
    first_name = email.split("@")[0].capitalize()
    return VolunteerFactory(
        user=UserFactory(email=email, first_name=first_name), commune=commune, **fields
    )


def soon_and_before(commune, count: int) -> list[Participation]:
    """`count` volunteers accepted on a mission in two hours (its reminder is due, whatever the
    time of day) and on one two days ago (its « ça s'est bien passé ? » is due)."""
    now = timezone.now()
    soon = MissionFactory(commune=commune, kind=Mission.Kind.COLLECTIVE, places=count)
    before = MissionFactory(commune=commune, kind=Mission.Kind.COLLECTIVE, places=count)
    Mission.objects.filter(pk=soon.pk).update(starts_at=now + datetime.timedelta(hours=2))
    Mission.objects.filter(pk=before.pk).update(starts_at=now - datetime.timedelta(days=2))
    people = [volunteer(commune, f"v{n:03d}@example.org") for n in range(count)]
    return [
        ParticipationFactory(mission=mission, volunteer=person)
        for mission in (soon, before)
        for person in people
    ]

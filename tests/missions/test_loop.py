"""The whole loop, through the pages only, for each kind of mission: the need posted in the
admin → the volunteers suggested → one invited by email → « Oui, je peux » → the reminder the
day before → « Ça s'est bien passé ? » the day after → the hour counted on their history; and a
resident's request turned into a mission that a volunteer then takes."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from missions import reminders
from missions.models import Association, HelpRequest, Mission, Participation
from tests.factories import BeneficiaryFactory
from volunteers.models import CivicHour

from ..conftest import SignInClient as Client
from .inbox import PHONE, path_of, subject, text, volunteer, whole
from .test_admin import ADD, mission_form
from .test_admin import text as page_text

Status = Participation.Status


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), timezone.get_current_timezone())


def _move(mission, starts_at):
    Mission.objects.filter(pk=mission.pk).update(starts_at=starts_at)


def _button(client, path) -> str:
    """Open an email's button (a page that asks), then press the page's button (it acts)."""
    question = client.get(path)
    assert question.status_code == 200, page_text(question)[:3000]
    assert 'method="post"' in question.content.decode(), page_text(question)[:3000]
    return page_text(client.post(path, follow=True))


@pytest.mark.parametrize("kind", [k.value for k in Mission.Kind])
def test_a_need_goes_from_the_admin_to_an_hour_counted(
    kind, orleans, orleans_commune, orleans_agent, association_referent, smtp_server, sent,
    beneficiary_of_orleans,
):  # fmt: skip
    helper = volunteer(orleans_commune, "paulette@example.org", quartier="Saint-Marceau")
    agent = Client()
    agent.force_login(orleans_agent)

    # The need is posted: the mairie's own, or by the association's referent for theirs.
    poster = agent
    changes = {"kind": kind, "title": f"Besoin {kind}", "places": 1 if kind == "voisins" else 3}
    if kind == Mission.Kind.NEIGHBOURS:
        changes["beneficiary"] = beneficiary_of_orleans.pk
    if kind == Mission.Kind.ASSOCIATION:
        poster = Client()
        poster.force_login(association_referent)
        changes["association"] = Association.objects.get().pk
    response = poster.post(ADD, mission_form(orleans_commune, **changes), follow=True)
    assert response.status_code == 200
    assert "errorlist" not in response.content.decode()
    mission = Mission.objects.get(title=f"Besoin {kind}")

    # The agent asks the portal who could help, and invites the volunteer suggested.
    find = reverse("admin:missions_mission_find", args=[mission.pk])
    assert "Paulette" in page_text(agent.get(find))
    sent(agent.post, find, {"volunteers": [helper.pk]})
    [invitation] = smtp_server.messages
    assert invitation["To"] == "paulette@example.org"
    assert PHONE not in whole(invitation)

    # « Oui, je peux », without signing in: the place is given, and confirmed by email.
    stranger = Client()
    answered = sent(_button, stranger, path_of(invitation, "reponse"))
    assert "retenu" in answered
    assert Participation.objects.get(mission=mission).status == Status.ACCEPTED
    assert subject(smtp_server.messages[-1]).startswith("C'est confirmé")

    # The day before: the reminder, with the person's contact for a neighbour's need only.
    _move(mission, _at(1, 10))
    smtp_server.messages.clear()
    sent(reminders.send_due, _at(0, 9) + datetime.timedelta(minutes=30))
    [reminder] = smtp_server.messages
    assert subject(reminder).startswith("Rappel")
    assert (PHONE in text(reminder)) == (kind == Mission.Kind.NEIGHBOURS)

    # The day after: « Oui » counts the hour, validated by the mission, on the history.
    _move(mission, _at(-1, 10))
    smtp_server.messages.clear()
    sent(reminders.send_due, _at(0, 9) + datetime.timedelta(minutes=30))
    [day_after] = smtp_server.messages
    assert subject(day_after).startswith("Ça s'est bien passé")
    sent(_button, stranger, path_of(day_after, "suite", 0))
    hour = CivicHour.objects.get(volunteer=helper)
    assert (hour.source, hour.minutes) == (CivicHour.Source.MISSION, mission.minutes)
    resident = Client()
    resident.force_login(helper.user)
    history = page_text(resident.get(reverse("volunteers:history")))
    assert f"Mission : Besoin {kind}" in history and "validée par la mission" in history
    # Nothing goes twice: the same button again changes nothing.
    used = path_of(day_after, "suite", 0)
    assert "Vous avez déjà répondu" in page_text(stranger.get(used))
    assert "Vous avez déjà répondu" in page_text(stranger.post(used, follow=True))
    assert CivicHour.objects.filter(volunteer=helper).count() == 1


@pytest.fixture
def beneficiary_of_orleans(orleans_commune):
    return BeneficiaryFactory(commune=orleans_commune, name="Marcelle Dupuis", phone=PHONE)


def test_a_residents_request_becomes_a_mission_a_volunteer_takes(
    orleans, orleans_commune, orleans_agent, smtp_server, sent
):
    # A resident, not signed in, asks for a hand.
    asker = Client()
    form = {
        "name": "Roger Blanc",
        "phone": "02 38 44 55 66",
        "email": "",
        "commune_query": "Orléans",
        "commune": orleans_commune.pk,
        "quartier": "Argonne",
        "what": "Changer l'ampoule du couloir, je ne monte plus sur l'escabeau.",
        "when": "Un matin de la semaine",
        "consent": "on",
    }
    response = sent(asker.post, reverse("missions:help_request"), form, follow=True)
    assert response.status_code == 200
    request = HelpRequest.objects.get()
    [told] = smtp_server.messages
    assert told["To"] == orleans_agent.email and "Roger" not in whole(told)

    # The agent turns it into a mission; the public sees the need, never who asks.
    agent = Client()
    agent.force_login(orleans_agent)
    starts = _at(4, 10)
    agent.post(
        reverse("admin:missions_helprequest_turn", args=[request.pk]),
        {
            "kind": Mission.Kind.NEIGHBOURS,
            "title": "Une ampoule à changer",
            "summary": "Changer l'ampoule d'un couloir, escabeau sur place.",
            "starts_at_0": starts.date().isoformat(),
            "starts_at_1": "10:00",
            "minutes": 30,
            "places": 1,
            "details": "",
            "consent_how": "telephone",
        },
    )
    mission = Mission.objects.get()
    assert mission.beneficiary.name == "Roger Blanc"
    listed = Client().get(reverse("missions:list")).content.decode()
    assert "Une ampoule à changer" in listed and "Roger" not in listed and "44 55" not in listed

    # A volunteer offers on the site; the agent accepts; the volunteer sees the contact.
    helper = volunteer(orleans_commune, "lea@example.org", quartier="Argonne")
    resident = Client()
    resident.force_login(helper.user)
    sent(resident.post, reverse("missions:offer", args=[mission.pk]))
    offer = Participation.objects.get(mission=mission)
    assert offer.status == Status.OFFERED
    assert (
        "44 55 66"
        not in resident.get(reverse("missions:detail", args=[mission.pk])).content.decode()
    )
    sent(
        agent.post,
        reverse("admin:missions_mission_decide", args=[mission.pk]),
        {"participation": offer.pk, "decision": "accepter"},
    )
    page = resident.get(reverse("missions:detail", args=[mission.pk])).content.decode()
    assert "02 38 44 55 66" in page and "Roger Blanc" in page
    assert re.search(r"C.est confirmé", subject(smtp_server.messages[-1]))

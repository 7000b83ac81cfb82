"""Who the admin suggests for a mission, and why: a hand-made ranking, who is never suggested,
and a cost that does not grow with the number of volunteers."""

import datetime

import pytest
from django.utils import timezone

from gestes.models import Theme
from missions import matching
from missions.models import Mission, Participation
from tests.factories import CommuneFactory, MissionFactory, ParticipationFactory, VolunteerFactory
from volunteers.models import PledgePause, Skill

pytestmark = pytest.mark.django_db


def _next_saturday_at(hour: int) -> datetime.datetime:
    today = timezone.localdate()
    saturday = today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)
    return timezone.make_aware(datetime.datetime.combine(saturday, datetime.time(hour)))


def _volunteer(commune, quartier="", *, skills=(), interests=(), availability=(), **kwargs):
    volunteer = VolunteerFactory(
        commune=commune,
        quartier=quartier,
        availability=list(availability),
        contact_consent_at=timezone.now(),
        **kwargs,
    )
    volunteer.skills.set(skills)
    volunteer.interests.set(interests)
    return volunteer


@pytest.fixture
def neighbourhood(orleans_commune, loiret_department, bordeaux_commune):
    """A Saturday-morning repair in La Source, Orléans, and the volunteers around it."""
    bricolage = Skill.objects.get(slug="bricolage")
    theme = Theme.objects.first()
    mission = MissionFactory(
        commune=orleans_commune, quartier="La Source", starts_at=_next_saturday_at(10)
    )
    mission.skills.set([bricolage])
    mission.themes.set([theme])
    saint_marceau = CommuneFactory(  # shares Orléans's 45100
        name="Saint-Marceau", department=loiret_department, postal_codes=" 45100 "
    )
    montargis = CommuneFactory(
        name="Montargis", department=loiret_department, postal_codes=" 45200 "
    )
    weekend = ["week-end"]
    people = {
        # Same quartier, knows how to repair, free at the week-end: 30 + 40 + 15 + 15.
        "handy_neighbour": _volunteer(
            orleans_commune, "la source", skills=[bricolage], availability=weekend
        ),
        # Same commune, likes the theme, free at the week-end: 30 + 10 + 15.
        "same_town": _volunteer(
            orleans_commune, "Argonne", interests=[theme], availability=weekend
        ),
        # Same quartier, but asked twice this week already: 70 - 20 - 25.
        "asked_lately": _volunteer(orleans_commune, "La Source"),
        # A commune sharing a postal code: 15.
        "across_the_river": _volunteer(saint_marceau, availability=["semaine"]),
        # Elsewhere in the department: 0.
        "far_in_the_department": _volunteer(montargis),
        # Never suggested: no consent, a pause, already on the mission, another department,
        # a pledge stopped.
        "no_consent": VolunteerFactory(commune=orleans_commune, quartier="La Source"),
        "paused": _volunteer(orleans_commune, "La Source", skills=[bricolage]),
        "already_on_it": _volunteer(orleans_commune, "La Source"),
        "elsewhere": _volunteer(bordeaux_commune, skills=[bricolage], availability=weekend),
        "stopped": _volunteer(orleans_commune, "La Source", pledge=False),
    }
    for days in (2, 5):
        ParticipationFactory(
            volunteer=people["asked_lately"],
            status=Participation.Status.DECLINED,
            invited_at=timezone.now() - datetime.timedelta(days=days),
        )
    PledgePause.objects.create(
        pledge=people["paused"].pledges.get(), started_on=timezone.localdate()
    )
    ParticipationFactory(
        mission=mission, volunteer=people["already_on_it"], status=Participation.Status.OFFERED
    )
    return mission, people


def test_the_ranking_puts_the_handy_neighbour_first_and_the_recently_asked_down(neighbourhood):
    mission, people = neighbourhood
    suggestions = matching.suggest(mission)
    names = {v.pk: name for name, v in people.items()}
    ranked = [names[s.volunteer.pk] for s in suggestions]
    assert ranked == [
        "handy_neighbour",
        "same_town",
        "asked_lately",
        "across_the_river",
        "far_in_the_department",
    ]
    assert [s.score for s in suggestions] == [100, 55, 25, 15, 0]
    why = {names[s.volunteer.pk]: s.reasons for s in suggestions}
    assert why["handy_neighbour"] == [
        "même quartier",
        "Bricolage et petites réparations",
        "disponible le week-end",
    ]
    assert why["same_town"] == [
        "même commune",
        Theme.objects.first().name,
        "disponible le week-end",
    ]
    assert why["asked_lately"] == ["même quartier", "sollicité·e il y a 2 jours"]
    assert why["across_the_river"] == ["même code postal"]
    assert why["far_in_the_department"] == ["même département"]


def test_a_commune_agent_is_offered_only_the_volunteers_of_their_commune(neighbourhood):
    mission, people = neighbourhood
    suggestions = matching.suggest(mission, communes=[mission.commune_id])
    assert {s.volunteer.commune_id for s in suggestions} == {mission.commune_id}


def test_an_evening_or_weekday_mission_calls_for_that_availability(orleans_commune):
    saturday = _next_saturday_at(10)
    monday = saturday + datetime.timedelta(days=2)
    assert matching.moment_of(Mission(starts_at=saturday)) == "week-end"
    assert matching.moment_of(Mission(starts_at=monday)) == "semaine"
    assert matching.moment_of(Mission(starts_at=monday.replace(hour=19))) == "soirs"
    evening = MissionFactory(commune=orleans_commune, starts_at=monday.replace(hour=19))
    free_at_night = _volunteer(orleans_commune, availability=["soirs", "week-end"])
    free_by_day = _volunteer(orleans_commune, availability=["semaine"])
    suggestions = matching.suggest(evening)
    assert [s.volunteer for s in suggestions] == [free_at_night, free_by_day]
    assert suggestions[0].reasons == ["même commune", "disponible le soir en semaine"]


def test_the_cost_does_not_grow_with_the_volunteers(
    neighbourhood, orleans_commune, django_assert_num_queries
):
    mission, _people = neighbourhood
    mission = Mission.objects.select_related("commune").get(pk=mission.pk)
    with django_assert_num_queries(7) as first:
        assert len(matching.suggest(mission)) == 5
    for _ in range(30):
        _volunteer(orleans_commune, "La Source", availability=["week-end"])
    with django_assert_num_queries(len(first.captured_queries)):
        assert len(matching.suggest(mission)) == matching.SHOWN

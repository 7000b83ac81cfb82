"""A mission's life through its services: places, the waiting list, answers, the day after,
and the last place taken by two volunteers at the same moment."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from missions import people, services
from missions.models import Beneficiary, HelpRequest, Mission, Participation
from tests.factories import (
    BeneficiaryFactory,
    MissionFactory,
    ParticipationFactory,
    VolunteerFactory,
)
from volunteers.models import CivicHour

Status = Participation.Status
pytestmark = pytest.mark.django_db


def _past(mission, days=1):
    Mission.objects.filter(pk=mission.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=days)
    )
    mission.refresh_from_db()


def test_a_collective_action_takes_volunteers_up_to_its_places_then_a_waiting_list():
    action = MissionFactory(kind=Mission.Kind.COLLECTIVE, places=2)
    first, second, third = (VolunteerFactory() for _ in range(3))
    assert services.offer_help(volunteer=first, mission=action).status == Status.ACCEPTED
    assert services.offer_help(volunteer=second, mission=action).status == Status.ACCEPTED
    waiting = services.offer_help(volunteer=third, mission=action)
    assert waiting.status == Status.WAITING
    action.refresh_from_db()
    assert action.status == Mission.Status.FILLED and action.matched_at is not None

    # Someone withdraws: the first on the waiting list takes the place, by itself.
    promoted = services.withdraw(participation=Participation.objects.get(volunteer=first))
    assert promoted.pk == waiting.pk
    waiting.refresh_from_db()
    assert waiting.status == Status.ACCEPTED
    action.refresh_from_db()
    assert action.status == Mission.Status.FILLED


def test_a_neighbour_offer_waits_for_the_staff_and_applying_twice_changes_nothing():
    need = MissionFactory()
    volunteer = VolunteerFactory()
    offer = services.offer_help(volunteer=volunteer, mission=need)
    assert offer.status == Status.OFFERED
    with pytest.raises(ValidationError, match="déjà proposé"):
        services.offer_help(volunteer=volunteer, mission=need)
    assert Participation.objects.filter(mission=need).count() == 1
    other = services.offer_help(volunteer=VolunteerFactory(), mission=need)
    services.accept_offer(participation=offer)
    need.refresh_from_db()
    assert need.status == Mission.Status.FILLED
    # Another offer now cannot be accepted: the only place is taken.
    with pytest.raises(ValidationError, match="places"):
        services.accept_offer(participation=other)
    other.refresh_from_db()
    assert other.status == Status.OFFERED
    # Nor can a new one be made: only a collective action keeps a waiting list.
    with pytest.raises(ValidationError, match="trouvé ses volontaires"):
        services.offer_help(volunteer=VolunteerFactory(), mission=need)
    assert Participation.objects.filter(mission=need).count() == 2


def test_a_yes_after_the_places_are_filled_goes_on_the_waiting_list():
    need = MissionFactory()
    early, late = VolunteerFactory(), VolunteerFactory()
    invitations = services.invite(mission=need, volunteers=[early, late], by=None)
    assert {i.status for i in invitations} == {Status.INVITED}
    services.answer_invitation(participation=invitations[0], available=True)
    stale = services.answer_invitation(participation=invitations[1], available=True)
    assert stale.status == Status.WAITING
    with pytest.raises(ValidationError, match="déjà répondu"):
        services.answer_invitation(participation=invitations[1], available=False)


def test_nothing_changes_on_a_mission_that_has_taken_place():
    need = MissionFactory()
    accepted = ParticipationFactory(mission=need)
    _past(need)
    with pytest.raises(ValidationError, match="déjà eu lieu"):
        services.offer_help(volunteer=VolunteerFactory(), mission=need)
    with pytest.raises(ValidationError, match="déjà eu lieu"):
        services.withdraw(participation=accepted)
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED


def test_the_day_after_yes_counts_the_hour_validated_by_the_mission():
    need = MissionFactory(minutes=90, title="Visite à une voisine")
    accepted = ParticipationFactory(mission=need)
    with pytest.raises(ValidationError, match="pas encore eu lieu"):
        services.record_outcome(participation=accepted, outcome=services.Outcome.DONE)
    _past(need)
    services.record_outcome(participation=accepted, outcome=services.Outcome.DONE)
    accepted.refresh_from_db()
    hour = accepted.hour
    assert accepted.status == Status.DONE
    assert (hour.minutes, hour.source, hour.done_on) == (90, CivicHour.Source.MISSION, need.day)
    assert hour.note == "Mission : Visite à une voisine"
    assert not hour.is_editable
    with pytest.raises(ValidationError, match="déjà dit"):
        services.record_outcome(participation=accepted, outcome=services.Outcome.DONE)
    assert CivicHour.objects.count() == 1


def test_it_did_not_happen_reopens_the_need():
    need = MissionFactory()
    accepted = ParticipationFactory(mission=need)
    Mission.objects.filter(pk=need.pk).update(status=Mission.Status.FILLED)
    _past(need)
    services.record_outcome(participation=accepted, outcome=services.Outcome.NOT_HAPPENED)
    need.refresh_from_db()
    assert need.status == Mission.Status.OPEN
    assert not CivicHour.objects.exists()


def test_completing_a_collective_action_counts_every_participant_once():
    action = MissionFactory(kind=Mission.Kind.COLLECTIVE, places=3)
    kept = [ParticipationFactory(mission=action) for _ in range(2)]
    ParticipationFactory(mission=action, status=Status.WITHDRAWN)
    with pytest.raises(ValidationError, match="pas encore eu lieu"):
        services.complete_mission(mission=action)
    _past(action)
    counted = services.complete_mission(mission=action)
    assert {p.pk for p in counted} == {p.pk for p in kept}
    assert CivicHour.objects.filter(source=CivicHour.Source.MISSION).count() == 2
    assert services.complete_mission(mission=action) == []  # a second click counts nothing
    assert CivicHour.objects.count() == 2


def test_a_past_date_or_too_many_places_is_refused_in_french():
    with pytest.raises(ValidationError) as error:
        services.post_mission(
            posted_by=None,
            kind=Mission.Kind.COLLECTIVE,
            commune=BeneficiaryFactory().commune,
            title="Nettoyage du parc",
            summary="Ramasser les déchets du parc.",
            starts_at=timezone.now() - datetime.timedelta(hours=1),
            places=10_000,
        )
    assert "passée" in str(error.value.message_dict["starts_at"])
    assert "200" in str(error.value.message_dict["places"])
    assert not Mission.objects.exists()


def test_a_beneficiary_is_anonymised_a_year_after_their_last_mission():
    old = BeneficiaryFactory(created_at=timezone.now() - datetime.timedelta(days=800))
    need = MissionFactory(beneficiary=old, commune=old.commune, details="Code 12B, 3e étage")
    Mission.objects.filter(pk=need.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=400)
    )
    recent = BeneficiaryFactory(created_at=timezone.now() - datetime.timedelta(days=800))
    MissionFactory(beneficiary=recent, commune=recent.commune)  # a mission to come
    assert people.anonymise_beneficiaries() == 1
    old.refresh_from_db()
    assert (old.name, old.phone, old.address) == ("Personne anonymisée", "", "")
    need.refresh_from_db()
    assert need.details == ""
    assert Beneficiary.objects.get(pk=recent.pk).phone


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI has it)"
)
@pytest.mark.django_db(transaction=True)
def test_two_volunteers_taking_the_last_place_at_once_exactly_one_gets_it(national):
    # (`national`: the email saying who got the place wears a portal's colours.)
    action = MissionFactory(kind=Mission.Kind.COLLECTIVE, places=1)
    rivals = [VolunteerFactory(), VolunteerFactory()]
    start = threading.Barrier(2)
    results = []

    def take(volunteer):
        try:
            start.wait()
            results.append(services.offer_help(volunteer=volunteer, mission=action).status)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=take, args=(v,)) for v in rivals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(results) == sorted([Status.ACCEPTED, Status.WAITING])
    assert Participation.objects.filter(status=Status.ACCEPTED).count() == 1


def test_a_weekly_visit_gets_its_occurrences_and_a_volunteer_commits_to_the_series():
    first = MissionFactory(
        recurrence=Mission.Recurrence.WEEKLY,
        repeat_until=timezone.localdate() + datetime.timedelta(days=24),
    )
    occurrences = services.create_occurrences(mission=first)
    assert len(occurrences) == 3  # days 10, 17 and 24 after the first on day 3
    assert {timezone.localtime(o.starts_at).hour for o in occurrences} == {10}
    assert services.create_occurrences(mission=first) == []  # run again: nothing doubled
    volunteer = VolunteerFactory()
    offers = services.offer_help_for_series(volunteer=volunteer, mission=occurrences[1])
    assert len(offers) == 4 and {o.status for o in offers} == {Status.OFFERED}
    with pytest.raises(ValidationError, match="déjà sur toutes les dates"):
        services.offer_help_for_series(volunteer=volunteer, mission=first)


def test_requests_for_help_are_forgotten_with_the_person_or_a_year_after_they_came(
    orleans_commune,
):
    long_ago = timezone.now() - datetime.timedelta(days=800)
    unanswered = HelpRequest.objects.create(
        commune=orleans_commune, name="Lucien", phone="0600000000", what="Une ampoule",
        created_at=long_ago,
    )  # fmt: skip
    recent = HelpRequest.objects.create(
        commune=orleans_commune, name="Rose", phone="0600000001", what="Des courses"
    )
    helped = BeneficiaryFactory(commune=orleans_commune, created_at=long_ago)
    need = MissionFactory(commune=orleans_commune, beneficiary=helped)
    Mission.objects.filter(pk=need.pk).update(starts_at=long_ago)
    became_a_mission = HelpRequest.objects.create(
        commune=orleans_commune, name=helped.name, phone=helped.phone, what="Des courses",
        mission=need, status=HelpRequest.Status.ACCEPTED, created_at=long_ago,
    )  # fmt: skip
    assert people.anonymise_beneficiaries() == 1
    remaining = set(HelpRequest.objects.values_list("pk", flat=True))
    assert recent.pk in remaining
    assert not {unanswered.pk, became_a_mission.pk} & remaining

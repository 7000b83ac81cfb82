"""The actions of a mission's life: post it, offer a hand, invite, answer, accept or refuse,
withdraw (the waiting list moves up by itself), and what came of it the day after. Each action
writes the emails it causes in its own transaction (emails.py).

Every change to who holds a place locks the mission's row first: two volunteers taking the last
place at the same moment are served one after the other, and exactly one gets it.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from volunteers.models import CivicHour, Volunteer
from volunteers.services import log_civic_hour

from . import emails
from .models import (
    MAX_OCCURRENCES,
    Mission,
    Participation,
)

Status = Participation.Status

PAST = "Cette mission a déjà eu lieu : il n'est plus possible d'y changer quoi que ce soit."
CLOSED = "Cette mission n'est plus ouverte."


@transaction.atomic
def post_mission(*, posted_by, skills=(), themes=(), **fields) -> Mission:
    """Publish a need as a mission (staff or an association's referent)."""
    mission = Mission(posted_by=posted_by, **fields)
    mission.full_clean()
    mission.save()
    mission.skills.set(skills)
    mission.themes.set(themes)
    return mission


# The days between two occurrences of a recurring need.
RECURRENCE_DAYS = {Mission.Recurrence.WEEKLY: 7, Mission.Recurrence.FORTNIGHTLY: 14}


@transaction.atomic
def create_occurrences(*, mission: Mission) -> list[Mission]:
    """A recurring need (a weekly visit) gets its occurrences up to `repeat_until`, at most
    MAX_OCCURRENCES, each a mission of its own at the same local time. Running it again after
    a change of `repeat_until` adds only the missing ones."""
    if not mission.recurrence or mission.series_id:
        return []
    step = datetime.timedelta(days=RECURRENCE_DAYS[mission.recurrence])
    first = timezone.localtime(mission.starts_at).replace(tzinfo=None)
    existing = {timezone.localtime(s).replace(tzinfo=None) for s in
                mission.occurrences.values_list("starts_at", flat=True)}  # fmt: skip
    skills, themes = list(mission.skills.all()), list(mission.themes.all())
    created = []
    for number in range(1, MAX_OCCURRENCES + 1):
        local = first + number * step
        if local.date() > mission.repeat_until:
            break
        if local in existing:
            continue
        occurrence = Mission(
            kind=mission.kind,
            commune=mission.commune,
            quartier=mission.quartier,
            title=mission.title,
            summary=mission.summary,
            details=mission.details,
            starts_at=timezone.make_aware(local),
            minutes=mission.minutes,
            places=mission.places,
            association=mission.association,
            beneficiary=mission.beneficiary,
            posted_by=mission.posted_by,
            series=mission,
        )
        occurrence.full_clean()
        occurrence.save()
        occurrence.skills.set(skills)
        occurrence.themes.set(themes)
        created.append(occurrence)
    return created


def _locked(mission: Mission) -> Mission:
    """The mission, its row locked until the transaction ends (see the module's docstring)."""
    return Mission.objects.select_for_update().get(pk=mission.pk)


def _ensure_ahead(mission: Mission) -> None:
    if mission.is_past:
        raise ValidationError(PAST)
    if mission.status not in (Mission.Status.OPEN, Mission.Status.FILLED):
        raise ValidationError(CLOSED)


def _places_taken(mission: Mission) -> int:
    return mission.participations.filter(status__in=Participation.HOLDS_A_PLACE).count()


def _refresh_status(mission: Mission) -> None:
    """Open while a place is left, filled when none is."""
    if mission.status not in (Mission.Status.OPEN, Mission.Status.FILLED):
        return
    full = _places_taken(mission) >= mission.places
    status = Mission.Status.FILLED if full else Mission.Status.OPEN
    if status != mission.status:
        mission.status = status
        mission.save(update_fields=["status"])


def _take_place(mission: Mission, participation: Participation, *, or_wait: bool) -> bool:
    """Accept the participation if a place is left (the mission locked by the caller); else
    put it on the waiting list, or refuse. Returns whether it got a place. The volunteer is
    told either way, by email."""
    now = timezone.now()
    participation.mission = mission
    if _places_taken(mission) < mission.places:
        participation.status, participation.accepted_at = Status.ACCEPTED, now
        participation.save()
        if mission.matched_at is None:
            mission.matched_at = now
            mission.save(update_fields=["matched_at"])
        _refresh_status(mission)
        emails.place_or_waiting_list(participation)
        return True
    if not or_wait:
        raise ValidationError("Toutes les places de cette mission sont prises.")
    participation.status = Status.WAITING
    participation.save()
    emails.place_or_waiting_list(participation)
    return False


def _promote_waiting(mission: Mission) -> Participation | None:
    """A place freed: the first on the waiting list takes it (the mission locked)."""
    if mission.is_past or _places_taken(mission) >= mission.places:
        _refresh_status(mission)
        return None
    first = (
        mission.participations.filter(status=Status.WAITING)
        .order_by(Coalesce("answered_at", "created_at"), "pk")
        .first()
    )
    if first is None:
        _refresh_status(mission)
        return None
    _take_place(mission, first, or_wait=False)
    return first


@transaction.atomic
def offer_help(*, volunteer: Volunteer, mission: Mission) -> Participation:
    """« Je me propose ». A collective action takes volunteers up to its places, then on its
    waiting list; other missions wait for the staff's answer."""
    mission = _locked(mission)
    _ensure_ahead(mission)
    participation = Participation.objects.filter(mission=mission, volunteer=volunteer).first()
    if participation is None:
        participation = Participation(mission=mission, volunteer=volunteer)
    elif participation.status == Status.INVITED:
        return answer_invitation(participation=participation, available=True)
    elif participation.status == Status.REFUSED:
        raise ValidationError("L'équipe n'a pas retenu votre proposition pour cette mission.")
    elif participation.status not in (Status.WITHDRAWN, Status.DECLINED):
        raise ValidationError("Vous vous êtes déjà proposé·e pour cette mission.")
    if mission.status == Mission.Status.FILLED and mission.kind != Mission.Kind.COLLECTIVE:
        # Only a collective action keeps a waiting list.
        raise ValidationError("Cette mission a trouvé ses volontaires : merci quand même !")
    participation.answered_at = timezone.now()
    if mission.kind == Mission.Kind.COLLECTIVE:
        _take_place(mission, participation, or_wait=True)
    else:
        participation.status = Status.OFFERED
        participation.save()
    return participation


def offer_help_for_series(*, volunteer: Volunteer, mission: Mission) -> list[Participation]:
    """« Je m'engage pour la série »: an offer on every occurrence still to come of the
    mission's series (those the volunteer is already on are left as they are)."""
    first = mission.series or mission
    ahead = Mission.objects.filter(
        Q(pk=first.pk) | Q(series=first),
        Q(status=Mission.Status.OPEN)
        | Q(status=Mission.Status.FILLED, kind=Mission.Kind.COLLECTIVE),
        starts_at__gt=timezone.now(),
    )
    occurrences = ahead.exclude(participations__volunteer=volunteer)
    if not occurrences.exists():
        raise ValidationError(
            "Vous êtes déjà sur toutes les dates à venir de cette série."
            if ahead.exists()
            else "Il n'y a plus de date à venir dans cette série."
        )
    return [offer_help(volunteer=volunteer, mission=m) for m in occurrences.order_by("starts_at")]


@transaction.atomic
def invite(*, mission: Mission, volunteers, by) -> list[Participation]:
    """Staff ask volunteers whether they can, by email; those already on the mission are left
    as they are. Returns the new invitations."""
    mission = _locked(mission)
    _ensure_ahead(mission)
    already = set(mission.participations.values_list("volunteer_id", flat=True))
    now = timezone.now()
    invitations = [
        Participation(mission=mission, volunteer=volunteer, status=Status.INVITED,
                      invited_at=now, invited_by=by)
        for volunteer in volunteers
        if volunteer.pk not in already
    ]  # fmt: skip
    invitations = Participation.objects.bulk_create(invitations)
    emails.invitations(invitations)
    return invitations


@transaction.atomic
def answer_invitation(*, participation: Participation, available: bool) -> Participation:
    """« Oui, je peux » / « Pas cette fois ». A yes once the places are gone puts the
    volunteer on the waiting list."""
    mission = _locked(participation.mission)
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.status != Status.INVITED:
        raise ValidationError("Vous avez déjà répondu à cette invitation.")
    _ensure_ahead(mission)
    participation.answered_at = timezone.now()
    if available:
        _take_place(mission, participation, or_wait=True)
    else:
        participation.status = Status.DECLINED
        participation.save()
    return participation


@transaction.atomic
def accept_offer(*, participation: Participation) -> Participation:
    """Staff take a volunteer who offered (or waits) on the mission, if a place is left."""
    mission = _locked(participation.mission)
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.status not in (Status.OFFERED, Status.WAITING):
        raise ValidationError("Seule une proposition en attente peut être acceptée.")
    _ensure_ahead(mission)
    _take_place(mission, participation, or_wait=False)
    return participation


@transaction.atomic
def refuse_offer(*, participation: Participation) -> Participation:
    """Staff decline a volunteer's offer (or take them off the waiting list)."""
    mission = _locked(participation.mission)
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.status not in (Status.OFFERED, Status.WAITING, Status.INVITED):
        raise ValidationError("Seule une proposition en attente peut être déclinée.")
    _ensure_ahead(mission)
    participation.status = Status.REFUSED
    participation.save()
    emails.not_retained(participation)
    return participation


@transaction.atomic
def withdraw(*, participation: Participation) -> Participation | None:
    """The volunteer steps back before the mission; if they held a place, the first on the
    waiting list takes it. Returns whoever was promoted."""
    mission = _locked(participation.mission)
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if mission.is_past:
        raise ValidationError(
            "La mission a déjà eu lieu : dites plutôt ce qu'il en a été depuis « Mes missions »."
        )
    if participation.status not in Participation.MAY_WITHDRAW:
        raise ValidationError("Vous n'êtes plus inscrit·e sur cette mission.")
    held = participation.holds_a_place
    participation.status = Status.WITHDRAWN
    participation.save()
    return _promote_waiting(mission) if held else None


@transaction.atomic
def places_changed(*, mission: Mission) -> list[Participation]:
    """The staff changed a mission's number of places: its waiting list moves up into the new
    places, and it is open or filled again accordingly. Returns those promoted."""
    mission = _locked(mission)
    promoted = []
    while (participation := _promote_waiting(mission)) is not None:
        promoted.append(participation)
    return promoted


def _count_hour(participation: Participation, *, source: str) -> CivicHour:
    mission = participation.mission
    hour = log_civic_hour(
        volunteer=participation.volunteer,
        done_on=mission.day,
        minutes=mission.minutes,
        note=f"Mission : {mission.title}"[:280],
        source=source,
    )
    participation.hour = hour
    return hour


class Outcome:
    DONE = "oui"
    NOT_HAPPENED = "pas-eu-lieu"
    PROBLEM = "souci"
    ALL = (DONE, NOT_HAPPENED, PROBLEM)


@transaction.atomic
def record_outcome(
    *, participation: Participation, outcome: str, problem: str = ""
) -> Participation:
    """The day after, « Ça s'est bien passé ? »: yes counts the hour (validated by the
    mission), « ça n'a pas eu lieu » frees the volunteer and reopens the need, « un souci »
    goes to the staff (an email tells them it waits)."""
    mission = _locked(participation.mission)
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if outcome not in Outcome.ALL:
        raise ValidationError("Réponse inconnue.")
    if not mission.is_past:
        raise ValidationError("La mission n'a pas encore eu lieu.")
    if participation.status != Status.ACCEPTED:
        raise ValidationError("Vous avez déjà dit comment s'était passée cette mission.")
    participation.mission = mission
    participation.outcome_at = timezone.now()
    if outcome == Outcome.DONE:
        participation.status = Status.DONE
        _count_hour(participation, source=CivicHour.Source.MISSION)
    elif outcome == Outcome.NOT_HAPPENED:
        participation.status = Status.NOT_HAPPENED
    else:
        participation.status = Status.PROBLEM
        participation.problem = problem.strip()
    participation.save()
    if outcome == Outcome.PROBLEM:
        emails.problem_reported(participation)
    if outcome == Outcome.NOT_HAPPENED and mission.status == Mission.Status.FILLED:
        mission.status = Mission.Status.OPEN  # the staff find another moment or someone else
        mission.save(update_fields=["status"])
    return participation


@transaction.atomic
def complete_mission(*, mission: Mission) -> list[Participation]:
    """Staff mark a mission done: every volunteer still retained gets their hour, validated by
    the mission. Returns the participations whose hour was counted."""
    mission = _locked(mission)
    if not mission.is_past:
        raise ValidationError("La mission n'a pas encore eu lieu : elle ne peut pas être faite.")
    if mission.status == Mission.Status.CANCELLED:
        raise ValidationError("Cette mission a été annulée.")
    counted = []
    for participation in (
        mission.participations.select_for_update()
        .filter(status=Status.ACCEPTED)
        .select_related("volunteer")
    ):
        participation.status, participation.outcome_at = Status.DONE, timezone.now()
        _count_hour(participation, source=CivicHour.Source.MISSION)
        participation.save()
        counted.append(participation)
    mission.status, mission.done_at = Mission.Status.DONE, timezone.now()
    mission.save(update_fields=["status", "done_at"])
    return counted


@transaction.atomic
def cancel_mission(*, mission: Mission) -> Mission:
    """The need is gone: nobody is expected any more, and its volunteers (those retained and
    those waiting) are told."""
    mission = _locked(mission)
    if mission.status == Mission.Status.DONE:
        raise ValidationError("Cette mission est déjà faite.")
    if mission.status == Mission.Status.CANCELLED:
        return mission  # a second click tells nobody twice
    mission.status = Mission.Status.CANCELLED
    mission.save(update_fields=["status"])
    emails.cancellation(mission)
    return mission


def enter_hour(
    *, volunteer: Volunteer, done_on, minutes: int, note: str = "", mission: Mission | None = None
) -> CivicHour:
    """An hour the mairie enters for a volunteer who is not online."""
    with transaction.atomic():
        hour = log_civic_hour(
            volunteer=volunteer,
            done_on=done_on,
            minutes=minutes,
            note=note or (f"Mission : {mission.title}"[:280] if mission else ""),
            source=CivicHour.Source.STAFF,
        )
        if mission is not None:
            Participation.objects.filter(
                mission=mission, volunteer=volunteer, hour__isnull=True
            ).update(hour=hour, status=Status.DONE, outcome_at=timezone.now())
    return hour

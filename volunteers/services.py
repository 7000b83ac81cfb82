"""The actions of a volunteer's year: join, pledge, pause, resume, stop, log an hour, leave."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from heurecivique.months import first_of_month, last_of_month
from territories.models import Membership

from .follow_up.rules import spread_reminder_day
from .models import (
    EMAIL_PREFERENCES,
    CivicHour,
    Delivery,
    GesteChoice,
    Pledge,
    PledgePause,
    Volunteer,
)


@transaction.atomic
def onboard_volunteer(
    *,
    user,
    first_name: str,
    last_name: str,
    commune,
    quartier: str = "",
    interests=(),
    skills=(),
    availability=(),
    reminder_day: int | None = None,
    contact_consent: bool = False,
) -> Volunteer:
    """Make a resident a volunteer and start their pledge of one hour a month."""
    if reminder_day is None:
        reminder_day = spread_reminder_day(user.pk)
    if Volunteer.objects.filter(user=user).exists():
        raise ValidationError("Vous avez déjà un espace de volontaire.")
    user.first_name, user.last_name = first_name, last_name
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name"])
    volunteer = Volunteer(
        user=user,
        commune=commune,
        quartier=quartier,
        availability=list(availability),
        reminder_day=reminder_day,
        contact_consent_at=timezone.now() if contact_consent else None,
    )
    volunteer.full_clean()
    volunteer.save()
    volunteer.interests.set(interests)
    volunteer.skills.set(skills)
    start_pledge(volunteer=volunteer)
    return volunteer


@transaction.atomic
def update_volunteer(*, volunteer: Volunteer, contact_consent: bool, **fields) -> Volunteer:
    """Change a volunteer's profile; the date of consent is kept while consent lasts."""
    user = volunteer.user
    user.first_name = fields.pop("first_name")
    user.last_name = fields.pop("last_name")
    user.save(update_fields=["first_name", "last_name"])
    interests, skills = fields.pop("interests"), fields.pop("skills")
    for name, value in fields.items():
        setattr(volunteer, name, value)
    if contact_consent and volunteer.contact_consent_at is None:
        volunteer.contact_consent_at = timezone.now()
    elif not contact_consent:
        volunteer.contact_consent_at = None
    volunteer.full_clean()
    volunteer.save()
    volunteer.interests.set(interests)
    volunteer.skills.set(skills)
    return volunteer


def start_pledge(*, volunteer: Volunteer) -> Pledge:
    """« Je m'engage à donner une heure par mois »."""
    pledge = Pledge(volunteer=volunteer, started_on=timezone.localdate())
    pledge.full_clean()  # one running pledge at a time (a unique constraint)
    pledge.save()
    return pledge


def _running_pledge(volunteer: Volunteer) -> Pledge:
    # Locked: two clicks on « Faire une pause » make one pause.
    pledge = volunteer.pledges.select_for_update().filter(ended_on__isnull=True).first()
    if pledge is None:
        raise ValidationError("Vous n'avez pas d'engagement en cours.")
    return pledge


@transaction.atomic
def pause_pledge(*, volunteer: Volunteer, resume_on: datetime.date | None = None) -> PledgePause:
    """A break (holidays, illness): no reminder until the pledge resumes, by hand or on
    `resume_on` by itself."""
    pledge = _running_pledge(volunteer)
    if pledge.pauses.current().exists():
        raise ValidationError("L'engagement est déjà en pause.")
    today = timezone.localdate()
    if resume_on is not None and resume_on <= today:
        raise ValidationError("Choisissez une date de reprise après aujourd'hui.")
    pause = PledgePause(pledge=pledge, started_on=today, ended_on=resume_on)
    pause.full_clean()
    pause.save()
    return pause


def _end_pauses(pauses, day: datetime.date) -> int:
    """End on `day` the pauses under way (a return planned later is brought forward)."""
    return pauses.current().update(ended_on=day)


@transaction.atomic
def resume_pledge(*, volunteer: Volunteer) -> Pledge:
    pledge = _running_pledge(volunteer)
    if not _end_pauses(pledge.pauses.all(), timezone.localdate()):
        raise ValidationError("Votre engagement n'est pas en pause.")
    return pledge


@transaction.atomic
def stop_pledge(*, volunteer: Volunteer) -> Pledge:
    """End the pledge; the hours given stay, and a new pledge can start any time."""
    pledge = _running_pledge(volunteer)
    today = timezone.localdate()
    _end_pauses(pledge.pauses.all(), today)
    pledge.ended_on = today
    pledge.save(update_fields=["ended_on"])
    return pledge


def choose_geste(*, volunteer: Volunteer, geste) -> GesteChoice:
    """« Je le fais ce mois-ci »: logging the hour can then name the geste."""
    choice, _created = GesteChoice.objects.get_or_create(
        volunteer=volunteer, geste=geste, month=first_of_month(timezone.localdate())
    )
    return choice


def drop_geste(*, volunteer: Volunteer, geste) -> None:
    GesteChoice.objects.filter(
        volunteer=volunteer, geste=geste, month=first_of_month(timezone.localdate())
    ).delete()


def log_civic_hour(
    *,
    volunteer: Volunteer,
    done_on: datetime.date,
    minutes: int = 60,
    note: str = "",
    note_shareable: bool = False,
    geste=None,
    source: str = CivicHour.Source.DECLARED,
) -> CivicHour:
    """Record an hour given: the month is done, the streak goes on."""
    hour = CivicHour(
        volunteer=volunteer,
        done_on=done_on,
        minutes=minutes,
        note=note,
        note_shareable=note_shareable,
        geste=geste,
        source=source,
    )
    hour.full_clean()
    hour.save()
    return hour


def _ensure_editable(hour: CivicHour) -> None:
    if not hour.is_editable:
        raise ValidationError(
            "Cette heure est trop ancienne pour être modifiée : seules celles du mois en cours "
            "et du mois précédent peuvent l'être."
        )


def update_civic_hour(
    *,
    hour: CivicHour,
    done_on: datetime.date,
    minutes: int,
    note: str,
    geste=None,
    note_shareable: bool = False,
) -> CivicHour:
    _ensure_editable(hour)
    hour.done_on, hour.minutes, hour.note, hour.geste = done_on, minutes, note, geste
    hour.note_shareable = note_shareable
    hour.full_clean()
    _ensure_editable(hour)  # not moved back into a closed month either
    hour.save()
    return hour


def delete_civic_hour(*, hour: CivicHour) -> None:
    _ensure_editable(hour)
    hour.delete()


@transaction.atomic
def anonymise_volunteer(*, volunteer: Volunteer) -> None:
    """Keep the volunteer's hours and commune for the statistics, and nothing of the person."""
    volunteer.pledges.filter(ended_on__isnull=True).update(ended_on=timezone.localdate())
    _end_pauses(PledgePause.objects.filter(pledge__volunteer=volunteer), timezone.localdate())
    volunteer.hours.update(note="", note_shareable=False)
    volunteer.geste_choices.all().delete()
    volunteer.interests.clear()
    volunteer.skills.clear()
    volunteer.user = None
    volunteer.quartier = ""
    volunteer.availability = []
    volunteer.reminders_enabled = False
    volunteer.contact_consent_at = None
    volunteer.emergency_available_at = None
    volunteer.kept_at = None
    volunteer.save()


# --- From the follow-up emails (see links.py) ---------------------------------------------------


@transaction.atomic
def log_hour_from_email(*, volunteer: Volunteer, month: datetime.date) -> CivicHour | None:
    """« C'est fait ! »: an hour for that month, unless one is already noted (a second click,
    or an hour logged on the site, changes nothing). Returns the hour logged, if any."""
    Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()  # one click at a time
    if volunteer.hours.in_month(month).exists():
        return None
    today = timezone.localdate()
    if month > first_of_month(today):
        raise ValidationError("Ce mois n'a pas encore commencé.")
    done_on = min(today, last_of_month(month))
    # The geste chosen for the month (« Je le fais ce mois-ci »), when there was just one.
    chosen = [c.geste for c in GesteChoice.objects.filter(volunteer=volunteer, month=month)]
    return log_civic_hour(
        volunteer=volunteer, done_on=done_on, geste=chosen[0] if len(chosen) == 1 else None
    )


def skip_month(*, user, month: datetime.date) -> None:
    """« Pas ce mois-ci »: no « avez-vous pu ? » this month, and no reproach."""
    delivery, created = Delivery.objects.get_or_create(
        user=user,
        kind=Delivery.Kind.NUDGE,
        month=month,
        defaults={"status": Delivery.Status.SKIPPED, "detail": "« Pas ce mois-ci »."},
    )
    if not created and delivery.status == Delivery.Status.QUEUED:
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.QUEUED).update(
            status=Delivery.Status.SKIPPED, detail="« Pas ce mois-ci »."
        )


def set_emergency_available(*, volunteer: Volunteer, available: bool) -> None:
    """« Je suis disponible en cas d'urgence », ticked or unticked; ticking it again keeps the
    date it was first ticked."""
    if available and volunteer.emergency_available_at is None:
        volunteer.emergency_available_at = timezone.now()
    elif not available:
        volunteer.emergency_available_at = None
    volunteer.save(update_fields=["emergency_available_at"])


def keep_account(*, volunteer: Volunteer) -> None:
    """« Garder mon compte » in an inactivity warning: it counts as activity, so no other
    warning goes out and the anonymisation date moves two years on."""
    Volunteer.objects.filter(pk=volunteer.pk).update(kept_at=timezone.now())


def unsubscribe(*, user, kind: str) -> None:
    """Stop one kind of follow-up email for this person. Doing it twice changes nothing."""
    if kind == Delivery.Kind.SUMMARY:
        Membership.objects.filter(user=user).update(summary_enabled=False)
    else:
        Volunteer.objects.filter(user=user).update(**{EMAIL_PREFERENCES[kind]: False})


@transaction.atomic
def set_email_preferences(*, user, enabled: set[str]) -> None:
    """The kinds of follow-up email this person wants (the others are stopped)."""
    Volunteer.objects.filter(user=user).update(
        **{field: kind in enabled for kind, field in EMAIL_PREFERENCES.items()}
    )
    Membership.objects.filter(user=user).update(summary_enabled=Delivery.Kind.SUMMARY in enabled)

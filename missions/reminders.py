"""The emails of the day before and of the day after, each written exactly once per
participation.

`send_due` runs every few minutes (Celery beat: missions.tasks.send_day_emails). In one
transaction it locks the participations due, skipping those another run holds (SKIP LOCKED),
marks them (`reminder_sent_at`, `follow_up_sent_at`) and writes their emails' outbox rows
(heurecivique.email.queue_email): a second run, or a second worker at the same moment, finds
them marked or locked and writes nothing twice. The outbox sends each row once.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from volunteers.models import start_of_day

from . import emails, people
from .models import Mission, Participation

logger = logging.getLogger(__name__)

# The reminder goes out the day before the mission from this time on (or as soon as someone is
# accepted later than that); « ça s'est bien passé ? », the day after from this time on.
SEND_FROM = datetime.time(9)
# Later than this after the mission, « ça s'est bien passé ? » would only surprise.
FOLLOW_UP_WITHIN = datetime.timedelta(days=14)
# How many participations one transaction claims.
BATCH_SIZE = 200

AHEAD = (Mission.Status.OPEN, Mission.Status.FILLED)


def _last_day(now: datetime.datetime, days: int) -> datetime.date:
    """The last mission day whose email is due `days` days away from it (+1: the day before,
    -1: the day after): SEND_FROM has struck on the sending day."""
    local = timezone.localtime(now)
    sending_day = (
        local.date() if local.time() >= SEND_FROM else local.date() - datetime.timedelta(1)
    )
    return sending_day + datetime.timedelta(days=days)


def reminders_due(now: datetime.datetime):
    """The accepted volunteers of the missions of tomorrow (from SEND_FROM) and of today, still
    to come, not reminded yet."""
    until = start_of_day(_last_day(now, +1) + datetime.timedelta(days=1))
    return Participation.objects.filter(
        status=Participation.Status.ACCEPTED,
        reminder_sent_at__isnull=True,
        mission__status__in=AHEAD,
        mission__starts_at__gt=now,
        mission__starts_at__lt=until,
    )


def follow_ups_due(now: datetime.datetime):
    """The accepted volunteers of the missions of yesterday (from SEND_FROM) and of the days
    before, within FOLLOW_UP_WITHIN, who have not said how it went nor been asked."""
    until = start_of_day(_last_day(now, -1) + datetime.timedelta(days=1))
    return Participation.objects.filter(
        status=Participation.Status.ACCEPTED,
        follow_up_sent_at__isnull=True,
        mission__status__in=AHEAD,
        mission__starts_at__lt=until,
        mission__starts_at__gte=until - FOLLOW_UP_WITHIN,
    )


def _remind(participation: Participation, portals: dict) -> None:
    if emails.reminder(participation, portals=portals):
        people.log_details_view(
            beneficiary=participation.mission.beneficiary,
            user=participation.volunteer.user,
            where="courriel de rappel",
            mission=participation.mission,
        )


def _ask(participation: Participation, portals: dict) -> None:
    emails.day_after(participation, portals=portals)


def _claim(due, mark: str, write) -> int:
    """Claim the rows of `due` batch by batch, writing each one's email; how many were claimed."""
    claimed, portals = 0, {}
    while True:
        with transaction.atomic():
            batch = list(
                due.select_for_update(skip_locked=True, of=("self",))
                .select_related(
                    "mission__commune__department",
                    "mission__association",
                    "mission__beneficiary",
                    "volunteer__user",
                )
                .order_by("pk")[:BATCH_SIZE]
            )
            if not batch:
                return claimed
            for participation in batch:
                try:
                    with transaction.atomic():  # a savepoint: one bad row spoils no other
                        write(participation, portals)
                except Exception:
                    # Claimed all the same: a bug must not hold up the rest, nor come back
                    # every few minutes.
                    logger.exception(
                        "Participation %s : courriel impossible à écrire.", participation.pk
                    )
            Participation.objects.filter(pk__in=[p.pk for p in batch]).update(
                **{mark: timezone.now()}
            )
            claimed += len(batch)


def send_due(now: datetime.datetime | None = None) -> int:
    """Write the reminders and the « ça s'est bien passé ? » due; how many."""
    now = now or timezone.now()
    return _claim(reminders_due(now), "reminder_sent_at", _remind) + _claim(
        follow_ups_due(now), "follow_up_sent_at", _ask
    )

"""Who is due which follow-up email on a given day. Reads the database and writes no row:
sending.py writes the Delivery rows."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery

from heurecivique.months import first_of_month, months_between, previous_month
from territories.models import Membership, Territory

from ..models import (
    CivicHour,
    Delivery,
    Pledge,
    PledgePause,
    Volunteer,
    anonymisation_date,
    inactivity_warning,
    start_of_day,
)
from .rules import CATCH_UP_DAYS, COMEBACK_GAPS, WARNINGS, nudge_day

Kind = Delivery.Kind

# How many volunteers a dispatch reads at a time. Their emails are queued portal by portal
# (sending.plan): a chunk large beside the number of portals makes batches of few portals, each
# read once per batch (emails.Composer).
CHUNK_SIZE = 10_000


@dataclass(frozen=True)
class Due:
    """One email due: to whom, which kind, for which month, in the colours of which portal."""

    user_id: int
    kind: str
    month: datetime.date
    territory_id: int | None


class Portals:
    """The portal whose colours a volunteer's emails wear, from one query for the whole run
    (the same choice as Territory.objects.for_commune: commune, else department, else France)."""

    def __init__(self):
        self.by_commune, self.by_department, self.national = {}, {}, None
        for pk, kind, commune_id, department_id in Territory.objects.active().values_list(
            "pk", "kind", "commune_id", "department_id"
        ):
            if kind == Territory.Kind.COMMUNE:
                self.by_commune[commune_id] = pk
            elif kind == Territory.Kind.DEPARTMENT:
                self.by_department[department_id] = pk
            else:
                self.national = pk

    def of(self, commune_id: int, department_id: int) -> int | None:
        return (
            self.by_commune.get(commune_id)
            or self.by_department.get(department_id)
            or self.national
        )


def _chunks(rows, to_due) -> Iterator[list[Due]]:
    chunk = []
    for row in rows:
        if due := to_due(row):
            chunk.append(due)
        if len(chunk) >= CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _reachable(volunteers):
    return volunteers.with_active_pledge().filter(
        user__is_active=True, user__email_bounced_at__isnull=True
    )


def _window(day: datetime.date) -> range:
    return range(max(1, day.day - CATCH_UP_DAYS), day.day + 1)


def _reminders(day: datetime.date, portals: Portals) -> Iterator[list[Due]]:
    """The monthly reminder, or the « vous nous manquez » in its place."""
    month = first_of_month(day)
    days = [d for d in _window(day) if d <= 28]
    open_pledge = Pledge.objects.filter(volunteer=OuterRef("pk"), ended_on__isnull=True)
    rows = (
        _reachable(Volunteer.objects)
        .filter(reminder_day__in=days)
        .filter(Q(reminders_enabled=True) | Q(reengagement_enabled=True))
        .annotate(
            last_hour=Subquery(
                CivicHour.objects.filter(volunteer=OuterRef("pk"))
                .order_by("-done_on")
                .values("done_on")[:1]
            ),
            pledge_start=Subquery(open_pledge.values("started_on")[:1]),
            last_resume=Subquery(
                PledgePause.objects.filter(
                    pledge__volunteer=OuterRef("pk"), pledge__ended_on__isnull=True
                )
                .order_by("-ended_on")
                .values("ended_on")[:1]
            ),
        )
        .filter(pledge_start__lt=day)
        .exclude(
            Exists(
                Delivery.objects.filter(
                    user=OuterRef("user_id"), month=month, kind__in=[Kind.REMINDER, Kind.COMEBACK]
                )
            )
        )
        .order_by("pk")
        .values_list(
            "user_id",
            "commune_id",
            "commune__department_id",
            "reminders_enabled",
            "reengagement_enabled",
            "last_hour",
            "pledge_start",
            "last_resume",
        )
    )

    def to_due(row):
        user_id, commune_id, department_id, reminders, comebacks, *activity = row
        last_active = max(d for d in activity if d is not None)
        gap = months_between(first_of_month(last_active), month) - 1
        if comebacks and gap in COMEBACK_GAPS:
            kind = Kind.COMEBACK
        elif reminders:
            kind = Kind.REMINDER
        else:
            return None
        return Due(user_id, kind, month, portals.of(commune_id, department_id))

    yield from _chunks(rows.iterator(chunk_size=CHUNK_SIZE), to_due)


def _nudges(day: datetime.date, portals: Portals) -> Iterator[list[Due]]:
    """« Avez-vous pu ? »: reminded this month, and no hour yet."""
    month = first_of_month(day)
    window = _window(day)
    reminder_days = [r for r in range(1, 29) if nudge_day(r) in window]
    if not reminder_days:
        return
    rows = (
        _reachable(Volunteer.objects)
        .filter(reminder_day__in=reminder_days, nudges_enabled=True)
        .filter(
            Exists(
                Delivery.objects.filter(
                    user=OuterRef("user_id"),
                    month=month,
                    kind=Kind.REMINDER,
                    status=Delivery.Status.SENT,
                )
            )
        )
        .exclude(
            Exists(Delivery.objects.filter(user=OuterRef("user_id"), month=month, kind=Kind.NUDGE))
        )
        .exclude(Exists(CivicHour.objects.in_month(month).filter(volunteer=OuterRef("pk"))))
        .order_by("pk")
        .values_list("user_id", "commune_id", "commune__department_id")
    )

    def to_due(row):
        user_id, commune_id, department_id = row
        return Due(user_id, Kind.NUDGE, month, portals.of(commune_id, department_id))

    yield from _chunks(rows.iterator(chunk_size=CHUNK_SIZE), to_due)


def _summaries(day: datetime.date) -> Iterator[list[Due]]:
    """The previous month's summary, once for each staff member (all their territories in it)."""
    if day.day > 1 + CATCH_UP_DAYS:
        return
    month = previous_month(first_of_month(day))
    rows = (
        Membership.objects.filter(
            summary_enabled=True, user__is_active=True, user__email_bounced_at__isnull=True
        )
        .exclude(
            Exists(
                Delivery.objects.filter(user=OuterRef("user_id"), month=month, kind=Kind.SUMMARY)
            )
        )
        .order_by("user_id", "territory_id")
        .values_list("user_id", "territory_id")
    )
    previous_user = None

    def to_due(row):
        nonlocal previous_user
        user_id, territory_id = row
        if user_id == previous_user:
            return None
        previous_user = user_id
        return Due(user_id, Kind.SUMMARY, month, territory_id)

    yield from _chunks(rows.iterator(chunk_size=CHUNK_SIZE), to_due)


def _inactivity_warnings(day: datetime.date, portals: Portals) -> Iterator[list[Due]]:
    """« Votre compte sera anonymisé le … », once each per period of inactivity: a month before
    the date, then a week before it. Bouncing addresses are planned too: their row, skipped when
    sending, records that the warning was due, and the account is anonymised at its date all the
    same (see volunteers/inactivity.py)."""
    first, last = Kind.INACTIVE_SOON, Kind.INACTIVE_LAST
    # The last warning waits 23 days after the first: a month's notice in all.
    first_before = start_of_day(day - datetime.timedelta(days=WARNINGS[first] - WARNINGS[last] - 1))
    for kind, days_before in WARNINGS.items():
        volunteers = Volunteer.objects.inactive_by(
            day + datetime.timedelta(days=days_before)
        ).exclude(inactivity_warning(kind))
        if kind == last:
            volunteers = volunteers.filter(inactivity_warning(first, before=first_before))
        rows = volunteers.order_by("pk").values_list(
            "user_id", "commune_id", "commune__department_id", "last_activity"
        )

        def to_due(row, kind=kind):
            user_id, commune_id, department_id, last_activity = row
            # One period of inactivity, one month: the month it reaches its two years.
            month = first_of_month(anonymisation_date(last_activity))
            return Due(user_id, kind, month, portals.of(commune_id, department_id))

        yield from _chunks(rows.iterator(chunk_size=CHUNK_SIZE), to_due)


def due_on(day: datetime.date) -> Iterator[list[Due]]:
    """The emails due on a day, in chunks: memory stays flat whatever the number of volunteers.

    Those already planned this month are left out, so a second run finds nothing new."""
    portals = Portals()
    yield from _reminders(day, portals)
    yield from _nudges(day, portals)
    yield from _summaries(day)
    yield from _inactivity_warnings(day, portals)

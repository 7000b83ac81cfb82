"""Keeping the cockpit's aggregates (models.MonthFigures, GesteMonth) up to date.

Every few minutes (a Celery beat task) the current and the previous month are counted again: the
months whose hours volunteers may still note, correct or remove. Each night every month is
counted again, for what staff enter for older months. A month is counted in a few grouped
queries, each reading that month's rows only (the hours through their index on the day given),
and replaces its rows at once: readers see the old month or the new one, never half of each.

The definitions of what is counted are in figures.DEFINITIONS."""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from heurecivique.months import add_months, first_of_month, last_of_month, next_month
from missions.models import Mission
from outils.models import Download
from territories.models import Territory
from volunteers.models import CivicHour, Pledge, PledgePause, Volunteer, start_of_day

from .models import GesteMonth, MonthFigures

# Beyond this age, the rows of the current month are counted again by the page that reads them:
# beat is stopped, or absent (`make run`).
STALE_AFTER = datetime.timedelta(minutes=10)

# How far back the nightly count goes: the charts show 24 months, the report a year and its
# year before.
KEPT_MONTHS = 36


def engaged_on(day: datetime.date):
    """The volunteers whose pledge ran on `day`: started, neither stopped nor paused that day.
    For today, this is volunteers.stats.engaged_volunteers (a deleted account's pledge is
    stopped the day it is deleted)."""
    paused = PledgePause.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day), pledge=OuterRef("pk"), started_on__lte=day
    )
    running = Pledge.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day), started_on__lte=day
    ).filter(~Exists(paused))
    return Volunteer.objects.filter(Exists(running.filter(volunteer=OuterRef("pk"))))


def count_month(month: datetime.date) -> int:
    """Count one month again and replace its rows; how many rows it now has."""
    month = first_of_month(month)
    today = timezone.localdate()
    if month > today:
        return 0
    # A month under way is counted as of today; a past one as of its last day.
    day = min(today, last_of_month(month))
    after = next_month(month)
    rows = defaultdict(lambda: defaultdict(int))  # (department id, commune id) → field → count
    # The nation's row is always written, even empty: it dates the count (ensure_recent) on a
    # portal where nothing has happened yet.
    rows[None, None]  # noqa: B018

    engaged = engaged_on(day).filter(user__isnull=False) if day == today else engaged_on(day)
    for row in engaged.values("commune", "commune__department").annotate(n=Count("pk")):
        rows[row["commune__department"], row["commune"]]["engaged"] = row["n"]

    hours = CivicHour.objects.filter(done_on__gte=month, done_on__lt=after)
    engaged_ids = engaged.values("pk")
    given = hours.values("volunteer__commune", "volunteer__commune__department").annotate(
        minutes=Sum("minutes"),
        hours_logged=Count("pk"),
        active=Count("volunteer", distinct=True),
        engaged_active=Count("volunteer", distinct=True, filter=Q(volunteer__in=engaged_ids)),
    )
    for row in given:
        place = rows[row["volunteer__commune__department"], row["volunteer__commune"]]
        for field in ("minutes", "hours_logged", "active", "engaged_active"):
            place[field] = row[field]

    joined = Volunteer.objects.filter(
        created_at__gte=start_of_day(month), created_at__lt=start_of_day(after)
    )
    for row in joined.values("commune", "commune__department").annotate(n=Count("pk")):
        rows[row["commune__department"], row["commune"]]["new_volunteers"] = row["n"]

    done = Mission.objects.filter(
        status=Mission.Status.DONE,
        done_at__gte=start_of_day(month),
        done_at__lt=start_of_day(after),
    )
    for row in done.values("commune", "commune__department").annotate(n=Count("pk")):
        rows[row["commune__department"], row["commune"]]["missions_done"] = row["n"]

    # Downloads belong to the portal they were made on: a commune's, a department's, the nation's.
    downloads = Download.objects.filter(day__gte=month, day__lt=after, territory__isnull=False)
    portals = _portal_places()
    for row in downloads.values("territory").annotate(n=Count("pk")):
        portal = portals.get(row["territory"])
        if portal is not None:
            rows[portal]["downloads"] += row["n"]

    gestes = (
        hours.filter(geste__isnull=False)
        .values("volunteer__commune__department", "geste")
        .annotate(n=Count("pk"))
    )
    now = timezone.now()
    with transaction.atomic():
        MonthFigures.objects.filter(month=month).delete()
        MonthFigures.objects.bulk_create(
            MonthFigures(
                month=month, department_id=department, commune_id=commune, computed_at=now, **counts
            )
            for (department, commune), counts in rows.items()
        )
        GesteMonth.objects.filter(month=month).delete()
        GesteMonth.objects.bulk_create(
            GesteMonth(
                month=month,
                department_id=row["volunteer__commune__department"],
                geste_id=row["geste"],
                hours_logged=row["n"],
            )
            for row in gestes
        )
    return len(rows)


def _portal_places() -> dict[int, tuple[int | None, int | None]]:
    """Each portal's place among MonthFigures' rows: (department id, commune id)."""
    places = {}
    for pk, kind, department, commune, commune_department in Territory.objects.values_list(
        "pk", "kind", "department", "commune", "commune__department"
    ):
        if kind == Territory.Kind.COMMUNE:
            places[pk] = (commune_department, commune)
        elif kind == Territory.Kind.DEPARTMENT:
            places[pk] = (department, None)
        else:
            places[pk] = (None, None)
    return places


def count_recent() -> int:
    """The current and the previous month (beat, every few minutes); how many rows."""
    month = first_of_month(timezone.localdate())
    return count_month(add_months(month, -1)) + count_month(month)


def ensure_recent() -> None:
    """Count the recent months now if beat has not counted them lately (one query when it has);
    the first count of all (an empty table: a new installation) counts every month."""
    month = first_of_month(timezone.localdate())
    latest = MonthFigures.objects.filter(month=month).order_by("-computed_at").first()
    if latest is not None and latest.computed_at >= timezone.now() - STALE_AFTER:
        return
    if latest is None and not MonthFigures.objects.exists():
        count_all()
    else:
        count_recent()


def count_all() -> int:
    """Every month kept (beat, each night); how many rows."""
    month = first_of_month(timezone.localdate())
    return sum(count_month(add_months(month, -back)) for back in range(KEPT_MONTHS))

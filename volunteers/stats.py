"""The programme's public figures: each one counted here, and said here in the words the pages
print next to it, so that what a page claims is what the query counts.

Counting a million hours is not for a visitor to wait on: `refresh()` counts every portal's
figures at once, in a few grouped queries, every REFRESH_MINUTES (a Celery beat task), and keeps
them in `PortalFigures`; a page reads its portal's row. When the rows are older than twice that
(beat stopped, or `make run`, which has none), a page counts its own portal as before and keeps
the result for the next visitors."""

import datetime
from collections import defaultdict
from dataclasses import asdict, dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from heurecivique.months import first_of_month, next_month
from territories.models import Territory

from .models import CivicHour, PortalFigures, Volunteer

REFRESH_MINUTES = 5
STALE_AFTER = datetime.timedelta(minutes=2 * REFRESH_MINUTES)

# What each counter counts, printed under the counters (home page, press page). A deleted
# account ends its pledge (services.anonymise_volunteer): it leaves the volunteers and the
# communes, and its hours, kept without anything personal, stay in the hours given.
DEFINITIONS = {
    "volunteers": "volontaires engagés : les personnes dont l'engagement est en cours, ni "
    "arrêté ni en pause ; un compte supprimé n'y est plus compté",
    "hours_this_month": "heures données ce mois-ci : les heures que les volontaires ont notées "
    "pour le mois en cours, additionnées puis arrondies à l'heure inférieure",
    "hours_total": "heures données en tout : toutes les heures notées depuis le début, y compris "
    "celles des volontaires partis depuis",
    "communes": "communes avec des volontaires : les communes où vit au moins un volontaire engagé",
}


@dataclass(frozen=True)
class Counters:
    volunteers: int
    communes: int
    hours_this_month: int
    hours_total: int


def _hours(queryset) -> int:
    return (queryset.aggregate(minutes=Sum("minutes"))["minutes"] or 0) // 60


def engaged_volunteers():
    """« Volontaires engagés »: an account and a pledge running (neither stopped nor paused)."""
    return Volunteer.objects.with_active_pledge().filter(user__isnull=False)


def counters_for(territory) -> Counters:
    """The counters of a portal, on the communes it covers (see DEFINITIONS)."""
    month = first_of_month(timezone.localdate())
    kept = PortalFigures.objects.filter(
        territory=territory, month=month, computed_at__gte=timezone.now() - STALE_AFTER
    ).first()
    if kept is not None:
        return Counters(**{name: getattr(kept, name) for name in Counters.__annotations__})
    volunteers = engaged_volunteers().on_portal(territory)
    hours = CivicHour.objects.on_portal(territory)
    counters = Counters(
        volunteers=volunteers.count(),
        communes=volunteers.values("commune").distinct().count(),
        hours_this_month=_hours(hours.in_month(month)),
        hours_total=_hours(hours),
    )
    _keep({territory.pk: counters}, month)
    return counters


def refresh() -> int:
    """Count every portal's figures at once (the same definitions as counters_for: a commune's
    volunteers and minutes go to the nation, its department and itself); how many portals."""
    month = first_of_month(timezone.localdate())
    volunteers, communes, minutes, minutes_this_month = (defaultdict(int) for _ in range(4))
    portals = _portals_by_place()
    engaged = engaged_volunteers().values("commune", "commune__department").annotate(n=Count("pk"))
    for row in engaged:
        for portal in _portals_of(portals, row["commune"], row["commune__department"]):
            volunteers[portal] += row["n"]
            communes[portal] += 1
    given = CivicHour.objects.values("volunteer__commune", "volunteer__commune__department")
    given = given.annotate(
        total=Sum("minutes"),
        this_month=Sum(
            "minutes", filter=Q(done_on__gte=month, done_on__lt=next_month(month)), default=0
        ),
    )
    for row in given:
        places = (row["volunteer__commune"], row["volunteer__commune__department"])
        for portal in _portals_of(portals, *places):
            minutes[portal] += row["total"]
            minutes_this_month[portal] += row["this_month"]
    figures = {
        portal: Counters(
            volunteers=volunteers[portal],
            communes=communes[portal],
            hours_this_month=minutes_this_month[portal] // 60,
            hours_total=minutes[portal] // 60,
        )
        for portal in portals["all"]
    }
    _keep(figures, month)
    return len(figures)


def _portals_by_place() -> dict:
    """Every portal, by what it covers: {"all": [pk…], "national": [pk…], "department":
    {department id: pk}, "commune": {commune id: pk}}."""
    portals = {"all": [], "national": [], "department": {}, "commune": {}}
    for pk, kind, department_id, commune_id in Territory.objects.values_list(
        "pk", "kind", "department_id", "commune_id"
    ):
        portals["all"].append(pk)
        if kind == Territory.Kind.NATIONAL:
            portals["national"].append(pk)
        elif kind == Territory.Kind.DEPARTMENT:
            portals["department"][department_id] = pk
        else:
            portals["commune"][commune_id] = pk
    return portals


def _portals_of(portals: dict, commune_id: int, department_id: int) -> list[int]:
    """The portals that cover a commune: the nation's, its department's, its own."""
    local = (portals["department"].get(department_id), portals["commune"].get(commune_id))
    return [*portals["national"], *(pk for pk in local if pk is not None)]


def _keep(figures: dict[int, Counters], month: datetime.date) -> None:
    now = timezone.now()
    PortalFigures.objects.bulk_create(
        [
            PortalFigures(territory_id=pk, month=month, computed_at=now, **asdict(counters))
            for pk, counters in figures.items()
        ],
        update_conflicts=True,
        unique_fields=["territory"],
        update_fields=["month", "computed_at", *Counters.__annotations__],
    )


def done_by(geste) -> int:
    """On a geste's page: the volunteers who noted at least one hour for it (those who left
    since included: they did it)."""
    return CivicHour.objects.filter(geste=geste).values("volunteer").distinct().count()


def definitions(*names: str) -> list[str]:
    """The definitions of these counters, as sentences to print under them."""
    return [f"{DEFINITIONS[name][0].upper()}{DEFINITIONS[name][1:]}." for name in names]

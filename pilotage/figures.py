"""The cockpit's figures, each counted here and said here in words (DEFINITIONS), for an area:
the nation, a department, a commune, or all the territories a staff member manages.

They are read from the aggregates (models.MonthFigures, kept by aggregates.py), a few grouped
queries whatever the size of the data; only the missions, the Appel's signatures and the median
time to a match, small tables, are counted from their own rows. The public counters of the home
page are volunteers.stats'; the figures that are also public use its words (DEFINITIONS below
starts from them)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from heurecivique.months import add_months, first_of_month
from missions.models import Mission
from mobilisation.models import Signature
from territories.models import Territory
from territories.places import FRANCE, Place
from volunteers import stats
from volunteers.models import CivicHour

from .models import GesteMonth, MonthFigures

DEFINITIONS = {
    **stats.DEFINITIONS,
    "engaged": stats.DEFINITIONS["volunteers"],
    "active": "volontaires actifs du mois : les personnes qui ont noté au moins une heure pour "
    "ce mois-là, engagement en cours ou non",
    # A period's active volunteers cannot be added up month by month (the same person is active
    # in several): the report of a period of several months gives their average per month.
    "active_per_month": "volontaires actifs par mois : le nombre de personnes qui ont noté au "
    "moins une heure pour un mois, en moyenne sur les mois de la période",
    "active_share": "part des engagés actifs ce mois-ci : parmi les volontaires engagés, la part "
    "de ceux qui ont déjà noté une heure pour le mois en cours",
    "hours": "heures données : les minutes notées par les volontaires qui vivent sur le "
    "territoire, pour les jours du mois, additionnées puis arrondies à l'heure inférieure",
    "new_volunteers": "nouveaux volontaires : les profils de volontaires créés dans le mois, "
    "y compris ceux supprimés depuis",
    "missions_open": "missions ouvertes : les missions qui attendent encore des volontaires",
    "missions_filled": "missions pourvues : les missions qui ont leurs volontaires et n'ont pas "
    "encore eu lieu",
    "missions_done": "missions réalisées : les missions que la mairie a marquées comme faites",
    "median_match_days": "délai médian pour trouver un volontaire : pour les missions des 12 "
    "derniers mois qui ont trouvé quelqu'un, la moitié l'ont trouvé en moins de jours que ce "
    "délai, entre leur publication et le premier volontaire retenu",
    "signatures": "signataires de l'Appel : les élus dont la signature a été vérifiée et publiée",
    "downloads": "téléchargements de kits : les fichiers des kits téléchargés sur le portail, "
    "comptés une fois par visiteur et par jour",
}


def definition(name: str) -> str:
    """A definition as a sentence to print under its figure."""
    text = DEFINITIONS[name]
    return f"{text[0].upper()}{text[1:]}."


@dataclass(frozen=True)
class Area:
    """Where figures are counted: the whole country, or departments and communes (a portal's, or
    those of every territory a staff member manages)."""

    place: Place = FRANCE
    department_ids: frozenset[int] = frozenset()
    commune_ids: frozenset[int] = frozenset()
    national: bool = True

    @classmethod
    def of_portal(cls, territory: Territory) -> "Area":
        if territory.kind == Territory.Kind.DEPARTMENT:
            return cls(territory.place, frozenset({territory.department_id}), national=False)
        if territory.kind == Territory.Kind.COMMUNE:
            communes = frozenset({territory.commune_id})
            return cls(territory.place, commune_ids=communes, national=False)
        return cls(territory.place)

    @classmethod
    def of_staff(cls, scope, territories: list[Territory]) -> "Area":
        """The area of a staff scope (territories.scope.StaffScope), its portals given: one
        portal gives its place, several are named together."""
        if scope.is_national or any(t.kind == Territory.Kind.NATIONAL for t in territories):
            return cls()
        if len(territories) == 1:
            place = territories[0].place
        else:
            names = ", ".join(t.name for t in territories)
            place = Place(names, "vos territoires", "sur vos territoires", "de vos territoires")
        return cls(place, scope.department_ids, scope.commune_ids, national=False)

    @property
    def kind(self) -> str:
        """What the area is made of: "national", "department" (one or more) or "commune"."""
        if self.national:
            return "national"
        return "department" if self.department_ids else "commune"

    def q(self, commune: str = "commune", department: str | None = None) -> Q:
        """This area as a filter on a model's commune (and, for the rows that have no commune,
        department)."""
        if self.national:
            return Q()
        department = department or f"{commune}__department"
        return Q(**{f"{department}__in": self.department_ids}) | Q(
            **{f"{commune}__in": self.commune_ids}
        )

    def month_rows(self):
        return MonthFigures.objects.filter(self.q("commune", "department"))


@dataclass(frozen=True)
class Month:
    """A month of an area, as the charts and the tables show it."""

    month: datetime.date
    hours: int
    active: int
    engaged: int
    engaged_active: int
    new_volunteers: int
    missions_done: int
    downloads: int

    @property
    def active_share(self) -> float | None:
        return self.engaged_active / self.engaged if self.engaged else None


MONTH_FIELDS = [
    "engaged", "active", "engaged_active", "new_volunteers", "missions_done", "downloads",
]  # fmt: skip


def months(area: Area, first: datetime.date, last: datetime.date) -> list[Month]:
    """The months from `first` to `last` (first days), each with its figures, those without
    any activity included: one query."""
    sums = {"minutes": Sum("minutes")} | {name: Sum(name) for name in MONTH_FIELDS}
    rows = {
        row["month"]: row
        for row in area.month_rows()
        .filter(month__gte=first, month__lte=last)
        .values("month")
        .annotate(**sums)
    }
    result, month = [], first_of_month(first)
    while month <= last:
        row = rows.get(month, {})
        counts = {name: row.get(name) or 0 for name in MONTH_FIELDS}
        result.append(Month(month, (row.get("minutes") or 0) // 60, **counts))
        month = add_months(month, 1)
    return result


def last_months(area: Area, count: int = 24, today: datetime.date | None = None) -> list[Month]:
    """The `count` months up to the current one, oldest first."""
    current = first_of_month(today or timezone.localdate())
    return months(area, add_months(current, 1 - count), current)


@dataclass(frozen=True)
class KeyFigures:
    """The figures at the top of the dashboard (see DEFINITIONS)."""

    this_month: Month
    last_month: Month
    year_ago: Month
    missions: dict = field(default_factory=dict)  # status → count
    median_match_days: float | None = None
    signatures: int = 0

    @property
    def engaged(self) -> int:
        return self.this_month.engaged

    @property
    def active(self) -> int:
        return self.this_month.active

    @property
    def active_share(self) -> float | None:
        return self.this_month.active_share


def key_figures(area: Area, today: datetime.date | None = None) -> KeyFigures:
    today = today or timezone.localdate()
    current = first_of_month(today)
    year_ago, *_ = months(area, add_months(current, -12), add_months(current, -12))
    last_month, this_month = months(area, add_months(current, -1), current)
    return KeyFigures(
        this_month=this_month,
        last_month=last_month,
        year_ago=year_ago,
        missions=mission_counts(area),
        median_match_days=median_match_days(area, today),
        signatures=Signature.objects.shown().filter(area.q("commune", "department")).count(),
    )


def mission_counts(area: Area) -> dict[str, int]:
    """The area's missions by status (every status present, 0 when none)."""
    counts = dict.fromkeys(Mission.Status.values, 0)
    rows = Mission.objects.filter(area.q()).values_list("status").annotate(n=Count("pk"))
    counts.update(dict(rows))
    return counts


def median_match_days(area: Area, today: datetime.date) -> float | None:
    """See DEFINITIONS["median_match_days"]: two queries, the sorting done by the database."""
    since = timezone.make_aware(
        datetime.datetime.combine(add_months(today, -12), datetime.time.min)
    )
    waited = (
        Mission.objects.filter(area.q(), matched_at__isnull=False, created_at__gte=since)
        .annotate(waited=ExpressionWrapper(F("matched_at") - F("created_at"), DurationField()))
        .order_by("waited")
        .values_list("waited", flat=True)
    )
    count = waited.count()
    if not count:
        return None
    middle = list(waited[(count - 1) // 2 : count // 2 + 1])
    days = sum(d.total_seconds() for d in middle) / len(middle) / 86400
    return round(days, 1)


def top_gestes(area: Area, first: datetime.date, last: datetime.date, count: int = 10):
    """The gestes most noted with an hour from month `first` to month `last`, as [(geste id,
    hours noted)], most first: a department's (or the nation's) from the aggregates by
    department, a commune's from its own hours, few enough."""
    noted = defaultdict(int)
    if area.national or area.department_ids:
        by_department = GesteMonth.objects.filter(month__gte=first, month__lte=last)
        if not area.national:
            by_department = by_department.filter(department__in=area.department_ids)
        for geste, n in by_department.values_list("geste").annotate(n=Sum("hours_logged")):
            noted[geste] += n
    if not area.national and area.commune_ids:
        hours = CivicHour.objects.filter(
            volunteer__commune__in=area.commune_ids,
            geste__isnull=False,
            done_on__gte=first,
            done_on__lt=add_months(first_of_month(last), 1),
        ).exclude(volunteer__commune__department__in=area.department_ids)
        for geste, n in hours.values_list("geste").annotate(n=Count("pk")):
            noted[geste] += n
    return sorted(noted.items(), key=lambda item: (-item[1], item[0]))[:count]

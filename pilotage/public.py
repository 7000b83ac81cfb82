"""The public figures of a portal (/chiffres/, the press page) and its open data
(/chiffres/donnees.csv), with the rule that keeps anybody from being singled out.

The headline figures are the home page's counters (volunteers.stats, kept for every portal every
few minutes) with the missions done and the Appel's signatories: the same numbers, said in the
same words (figures.DEFINITIONS), wherever they are printed. The months and the communes are read
from the cockpit's aggregates (models.MonthFigures), never from the hours.

The rule of small counts (SMALL_COUNTS_RULE, printed on /chiffres/), for a commune's month in the
open data and for every month or portal in the tables of /chiffres/:
1. a number of volunteers below SMALL is written « moins de 5 »;
2. the hours of a month in which fewer than SMALL volunteers were active are not published: they
   would tell what one or two known neighbours did;
3. a department's month is published in full (its portal's /chiffres/), so a single hidden cell
   among its communes would be found by subtraction: in each column, when one commune alone is
   hidden in a department's month, the smallest other one is hidden too (« non publié »);
4. the file has no total row: the totals are the pages'.
"""

import csv
import dataclasses
import datetime
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from heurecivique.months import add_months, first_of_month
from missions.models import Mission
from mobilisation.models import Signature
from territories.models import Territory
from territories.places import Place
from volunteers import stats

from . import charts, maps
from .figures import Area, Month, definition, last_months
from .models import MonthFigures

SMALL = 5
FEW = "moins de 5"
HIDDEN = "non publié"
MONTHS = 24

SMALL_COUNTS_RULE = [
    f"un nombre de volontaires inférieur à {SMALL} s'écrit « {FEW} » ;",
    f"les heures d'un mois où moins de {SMALL} volontaires ont été actifs ne sont pas publiées "
    f"(« {HIDDEN} ») : elles diraient ce qu'ont fait un ou deux voisins que l'on connaît ;",
    "les chiffres de chaque département sont publiés : quand, un mois, une seule commune d'un "
    "département a un chiffre caché dans une colonne, le plus petit chiffre des autres communes "
    f"dans cette colonne l'est aussi (« {HIDDEN} »), pour qu'aucune soustraction ne retrouve "
    "le premier ;",
    "le fichier n'a pas de ligne de total.",
]

# The open data's columns: (header, definition).
COLUMNS = [
    ("code_insee", "Le code officiel géographique de la commune (Insee)."),
    ("commune", "Le nom de la commune."),
    ("code_departement", "Le code du département de la commune."),
    ("mois", "Le mois, écrit AAAA-MM."),
    ("volontaires_engages", definition("engaged")),
    ("volontaires_actifs", definition("active")),
    ("heures_donnees", definition("hours")),
    ("missions_realisees", definition("missions_done")),
]


@dataclass(frozen=True)
class PublicFigures:
    """A portal's headline figures (see DEFINITIONS for each)."""

    place: Place
    volunteers: int
    hours_this_month: int
    hours_total: int
    communes: int
    missions_done: int
    signatures: int

    @property
    def definitions(self) -> list[str]:
        names = ["volunteers", "hours_this_month", "hours_total", "missions_done", "communes"]
        return [definition(name) for name in [*names, "signatures"]]


def public_figures(territory: Territory) -> PublicFigures:
    """The figures of /chiffres/ and of the press page: the home page's counters, then the
    missions done and the Appel's signatories of the portal's area (two small counts)."""
    area = Area.of_portal(territory)
    counters = stats.counters_for(territory)
    return PublicFigures(
        place=territory.place,
        volunteers=counters.volunteers,
        hours_this_month=counters.hours_this_month,
        hours_total=counters.hours_total,
        communes=counters.communes,
        missions_done=Mission.objects.filter(area.q(), status=Mission.Status.DONE).count(),
        signatures=Signature.objects.shown().filter(area.q("commune", "department")).count(),
    )


def volunteers(count: int) -> int | str:
    """A number of volunteers as published (rule 1)."""
    return FEW if count < SMALL else count


def hours(count: int, active: int) -> int | str:
    """Hours as published (rule 2)."""
    return HIDDEN if active < SMALL else count


@dataclass(frozen=True)
class PublishedMonth:
    month: datetime.date
    engaged: int | str
    active: int | str
    hours: int | str
    missions_done: int


def published_months(territory: Territory, today: datetime.date | None = None):
    """The portal's last MONTHS months, newest first, as published. A commune's are its rows of
    the open data, hidden cells and all (rule 3 needs its department's months)."""
    area = Area.of_portal(territory)
    if territory.kind == Territory.Kind.COMMUNE:
        first, last = month_range(today)
        insee = territory.commune.insee_code
        rows = open_rows(commune_rows(territory, today))
        by_month = {row[3]: row for row in rows if row[0] == insee}
        result = []
        for month in reversed(_months(first, last)):
            row = by_month.get(f"{month:%Y-%m}")
            if row is None:
                result.append(PublishedMonth(month, FEW, FEW, HIDDEN, 0))
            else:
                result.append(PublishedMonth(month, row[4], row[5], row[6], row[7]))
        return result
    return [_published(month) for month in reversed(last_months(area, MONTHS, today))]


def _published(month: Month) -> PublishedMonth:
    return PublishedMonth(
        month.month,
        volunteers(month.engaged),
        volunteers(month.active),
        hours(month.hours, month.active),
        month.missions_done,
    )


def month_range(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    current = first_of_month(today or timezone.localdate())
    return add_months(current, 1 - MONTHS), current


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


@dataclass(frozen=True)
class DepartmentPortal:
    """A department portal's line in the national table."""

    territory: Territory
    url: str  # its /chiffres/
    engaged: int | str
    communes: int
    hours: int | str
    missions_done: int


def department_portals(today: datetime.date | None = None) -> list[DepartmentPortal]:
    """The department portals' figures: the engaged volunteers and the communes where they live
    this month, the hours and missions done of the last 12 months; two queries (the portals,
    then the aggregates grouped by department)."""
    current = first_of_month(today or timezone.localdate())
    portals = list(
        Territory.objects.active()
        .filter(kind=Territory.Kind.DEPARTMENT)
        .select_related("department")
        .order_by("department__code")
    )
    this_month = Q(month=current)
    sums = (
        MonthFigures.objects.filter(
            month__gt=add_months(current, -12), department__in=[p.department_id for p in portals]
        )
        .values("department")
        .annotate(
            engaged_now=Sum("engaged", filter=this_month, default=0),
            communes=Count("pk", filter=this_month & Q(engaged__gt=0, commune__isnull=False)),
            minutes_year=Sum("minutes", default=0),
            missions_year=Sum("missions_done", default=0),
        )
    )
    by_department = {row["department"]: row for row in sums}
    result = []
    for portal in portals:
        row = by_department.get(portal.department_id, {})
        engaged = row.get("engaged_now", 0)
        result.append(
            DepartmentPortal(
                territory=portal,
                url=portal.url(reverse("pilotage:figures")),
                engaged=volunteers(engaged),
                communes=row.get("communes", 0),
                # Fewer than SMALL engaged now: the year's hours are most likely theirs.
                hours=hours(row.get("minutes_year", 0) // 60, engaged),
                missions_done=row.get("missions_year", 0),
            )
        )
    return result


def hours_chart(place: Place, months: list[PublishedMonth]) -> charts.Chart:
    """The hours month by month as published, oldest first: a hidden month is drawn as an
    empty column and said « non publié », in its bar and in the chart's table."""
    months = months[::-1]
    values = [m.hours if isinstance(m.hours, int) else 0 for m in months]
    chart = charts.month_chart(
        [m.month for m in months],
        values,
        title=f"Heures données par mois {place.in_}, sur {MONTHS} mois",
        unit="heures",
    )
    hidden = {charts.month_label(m.month) for m in months if not isinstance(m.hours, int)}
    chart.rows = [[label, HIDDEN if label in hidden else value] for label, value in chart.rows]
    chart.bars = [
        dataclasses.replace(bar, value=HIDDEN) if bar.label in hidden else bar for bar in chart.bars
    ]
    return chart


def departments_map(today: datetime.date | None = None) -> maps.FranceMap:
    """The map of France by department (maps.py): engaged volunteers this month per 10,000
    inhabitants; a department with fewer than SMALL is said « moins de 5 » (rule 1), in its
    contour's title and in the map's table."""
    current = first_of_month(today or timezone.localdate())
    engaged = dict(
        MonthFigures.objects.filter(month=current, department__isnull=False)
        .values_list("department__code")
        .annotate(n=Sum("engaged"))
        .order_by()
    )
    france = maps.france_map(engaged, national=True, mine=set())
    few = {code for code, n in engaged.items() if n < SMALL}
    france.regions = [
        dataclasses.replace(region, title=f"{region.name} ({region.code}) : {FEW} volontaires "
                            "engagés") if region.code in few else region
        for region in france.regions
    ]  # fmt: skip
    france.rows = [
        [row[0], FEW, HIDDEN] if row[0].rpartition("(")[2].rstrip(")") in few else row
        for row in france.rows
    ]
    return france


# --- Open data ---------------------------------------------------------------------------------

OpenRow = tuple  # (insee, commune, department code, "AAAA-MM", engaged, active, hours, missions)


def commune_rows(territory: Territory, today: datetime.date | None = None):
    """The portal's communes' months, ordered by department and month (each group is one
    department's month, rule 3): an iterator, 2,000 rows at a time."""
    first, last = month_range(today)
    rows = MonthFigures.objects.filter(commune__isnull=False, month__gte=first, month__lte=last)
    if territory.kind == Territory.Kind.DEPARTMENT:
        rows = rows.filter(department_id=territory.department_id)
    elif territory.kind == Territory.Kind.COMMUNE:
        # A commune's rule 3 is its department's: read them all, write its own.
        rows = rows.filter(department_id=territory.commune.department_id)
    return _ordered(rows)


def _ordered(rows):
    return (
        rows.order_by("department__code", "month", "commune__insee_code")
        .values_list(
            "commune__insee_code",
            "commune__name",
            "department__code",
            "month",
            "engaged",
            "active",
            "minutes",
            "missions_done",
        )
        .iterator(chunk_size=2000)
    )


def open_rows(rows: Iterable[tuple]) -> Iterator[OpenRow]:
    """The rows as published: rules 1 to 3, one department's month in memory at a time."""
    for _group, group in itertools.groupby(rows, key=lambda row: (row[2], row[3])):
        yield from _suppressed(list(group))


def _suppressed(group: list[tuple]) -> list[OpenRow]:
    engaged = [row[4] for row in group]
    active = [row[5] for row in group]
    given = [row[6] // 60 for row in group]
    hidden = {
        "engaged": {i for i, n in enumerate(engaged) if n < SMALL},
        "active": {i for i, n in enumerate(active) if n < SMALL},
    }
    hidden["hours"] = set(hidden["active"])
    values = {"engaged": engaged, "active": active, "hours": given}
    secondary = {}
    for column, cells in hidden.items():
        others = [i for i in range(len(group)) if i not in cells]
        if len(cells) == 1 and others:
            secondary[column] = min(others, key=lambda i: (values[column][i], i))
    published = []
    for i, (insee, name, department, month, *_counts, missions) in enumerate(group):
        cells = []
        for column in ("engaged", "active", "hours"):
            if secondary.get(column) == i:
                cells.append(HIDDEN)
            elif i in hidden[column]:
                cells.append(FEW if column != "hours" else HIDDEN)
            else:
                cells.append(values[column][i])
        published.append((insee, name, department, f"{month:%Y-%m}", *cells, missions))
    return published


class _Echo:
    """A file that gives back what is written to it, for csv.writer in a stream."""

    def write(self, value):
        return value


def csv_lines(territory: Territory, today: datetime.date | None = None) -> Iterator[str]:
    """The open data file, line by line (UTF-8 with its byte order mark, for spreadsheets)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([header for header, _definition in COLUMNS])
    rows = open_rows(commune_rows(territory, today))
    if territory.kind == Territory.Kind.COMMUNE:
        rows = (row for row in rows if row[0] == territory.commune.insee_code)
    for row in rows:
        yield writer.writerow(row)

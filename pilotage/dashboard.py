"""The admin's index as a dashboard (« Tableau de bord »): the key figures of the signed-in staff
member's territory, each with its definition, its charts and map, the table of its communes (or,
nationally, of the departments), and what waits for them (todo.py).

Everything is read from the aggregates (figures.py, tables.py, maps.py): a constant number of
queries whatever the size of the data. An elected official (Membership.Role.ELECTED) sees the
same figures without « à faire »: nothing on the page names a person."""

import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Case, Count, F, Func, IntegerField, OuterRef, Q, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from gestes.models import Geste
from heurecivique.months import add_months, first_of_month
from heurecivique.text import count_of
from mobilisation.models import Campaign, Crisis, WatchCall
from territories.models import Commune, Territory
from territories.scope import staff_scope
from volunteers.models import Volunteer
from volunteers.stats import engaged_volunteers

from . import aggregates, charts, figures, maps, tables
from .figures import Area
from .models import Export
from .todo import waiting_for

TOP = 10


@dataclass(frozen=True)
class Figure:
    """A key figure as printed: its value, what it is, a sentence of context, its definition."""

    name: str  # its key in figures.DEFINITIONS, and its id on the page
    value: str
    label: str
    context: str
    definition: str


def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)} %"


def evolution(now: int, before: int, then: str) -> str:
    """« +25 % par rapport à octobre », « pas de comparaison possible avec octobre (aucune
    heure) »: a change said in words."""
    if not before:
        return f"pas de comparaison possible avec {then} (aucune heure)"
    change = round((now - before) * 100 / before)
    if change == 0:
        return f"autant qu'en {then}"
    sign = "+" if change > 0 else "−"
    return f"{sign}{abs(change)} % par rapport à {then}"


def key_figures(area: Area, today) -> list[Figure]:
    key = figures.key_figures(area, today)
    this, last, year_ago = key.this_month, key.last_month, key.year_ago
    month_name = charts.MONTHS_LONG[this.month.month - 1]
    last_name = charts.MONTHS_LONG[last.month.month - 1]
    place = area.place.in_
    median = (
        "pas encore de mission pourvue sur 12 mois"
        if key.median_match_days is None
        else f"{charts.number(key.median_match_days)} "
        f"{'jour' if key.median_match_days < 2 else 'jours'} pour trouver un volontaire"
    )
    missions = key.missions
    return [
        Figure("engaged", charts.number(key.engaged), "volontaires engagés",
               f"{count_of(this.new_volunteers, 'nouveau volontaire', 'nouveaux volontaires')} "
               f"en {month_name}",
               figures.definition("engaged")),
        Figure("active", charts.number(key.active), f"volontaires actifs en {month_name}",
               f"{charts.number(last.active)} en {last_name}", figures.definition("active")),
        Figure("active_share", percent(key.active_share), "des engagés actifs ce mois-ci",
               f"{charts.number(this.engaged_active)} engagés sur "
               f"{charts.number(this.engaged)} ont noté une heure {place}",
               figures.definition("active_share")),
        Figure("hours", charts.number(this.hours), f"heures données en {month_name} (en cours)",
               f"{evolution(this.hours, last.hours, last_name)} ; "
               f"{evolution(this.hours, year_ago.hours, charts.month_label(year_ago.month))}",
               figures.definition("hours")),
        Figure("missions_open", charts.number(missions["ouverte"]), "missions ouvertes",
               f"{count_of(missions['pourvue'], 'pourvue', 'pourvues')}, "
               f"{count_of(missions['realisee'], 'réalisée', 'réalisées')}",
               " ".join(figures.definition(n) for n in
                        ("missions_open", "missions_filled", "missions_done"))),
        Figure("median_match_days",
               "—" if key.median_match_days is None
               else f"{charts.number(key.median_match_days)} j",
               "délai médian pour trouver un volontaire", median,
               figures.definition("median_match_days")),
        Figure("signatures", charts.number(key.signatures), "signataires de l'Appel",
               f"élus {area.place.of} dont la signature est publiée",
               figures.definition("signatures")),
    ]  # fmt: skip


def gestes_chart(area: Area, today) -> charts.Chart:
    current = first_of_month(today)
    top = figures.top_gestes(area, add_months(current, -11), current, TOP)
    titles = dict(Geste.objects.filter(pk__in=[pk for pk, _ in top]).values_list("pk", "title"))
    return charts.ranking_chart(
        [(titles.get(pk, "geste supprimé"), n) for pk, n in top],
        title="Les gestes les plus faits sur 12 mois",
        label_column="Geste",
        unit="heures notées",
    )


def where_chart(area: Area, today) -> charts.Chart:
    """Where the engaged volunteers live: a commune's quartiers (few rows, read from the
    profiles of one commune), a department's communes or the nation's departments (from the
    aggregates of the month)."""
    if area.kind == "commune":
        rows = (
            engaged_volunteers()
            .filter(commune__in=area.commune_ids)
            .values_list("quartier", "commune__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "quartier", "commune__name")[:TOP]
        )
        # Staff of several communes: each quartier named with its commune.
        several = len(area.commune_ids) > 1
        items = [
            (f"{quartier or 'quartier non renseigné'}{f' ({commune})' if several else ''}", n)
            for quartier, commune, n in rows
        ]
        return charts.ranking_chart(
            items, title="Où sont les volontaires : les quartiers",
            label_column="Quartier", unit="volontaires engagés",
        )  # fmt: skip
    month = area.month_rows().filter(month=first_of_month(today), engaged__gt=0)
    if area.national:
        rows = month.values_list("department__name").annotate(n=Sum("engaged"))
        rows = rows.order_by("-n", "department__name")
        title, column = "Où sont les volontaires : les 10 premiers départements", "Département"
    else:
        rows = month.filter(commune__isnull=False).values_list("commune__name").annotate(
            n=Sum("engaged")).order_by("-n", "commune__name")  # fmt: skip
        title, column = "Où sont les volontaires : les 10 premières communes", "Commune"
    return charts.ranking_chart(
        list(rows[:TOP]), title=title, label_column=column, unit="volontaires engagés"
    )


def france_map(area: Area, today) -> maps.FranceMap:
    month = area.month_rows().filter(month=first_of_month(today), department__isnull=False)
    engaged = dict(month.values_list("department__code").annotate(n=Sum("engaged")).order_by())
    if area.national:
        return maps.france_map(engaged, national=True, mine=set())
    communes = Commune.objects.filter(area.q("pk", "department"))
    if area.kind == "commune":
        population = dict(
            communes.values_list("department__code").annotate(n=Sum("population")).order_by()
        )
        return maps.france_map(engaged, national=False, mine=set(population), population=population)
    mine = set(communes.values_list("department__code", flat=True).distinct().order_by())
    return maps.france_map(engaged, national=False, mine=mine)


def _count(rows, field: str = "pk", function: str = "COUNT"):
    """A subquery's COUNT (or SUM) of `rows`, 0 when there is none."""
    total = rows.order_by().annotate(total=Func(F(field), function=function)).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def _on_crisis_territory(rows, commune_path: str):
    """The COUNT of `rows` on the communes of the crisis' territory (OuterRef: the crisis)."""
    return Case(
        When(
            territory__kind=Territory.Kind.COMMUNE,
            then=_count(rows.filter(**{commune_path: OuterRef("territory__commune_id")})),
        ),
        When(
            territory__kind=Territory.Kind.DEPARTMENT,
            then=_count(
                rows.filter(**{f"{commune_path}__department": OuterRef("territory__department_id")})
            ),
        ),
        default=_count(rows),
    )


def running_crises(scope) -> list[Crisis]:
    """The crises running on the staff member's territories and above them (the nation's, a
    commune's department's), with what they came to, counted without naming anyone: the
    messages sent to the volunteers and to how many, the volunteers available in an
    emergency, the watch calls made since it started. One query, whatever the data."""
    above = Q(territory__kind=Territory.Kind.NATIONAL)
    if not scope.is_national:
        communes = Territory.objects.filter(
            pk__in=scope.territory_ids, kind=Territory.Kind.COMMUNE
        ).values("commune__department_id")
        above |= Q(territory_id__in=scope.territory_ids) | Q(
            territory__kind=Territory.Kind.DEPARTMENT, territory__department_id__in=communes
        )
    sent = Campaign.objects.filter(
        crisis=OuterRef("pk"), kind=Campaign.Kind.CALL, status=Campaign.Status.SENT
    )
    available = Volunteer.objects.filter(emergency_available_at__isnull=False, user__isnull=False)
    calls = WatchCall.objects.filter(at__gte=OuterRef("starts_at"))
    crises = (
        Crisis.objects.running()
        .filter(above)
        .select_related("territory")
        .annotate(
            messages_sent=_count(sent),
            messages_recipients=_count(sent, "recipient_count", "SUM"),
            volunteers_available=_on_crisis_territory(available, "commune"),
            watch_calls=_on_crisis_territory(calls, "beneficiary__commune"),
        )
    )
    found = list(crises[:10])
    for crisis in found:
        crisis.is_mine = scope.is_national or crisis.territory_id in scope.territory_ids
    return found


def dashboard_context(request, site) -> dict:
    scope = staff_scope(request)
    territories = (
        []
        if scope.is_national
        else list(Territory.objects.filter(pk__in=scope.territory_ids).order_by("name"))
    )
    elected_only = scope.is_elected_only
    context = {
        "staff_is_national": scope.is_national,
        "staff_territories": [t.name for t in territories],
        "elected_only": elected_only,
        # Nothing waits for an elected official: they read, and never open a person's record.
        "waiting": [] if elected_only else waiting_for(request, site=site),
        "crises": [] if not (scope.is_national or scope.roles) else running_crises(scope),
    }
    if not elected_only and not context["crises"] and site.is_registered(Crisis):
        crisis_admin = site.get_model_admin(Crisis)
        if crisis_admin.has_add_permission(request):
            context["crisis_add_url"] = reverse(f"{site.name}:mobilisation_crisis_add")
    # An association's referent holds no territory: their missions are their whole admin.
    if not (scope.is_national or scope.roles):
        return context
    aggregates.ensure_recent()
    area = Area.of_staff(scope, territories)
    today = timezone.localdate()
    months = figures.last_months(area, 24, today)
    month_list = [m.month for m in months]
    return context | {
        "area": area,
        "figures": key_figures(area, today),
        "hours_chart": charts.month_chart(
            month_list,
            [m.hours for m in months],
            title=f"Heures données par mois {area.place.in_}, sur 24 mois",
            unit="heures",
        ),  # fmt: skip
        "active_chart": charts.month_chart(
            month_list,
            [m.active for m in months],
            title=f"Volontaires actifs par mois {area.place.in_}, sur 24 mois",
            unit="volontaires actifs",
            kind="line",
        ),  # fmt: skip
        "gestes_chart": gestes_chart(area, today),
        "where_chart": where_chart(area, today),
        # A single commune has no table of communes: its figures are above.
        "table": None
        if area.kind == "commune" and len(area.commune_ids) == 1
        else tables.territory_table(area, request.GET.get("tri"), request.GET.get("page"), today),
        "map": france_map(area, today),
        "files": _files(request, site),
    }


def _files(request, site) -> dict | None:
    """The links of « Fichiers et bilans »: ask for the élus' report or an export, and the files
    asked for (pilotage.admin.ExportAdmin), for those it opens to."""
    if not site.is_registered(Export):
        return None
    export_admin = site.get_model_admin(Export)
    if not export_admin.has_add_permission(request):
        return None
    add = reverse(f"{site.name}:pilotage_export_add")
    return {
        "bilan": f"{add}?{urlencode({'kind': Export.Kind.BILAN, 'format': Export.Format.PDF})}",
        "export": add,
        "list": reverse(f"{site.name}:pilotage_export_changelist"),
    }


def with_dashboard(index):
    """The admin site's index, with the dashboard (see the module's docstring) above the list
    of models."""

    @functools.wraps(index)
    def inner(request, extra_context=None):
        context = {**(extra_context or {}), **dashboard_context(request, index.__self__)}
        return index(request, extra_context=context)

    return inner

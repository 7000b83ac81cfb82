"""What the admin's long lists share, so that a page costs the same with a thousand rows or a
million: a count that PostgreSQL estimates where an exact one would read the whole table, and a
month filter whose choices come from the calendar, not from the data."""

import datetime
import json
import re

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections, models
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.functional import cached_property
from django.utils.text import capfirst

from .months import add_months, first_of_month
from .text import approximately

# Below this many rows (by the planner's estimate) a list is counted exactly: counting a few
# tens of thousands of rows through an index is cheap, and staff see the true figure.
EXACT_COUNT_BELOW = 50_000


def estimated_rows(queryset) -> int | None:
    """How many rows PostgreSQL's planner expects the query to return (an EXPLAIN, which runs
    nothing), or None on another database."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (`pk__in=[]`)
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Counts exactly, unless the planner expects at least EXACT_COUNT_BELOW rows and at least
    that many are there: then the count is its estimate (`is_estimate`), which the list shows
    as « environ 1,2 million d'heures données » (templates/admin/pagination.html)."""

    is_estimate = False

    @cached_property
    def count(self):
        estimate = estimated_rows(self.object_list)
        if estimate is None or estimate < EXACT_COUNT_BELOW:
            return super().count
        # The planner may be wrong by much: a list with fewer rows is counted exactly (reading
        # at most EXACT_COUNT_BELOW of them, in no particular order).
        at_most = self.object_list.order_by()[:EXACT_COUNT_BELOW].count()
        if at_most < EXACT_COUNT_BELOW:
            return at_most
        self.is_estimate = True
        return estimate

    @property
    def approximately(self) -> str:
        """« environ 1,2 million d'heures données »."""
        return approximately(self.count, self.object_list.model._meta.verbose_name_plural)


class MonthFilter(admin.FieldListFilter):
    """« Mois », on a date: each month of the current year and of the twelve months before it
    could stand alone, then the YEARS years before this one, then everything older. The choices
    come from today's date: no query over the rows (never a drill-down over every date a
    million rows hold)."""

    parameter_name = "mois"
    MONTHS = 12
    YEARS = 2

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = "mois"
        value = self.used_parameters.get(self.parameter_name)
        self.value = value[-1] if isinstance(value, list) else value

    def expected_parameters(self):
        return [self.parameter_name]

    def has_output(self):
        return True

    def lookups(self):
        this_month = first_of_month(timezone.localdate())
        months = [add_months(this_month, -n) for n in range(self.MONTHS)]
        years = [this_month.year - n for n in range(1, self.YEARS + 1)]
        return [
            *((f"{m:%Y-%m}", capfirst(format_date(m, "F Y"))) for m in months),
            *((str(year), f"Année {year}") for year in years),
            (f"avant-{years[-1]}", f"Avant {years[-1]}"),
        ]

    def choices(self, changelist):
        yield {
            "selected": self.value is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Tous",
        }
        for value, label in self.lookups():
            yield {
                "selected": self.value == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def period(self) -> tuple[datetime.date | None, datetime.date] | None:
        """The days chosen, as [start, end) (start None: since ever); None for all of them or
        a value typed by hand that names no period."""
        value = self.value or ""
        if match := re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", value):
            start = datetime.date(int(match[1]), int(match[2]), 1)
            return start, add_months(start, 1)
        if match := re.fullmatch(r"(avant-)?([1-9]\d{3})", value):
            year = int(match[2])
            if year == 9999 and not match[1]:
                return None  # the year after it has no date
            start = datetime.date(year, 1, 1)
            return (None, start) if match[1] else (start, datetime.date(year + 1, 1, 1))
        return None

    def queryset(self, request, queryset):
        period = self.period()
        if period is None:
            return queryset
        start, end = period
        if isinstance(self.field, models.DateTimeField):
            start, end = (
                day and timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
                for day in (start, end)
            )
        since = {f"{self.field_path}__gte": start} if start else {}
        return queryset.filter(**since, **{f"{self.field_path}__lt": end})


class SortedAsIndexedChangeList(ChangeList):
    """Django sorts by any column an address names (`?o=2`), even one `sortable_by` leaves
    out; this list only by those it lets the staff sort by."""

    def get_ordering_field(self, field_name):
        if field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)


class LongListAdmin:
    """A ModelAdmin mixin for the lists that grow with the programme (volunteers, hours, the
    follow-up's emails, the access log): counted by estimate past EXACT_COUNT_BELOW rows,
    without the count of the whole table next to a filtered one, and sorted only by the
    columns of `sortable_by`, which an index keeps in order."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return SortedAsIndexedChangeList

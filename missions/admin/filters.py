"""The filters of the missions' list: when (the missions to come by default), and what waits
for the staff (the links of the admin's « À faire », heurecivique/todo.py, lead there)."""

import datetime
import re

from django.contrib import admin
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import capfirst

from heurecivique.months import add_months, first_of_month

from ..models import Mission


class WhenFilter(admin.SimpleListFilter):
    """The missions to come by default; the past ones, or one month among the nearest, on
    demand (never a drill-down over every date there is)."""

    title = "date"
    parameter_name = "quand"
    UPCOMING, WEEK, PAST, TO_CLOSE, ALL = "a-venir", "semaine", "passees", "a-cloturer", "toutes"

    def lookups(self, request, model_admin):
        this_month = first_of_month(timezone.localdate())
        months = [add_months(this_month, n) for n in range(-2, 7)]
        return [
            (self.UPCOMING, "À venir"),
            (self.WEEK, "Dans les 7 jours"),
            (self.PAST, "Passées"),
            (self.TO_CLOSE, "Passées, à clôturer"),
            *((f"{m:%Y-%m}", capfirst(format_date(m, "F Y"))) for m in months),
            (self.ALL, "Toutes"),
        ]

    def choices(self, changelist):
        # No « Tout » first: « À venir » is what the list shows when nothing is chosen.
        current = self.value() or self.UPCOMING
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value, now = self.value() or self.UPCOMING, timezone.now()
        if value == self.UPCOMING:
            return queryset.filter(starts_at__gt=now)
        if value == self.WEEK:
            return queryset.filter(starts_at__gt=now, starts_at__lte=now + datetime.timedelta(7))
        if value == self.PAST:
            return queryset.filter(starts_at__lte=now)
        if value == self.TO_CLOSE:
            open_ = [Mission.Status.OPEN, Mission.Status.FILLED]
            return queryset.filter(starts_at__lte=now, status__in=open_)
        match = re.fullmatch(r"(20\d\d)-(0[1-9]|1[0-2])", value)
        if match is None:
            return queryset  # « Toutes », or an address typed by hand
        month = datetime.date(int(match[1]), int(match[2]), 1)
        start, end = (
            timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
            for day in (month, add_months(month, 1))
        )
        return queryset.filter(starts_at__gte=start, starts_at__lt=end)


class WaitingFilter(admin.SimpleListFilter):
    """What waits for the staff: the links of the admin's « À faire » lead here."""

    title = "suivi"
    parameter_name = "a_suivre"
    WAITING = {
        "propositions": ("Des propositions à examiner", lambda qs: qs.with_offers_to_examine()),
        "a-pourvoir": ("À pourvoir d'ici 7 jours", lambda qs: qs.short_of_volunteers(7)),
        "souci": ("Un souci signalé", lambda qs: qs.with_problem()),
    }

    def lookups(self, request, model_admin):
        return [(value, label) for value, (label, _narrow) in self.WAITING.items()]

    def queryset(self, request, queryset):
        if self.value() in self.WAITING:
            return self.WAITING[self.value()][1](queryset)
        return queryset

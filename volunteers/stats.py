"""The programme's counters for a portal: aggregate queries, cached a few minutes."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from .models import CivicHour, Volunteer, first_of_month

CACHE_SECONDS = 300


@dataclass(frozen=True)
class Counters:
    volunteers: int
    communes: int
    hours_this_month: int
    hours_total: int


def _hours(queryset) -> int:
    return (queryset.aggregate(minutes=Sum("minutes"))["minutes"] or 0) // 60


def counters_for(territory) -> Counters:
    """Volunteers, communes with volunteers and hours given, on the portal's communes."""
    key = f"volunteers:counters:{territory.pk or 'national'}"
    counters = cache.get(key)
    if counters is None:
        volunteers = Volunteer.objects.in_territory(territory)
        hours = CivicHour.objects.in_territory(territory)
        counters = Counters(
            volunteers=volunteers.count(),
            communes=volunteers.values("commune").distinct().count(),
            hours_this_month=_hours(hours.in_month(first_of_month(timezone.localdate()))),
            hours_total=_hours(hours),
        )
        cache.set(key, counters, CACHE_SECONDS)
    return counters

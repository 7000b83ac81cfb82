"""The programme's public figures: each one counted here, and said here in the words the pages
print next to it, so that what a page claims is what the query counts.

Aggregate queries (a constant number whatever the data), cached a few minutes: the cache only
spares the queries, the figures are computed from the database when it does not answer."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from heurecivique.months import first_of_month

from .models import CivicHour, Volunteer

CACHE_SECONDS = 300
CACHE_MINUTES = CACHE_SECONDS // 60

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
    key = f"volunteers:counters:{territory.pk}"
    counters = cache.get(key)
    if counters is None:
        volunteers = engaged_volunteers().on_portal(territory)
        hours = CivicHour.objects.on_portal(territory)
        counters = Counters(
            volunteers=volunteers.count(),
            communes=volunteers.values("commune").distinct().count(),
            hours_this_month=_hours(hours.in_month(first_of_month(timezone.localdate()))),
            hours_total=_hours(hours),
        )
        cache.set(key, counters, CACHE_SECONDS)
    return counters


def done_by(geste) -> int:
    """On a geste's page: the volunteers who noted at least one hour for it (those who left
    since included: they did it)."""
    return CivicHour.objects.filter(geste=geste).values("volunteer").distinct().count()


def definitions(*names: str) -> list[str]:
    """The definitions of these counters, as sentences to print under them."""
    return [f"{DEFINITIONS[name][0].upper()}{DEFINITIONS[name][1:]}." for name in names]

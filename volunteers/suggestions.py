"""Which gestes to suggest to a volunteer for a month: in the reminder email and on the page
its « Proposez-moi un geste » button opens."""

import datetime
from dataclasses import dataclass

from gestes.models import Geste, MonthTheme, month_mask

from .models import Volunteer


@dataclass(frozen=True)
class Candidate:
    """A geste of the portal, with its score before the volunteer's interests."""

    geste: Geste
    score: int
    theme_ids: frozenset[int]


def candidates(territory, month: datetime.date, theme: MonthTheme | None) -> list[Candidate]:
    """The published gestes of the portal, scored: the month's theme 4, the season 2. The same
    for every volunteer of the portal: an email batch reads them once."""
    featured = set(theme.gestes.values_list("pk", flat=True)) if theme else set()
    season = month_mask([month.month])
    return [
        Candidate(
            geste,
            4 * (geste.pk in featured) + 2 * bool(geste.months & season),
            frozenset(t.pk for t in geste.themes.all()),
        )
        for geste in Geste.objects.published().visible_in(territory).prefetch_related("themes")
    ]


def suggested_gestes(
    volunteer: Volunteer,
    territory,
    month: datetime.date,
    *,
    among: list[Candidate] | None = None,
    count: int = 3,
) -> list[Geste]:
    """Gestes for this volunteer this month: the month's theme first, then the season, then
    their interests; never one they did in the last six months. The order varies from one
    volunteer and month to the next. `among`: the portal's candidates, when already read. Reads
    the volunteer's interests and hours from `prefetch_related` when present."""
    if among is None:
        among = candidates(territory, month, MonthTheme.objects.for_month(territory, month.month))
    interests = {theme.pk for theme in volunteer.interests.all()}
    since = month - datetime.timedelta(days=183)
    recent = {hour.geste_id for hour in volunteer.hours.all() if hour.done_on >= since}

    def rank(candidate: Candidate):
        shuffle = (candidate.geste.pk * 7919 + volunteer.pk * 31 + month.month * 101) % 997
        return (-(candidate.score + bool(candidate.theme_ids & interests)), shuffle)

    kept = [c for c in among if c.geste.pk not in recent]
    return [c.geste for c in sorted(kept, key=rank)[:count]]

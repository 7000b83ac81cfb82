"""A volunteer's months: what was given, the streak, the milestones. Read-only, few queries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from heurecivique.months import first_of_month, next_month, previous_month

from .models import Volunteer

YEAR_OF_MINUTES = 12 * 60


def format_duration(minutes: int) -> str:
    """75 → « 1 h 15 », 45 → « 45 min », 120 → « 2 h »."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


@dataclass(frozen=True)
class Month:
    month: datetime.date
    minutes: int
    actions: int
    paused: bool

    @property
    def done(self) -> bool:
        return self.actions > 0


@dataclass(frozen=True)
class Milestone:
    title: str
    description: str
    reached: bool


@dataclass(frozen=True)
class Progress:
    months: list[Month]  # newest first, from the current month back to the first pledge
    current_streak: int
    best_streak: int

    @property
    def this_month(self) -> Month:
        return self.months[0]

    @property
    def total_minutes(self) -> int:
        return sum(m.minutes for m in self.months)

    @property
    def total_actions(self) -> int:
        return sum(m.actions for m in self.months)

    @property
    def milestones(self) -> list[Milestone]:
        return [
            Milestone("Première heure", "Votre première heure donnée.", self.total_actions >= 1),
            Milestone(
                "Trois mois d'affilée",
                "Une heure chaque mois, trois mois de suite.",
                self.best_streak >= 3,
            ),
            Milestone(
                "Une année civique",
                "Douze heures données en tout.",
                self.total_minutes >= YEAR_OF_MINUTES,
            ),
        ]


def _paused_months(volunteer: Volunteer) -> set[datetime.date]:
    """Months the pledge was paused from their first day to their last (so far, for the
    current month): a pause of a few days leaves its month an ordinary one."""
    spans = sorted(
        (pause.started_on, pause.ended_on or datetime.date.max)
        for pledge in volunteer.pledges.all()
        for pause in pledge.pauses.all()
    )
    merged: list[list[datetime.date]] = []
    for start, end in spans:  # back-to-back pauses make one
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    today = timezone.localdate()
    paused = set()
    for start, end in merged:  # paused on [start, end): `end` is the day it resumed
        month = start if start.day == 1 else next_month(start)
        while month <= today:
            # The current month counts while the pause goes on; a past month, if paused to its
            # last day.
            if not (end > today if month == first_of_month(today) else next_month(month) <= end):
                break
            paused.add(month)
            month = next_month(month)
    return paused


def streaks(months: list[Month]) -> tuple[int, int]:
    """(current, best) runs of months with an hour; a paused month neither counts nor breaks.

    The current month does not break the current streak while it is still under way.
    """
    current = best = run = 0
    current_known = False
    for index, month in enumerate(months):  # newest first
        if month.done:
            run += 1
        elif month.paused or index == 0:
            continue
        else:
            if not current_known:
                current, current_known = run, True
            best = max(best, run)
            run = 0
    if not current_known:
        current = run
    return current, max(best, run)


def progress_for(volunteer: Volunteer) -> Progress:
    """The volunteer's months since their first pledge, from their hours, pledges and pauses:
    the prefetched ones when they are (`prefetch_related("hours", "pledges__pauses")`, as a
    batch of emails reads them), else three queries."""
    pledges = list(volunteer.pledges.all())
    today = timezone.localdate()
    totals = defaultdict(lambda: [0, 0])  # month: [minutes, actions]
    for hour in volunteer.hours.all():
        month = totals[first_of_month(hour.done_on)]
        month[0] += hour.minutes
        month[1] += 1
    paused = _paused_months(volunteer)
    first = min([p.started_on for p in pledges] + list(totals) or [today])
    months = []
    month = first_of_month(today)
    while month >= first_of_month(first):
        minutes, actions = totals.get(month, (0, 0))
        months.append(Month(month, minutes, actions, month in paused))
        month = previous_month(month)
    current, best = streaks(months)
    return Progress(months=months, current_streak=current, best_streak=best)

"""Streaks and milestones: months with no hour break the streak, paused months do not."""

import datetime

from django.utils import timezone

from heurecivique.months import first_of_month, previous_month
from volunteers.models import PledgePause
from volunteers.progress import Month, progress_for, streaks

from ..factories import CivicHourFactory, VolunteerFactory


def _months(*states):
    """Newest first: "x" an hour given, "p" paused, "-" nothing."""
    month = datetime.date(2026, 11, 1)
    result = []
    for state in states:
        result.append(Month(month, 60 if state == "x" else 0, int(state == "x"), state == "p"))
        month = previous_month(month)
    return result


def test_consecutive_months_make_a_streak():
    assert streaks(_months("x", "x", "x")) == (3, 3)


def test_a_month_without_an_hour_breaks_the_streak():
    assert streaks(_months("x", "-", "x", "x", "x")) == (1, 3)


def test_a_paused_month_neither_breaks_nor_counts():
    assert streaks(_months("x", "p", "p", "x", "-", "x")) == (2, 2)


def test_the_month_under_way_does_not_break_the_streak_yet():
    assert streaks(_months("-", "x", "x")) == (2, 2)
    assert streaks(_months("-", "-", "x")) == (0, 1)


def test_nothing_given_means_no_streak():
    assert streaks(_months("-", "-", "-")) == (0, 0)


def _month_ago(n):
    month = first_of_month(timezone.localdate())
    for _ in range(n):
        month = previous_month(month)
    return month


def test_progress_reads_the_hours_and_the_pauses(db):
    volunteer = VolunteerFactory(pledge=_month_ago(5))
    for months_ago in (4, 3, 1):
        CivicHourFactory(
            volunteer=volunteer, done_on=_month_ago(months_ago) + datetime.timedelta(3)
        )
    CivicHourFactory(volunteer=volunteer, done_on=_month_ago(1) + datetime.timedelta(5), minutes=30)
    pledge = volunteer.pledges.get()
    # Paused from the end of one month to the start of the next but one: the month between
    # was paused all month.
    PledgePause.objects.create(
        pledge=pledge, started_on=_month_ago(3) + datetime.timedelta(20),
        ended_on=_month_ago(1) + datetime.timedelta(2),
    )  # fmt: skip

    progress = progress_for(volunteer)
    assert [m.month for m in progress.months] == [_month_ago(n) for n in range(6)]
    assert progress.months[1].minutes == 90 and progress.months[1].actions == 2
    assert progress.months[2].paused and not progress.months[2].done
    # 1 month ago, (2 paused), 3 and 4 months ago: a streak of three.
    assert progress.current_streak == 3
    assert progress.total_minutes == 210
    reached = {m.title: m.reached for m in progress.milestones}
    assert reached == {
        "Première heure": True,
        "Trois mois d'affilée": True,
        "Une année civique": False,
    }


def test_twelve_hours_make_a_civic_year(db):
    volunteer = VolunteerFactory(pledge=_month_ago(12))
    for months_ago in range(12):
        CivicHourFactory(volunteer=volunteer, done_on=_month_ago(months_ago))
    reached = {m.title: m.reached for m in progress_for(volunteer).milestones}
    assert reached["Une année civique"]


def test_a_new_volunteer_has_one_month_and_no_milestone(db):
    volunteer = VolunteerFactory(pledge=timezone.localdate())
    progress = progress_for(volunteer)
    assert len(progress.months) == 1
    assert progress.current_streak == 0
    assert not any(m.reached for m in progress.milestones)


def test_only_a_month_paused_from_its_first_to_its_last_day_is_paused(db):
    volunteer = VolunteerFactory(pledge=_month_ago(4))
    pledge = volunteer.pledges.get()
    # A pause of a few days three months ago, and a pause resumed the same day this month.
    pledge.pauses.create(
        started_on=_month_ago(3) + datetime.timedelta(2),
        ended_on=_month_ago(3) + datetime.timedelta(9),
    )
    pledge.pauses.create(started_on=timezone.localdate(), ended_on=timezone.localdate())
    # Two pauses back to back cover two months ago.
    pledge.pauses.create(started_on=_month_ago(2), ended_on=_month_ago(2) + datetime.timedelta(9))
    pledge.pauses.create(started_on=_month_ago(2) + datetime.timedelta(9), ended_on=_month_ago(1))
    assert [m.paused for m in progress_for(volunteer).months] == [False, False, True, False, False]


def test_the_current_month_is_paused_while_a_pause_from_before_it_goes_on(db):
    volunteer = VolunteerFactory(pledge=_month_ago(4))
    volunteer.pledges.get().pauses.create(started_on=_month_ago(1) + datetime.timedelta(5))
    assert [m.paused for m in progress_for(volunteer).months][:2] == [True, False]

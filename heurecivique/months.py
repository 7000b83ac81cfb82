"""Month arithmetic, in one place: a month is the date of its first day."""

import calendar
import datetime


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (earlier if negative); past the month's end, its last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last_day))


def next_month(day: datetime.date) -> datetime.date:
    """The first day of the month after `day`'s."""
    return add_months(first_of_month(day), 1)


def previous_month(day: datetime.date) -> datetime.date:
    """The first day of the month before `day`'s."""
    return add_months(first_of_month(day), -1)


def last_of_month(day: datetime.date) -> datetime.date:
    """The last day of `day`'s month."""
    return next_month(day) - datetime.timedelta(days=1)


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """How many month boundaries lie between two days: 0 within a month, 1 from May to June."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month

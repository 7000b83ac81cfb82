"""Celery tasks of the year's follow-up: plan the day's emails, send them, sweep the lost ones
(how each email goes out exactly once: volunteers/follow_up/sending.py). Each night,
`anonymise_inactive` anonymises the accounts unused for two years once warned (inactivity.py).
Every few minutes `refresh_figures` counts the portals' public figures (stats.py).
"""

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from heurecivique.text import long_date

from . import inactivity, stats
from .follow_up import sending

logger = logging.getLogger(__name__)


def emails(count: int, participle: str) -> str:
    """« 0 courriel prévu », « 1 courriel prévu », « 3 courriels prévus »."""
    plural = "s" if count >= 2 else ""
    return f"{count} courriel{plural}" + (f" {participle}{plural}" if participle else "")


def _day(day: str | None) -> datetime.date:
    return datetime.date.fromisoformat(day) if day else timezone.localdate()


@shared_task
def dispatch(day: str | None = None) -> int:
    """Plan and queue the follow-up emails due on `day` (ISO date; default: today in Paris).
    Returns how many were planned."""
    day = _day(day)
    planned = sending.plan(day)
    # Printed next to send_reminders' own French output: the operator reads one language.
    logger.info("Suivi du %s : %s.", long_date(day), emails(planned, "prévu"))
    return planned


@shared_task
def send_deliveries(ids: list[int]) -> None:
    """Send these planned emails over one SMTP connection."""
    sending.send(ids)


@shared_task
def requeue_stale() -> int:
    """Queue again the emails still waiting long after their turn: their task was lost."""
    count = sending.requeue_stale()
    if count:
        logger.warning("%s de suivi remis dans la file.", emails(count, ""))
    return count


@shared_task
def anonymise_inactive(day: str | None = None) -> int:
    """Anonymise the accounts unused for two years whose last warning went out a week ago
    (ISO date; default: today in Paris). Returns how many."""
    return inactivity.anonymise_inactive(day=_day(day))


@shared_task
def refresh_figures() -> int:
    """Every portal's public counters, counted together (volunteers/stats.py)."""
    return stats.refresh()

"""Celery tasks of the missions, run by beat: the emails of the day before and of the day after
(every few minutes, each exactly once: reminders.py), and each night the helped people kept
past their retention forgotten."""

import logging

from celery import shared_task

from . import people, reminders

logger = logging.getLogger(__name__)


@shared_task
def send_day_emails() -> int:
    """Write the reminders and the « ça s'est bien passé ? » due now; how many."""
    return reminders.send_due()


@shared_task
def anonymise_beneficiaries() -> int:
    """Anonymise the helped people whose last mission is past their retention; how many."""
    count = people.anonymise_beneficiaries()
    if count:
        logger.info("%d personne(s) aidée(s) anonymisée(s).", count)
    return count

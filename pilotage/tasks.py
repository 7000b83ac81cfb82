"""Celery tasks of the cockpit: count the aggregates again (aggregates.py), send the quarterly
report (sending.py)."""

from celery import shared_task

from . import aggregates, sending


@shared_task
def count_recent() -> int:
    return aggregates.count_recent()


@shared_task
def count_all() -> int:
    return aggregates.count_all()


@shared_task
def send_quarterly_reports() -> int:
    """The last quarter's « bilan » to those who asked for it (sending.py): run on the first
    days of each quarter, it sends each report once however many times it runs."""
    return sending.send_quarterly()

"""Celery tasks of the cockpit: count the aggregates again (aggregates.py)."""

from celery import shared_task

from . import aggregates


@shared_task
def count_recent() -> int:
    return aggregates.count_recent()


@shared_task
def count_all() -> int:
    return aggregates.count_all()

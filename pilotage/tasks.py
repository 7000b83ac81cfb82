"""Celery tasks of the cockpit: count the aggregates again (aggregates.py)."""

from celery import shared_task

from . import aggregates, exports


@shared_task
def count_recent() -> int:
    return aggregates.count_recent()


@shared_task
def count_all() -> int:
    return aggregates.count_all()


@shared_task
def prepare_export(pk: int) -> bool:
    return exports.prepare(pk)


@shared_task
def delete_old_exports() -> int:
    return exports.delete_old()

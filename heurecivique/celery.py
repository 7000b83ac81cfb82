"""The Celery application: broker and schedule come from Django settings (CELERY_*)."""

import logging
import os
import time

from celery import Celery
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heurecivique.settings")

app = Celery("heurecivique")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)

# After the broker failed to take a task, a process leaves it alone this long.
BROKER_RETRY_AFTER = 5.0
_broker_down_until = 0.0


def publish(task, *args, countdown: float | None = None) -> bool:
    """Queue a task without holding up the request when the broker is down: it is given a
    short time (CELERY_BROKER_TRANSPORT_OPTIONS), then the failure is logged and False
    returned. The work itself is in the database (OutgoingEmail, Delivery rows), where a
    sweeper finds it once the broker is back."""
    global _broker_down_until
    if app.conf.task_always_eager:
        task.apply_async(args, countdown=countdown)  # runs here and now (`make run`, tests)
        return True
    if time.monotonic() < _broker_down_until:
        return False
    try:
        task.apply_async(args, countdown=countdown, retry=False)
    except (OperationalError, RedisError, OSError) as error:
        logger.warning("The broker did not take %s (%s): left for the sweeper.", task.name, error)
        _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER
        return False
    return True

import logging

from celery import shared_task
from django.utils import timezone

from .models import Download

logger = logging.getLogger(__name__)


@shared_task
def forget_visitors() -> int:
    """Once a day is over, its visitor keys have told apart what they had to: the counts
    stay, the keys go (a download counted before today needs no visitor any more)."""
    forgotten = Download.objects.filter(day__lt=timezone.localdate()).exclude(visitor="")
    return forgotten.update(visitor="")

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from .models import AccessRecord

logger = logging.getLogger(__name__)


@shared_task
def forget_old_access_records() -> int:
    """The access log is kept a year (AccessRecord.KEPT_DAYS), then erased."""
    limit = timezone.now() - datetime.timedelta(days=AccessRecord.KEPT_DAYS)
    deleted, _by_model = AccessRecord.objects.filter(at__lt=limit).delete()
    if deleted:
        logger.info("%d access record(s) older than a year erased.", deleted)
    return deleted

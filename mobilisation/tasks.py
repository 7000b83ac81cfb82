import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task
def purge_signatures() -> int:
    """Erase unconfirmed signatures whose link expired, and refused ones after three months."""
    erased = services.purge()
    if erased:
        logger.info("%d signature(s) of the Appel erased.", erased)
    return erased

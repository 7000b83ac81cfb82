import logging

from celery import shared_task

from . import crises, services

logger = logging.getLogger(__name__)


@shared_task
def purge_signatures() -> int:
    """Erase unconfirmed signatures whose link expired, and refused ones after three months."""
    erased = services.purge()
    if erased:
        logger.info("%d signature(s) of the Appel erased.", erased)
    return erased


@shared_task
def end_past_crises() -> int:
    """End the crises whose end date has passed (each through crises.end, once)."""
    ended = crises.end_past()
    if ended:
        logger.info("%d crisis mode(s) ended on their end date.", ended)
    return ended

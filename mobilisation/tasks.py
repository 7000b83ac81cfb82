import logging

from celery import shared_task

from . import calls, services

logger = logging.getLogger(__name__)


@shared_task
def purge_signatures() -> int:
    """Erase unconfirmed signatures whose link expired, and refused ones after three months."""
    erased = services.purge()
    if erased:
        logger.info("%d signature(s) of the Appel erased.", erased)
    return erased


@shared_task
def send_call_batch(ids: list[int]) -> int:
    """Hand a batch of « Messages aux volontaires » to the outbox, each exactly once."""
    return calls.send_batch(ids)


@shared_task
def requeue_calls() -> int:
    """Queue again the messages whose task was lost."""
    return calls.requeue_stale()

import datetime
import logging

from celery import shared_task

from . import calls, crises, services, watch

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


@shared_task
def send_watch_mornings(at: str | None = None) -> int:
    """Write the heatwave watch's morning emails due now (or `at`, an ISO moment: the tests'
    morning), each once per volunteer and day; how many."""
    return watch.send_mornings(datetime.datetime.fromisoformat(at) if at else None)


@shared_task
def send_call_batch(ids: list[int]) -> int:
    """Hand a batch of « Messages aux volontaires » to the outbox, each exactly once."""
    return calls.send_batch(ids)


@shared_task
def requeue_calls() -> int:
    """Queue again the messages whose task was lost."""
    return calls.requeue_stale()

"""The follow-up emails planned and sent, exactly once per person, kind and month:
- `plan` writes a Delivery row (unique per user, kind and month) for each email due, then
  queues their sending with the ids, once the rows are committed. Running it twice finds
  nothing new to plan.
- `send` locks each row still waiting, sends, and marks it sent in the same transaction. A
  batch sent twice (a worker killed and its message redelivered) skips the rows already sent.
  The one window left is a worker dying between the SMTP server's « 250 » and the commit: that
  email goes out again, with the same Message-ID for the receiving side to merge.
- `requeue_stale` queues again the rows whose task was lost (Redis emptied, say).
Temporary SMTP errors (4xx, connection lost) are retried with a doubling delay, up to
REMINDER_MAX_ATTEMPTS; a permanent refusal of the address (5xx) marks it as bouncing.
The Celery tasks that run these are in volunteers/tasks.py.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from heurecivique.celery import publish
from heurecivique.email import describe_failure, permanent_refusal

from ..models import Delivery
from .emails import Composer
from .planning import due_on
from .rules import reason_not_to_send

logger = logging.getLogger(__name__)

# Rows waiting longer than this without being sent have lost their task.
STALE_AFTER = datetime.timedelta(hours=2)


def _enqueue(ids, countdown: float | None = None) -> None:
    """Queue the sending of these deliveries in batches, once the current transaction commits."""
    from ..tasks import send_deliveries

    size = settings.REMINDER_BATCH_SIZE
    for start in range(0, len(ids), size):
        batch = list(ids[start : start + size])
        transaction.on_commit(
            lambda batch=batch: publish(send_deliveries, batch, countdown=countdown), robust=True
        )


def plan(day: datetime.date) -> int:
    """Write the rows of the emails due on `day` and queue their sending; how many were due."""
    planned = 0
    for chunk in due_on(day):
        with transaction.atomic():
            Delivery.objects.bulk_create(
                [
                    Delivery(
                        user_id=due.user_id,
                        kind=due.kind,
                        month=due.month,
                        territory_id=due.territory_id,
                    )
                    for due in chunk
                ],
                ignore_conflicts=True,
            )
            # The rows of this chunk still waiting, whether just written or by an earlier run.
            ids = list(
                Delivery.objects.filter(
                    user_id__in=[due.user_id for due in chunk],
                    month__in={due.month for due in chunk},
                    kind__in={due.kind for due in chunk},
                    status=Delivery.Status.QUEUED,
                )
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            _enqueue(ids)
        planned += len(chunk)
    return planned


def send(ids: list[int]) -> None:
    """Send these planned emails over one SMTP connection."""
    connection = get_connection(fail_silently=False)
    composer = Composer()
    try:
        for pk in ids:
            _send_one(pk, connection, composer)
    finally:
        connection.close()


def _send_one(pk: int, connection, composer: Composer) -> None:
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user__volunteer", "territory")
            .filter(pk=pk, status=Delivery.Status.QUEUED)
            .first()
        )
        if delivery is None:  # sent already, or another worker holds it
            return
        volunteer = getattr(delivery.user, "volunteer", None)
        if volunteer is not None:
            prefetch_related_objects([volunteer], "pledges__pauses")
        if reason := reason_not_to_send(delivery):
            delivery.status, delivery.detail = Delivery.Status.SKIPPED, reason
            delivery.save(update_fields=["status", "detail"])
            return
        try:
            with transaction.atomic():  # a savepoint: a failing query leaves the row usable
                message = composer.message(delivery, connection)
        except Exception as error:
            # A bug must not hold up the rest of the batch, nor come back every sweep.
            logger.exception("Envoi %s : le courriel n'a pas pu être écrit.", delivery.pk)
            delivery.status = Delivery.Status.FAILED
            delivery.detail = f"Courriel impossible à écrire : {type(error).__name__}"
            delivery.save(update_fields=["status", "detail"])
            return
        delivery.attempts += 1
        try:
            connection.open()  # a no-op while the connection is up
            message.send()
        except (smtplib.SMTPException, OSError) as error:
            connection.close()  # start afresh for the next email
            _record_failure(delivery, error)
        else:
            delivery.status, delivery.sent_at, delivery.detail = (
                Delivery.Status.SENT,
                timezone.now(),
                "",
            )
        delivery.save(update_fields=["status", "sent_at", "detail", "attempts", "enqueued_at"])


def _record_failure(delivery: Delivery, error: Exception) -> None:
    # Not the server's message: it repeats the address, which staff may not see.
    delivery.detail = describe_failure(error)
    if code := permanent_refusal(error):
        delivery.status = Delivery.Status.BOUNCED
        delivery.user.email_bounced_at = timezone.now()
        delivery.user.save(update_fields=["email_bounced_at"])
        logger.warning(
            "Envoi %s : adresse refusée (%s), plus aucun courriel vers elle.", delivery.pk, code
        )
    elif isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500:
        delivery.status = Delivery.Status.FAILED
    elif delivery.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        delivery.status = Delivery.Status.FAILED
        logger.warning(
            "Envoi %s : échec après %d essais (%s).", delivery.pk, delivery.attempts, error
        )
    else:
        delay = settings.REMINDER_RETRY_DELAY * 2 ** (delivery.attempts - 1)
        delivery.enqueued_at = timezone.now() + datetime.timedelta(seconds=delay)
        _enqueue([delivery.pk], countdown=delay)


def requeue_stale() -> int:
    """Queue again the emails still waiting long after their turn: their task was lost."""
    stale = Delivery.objects.filter(
        status=Delivery.Status.QUEUED, enqueued_at__lt=timezone.now() - STALE_AFTER
    )
    with transaction.atomic():
        ids = list(stale.order_by("pk").values_list("pk", flat=True)[:50_000])
        Delivery.objects.filter(pk__in=ids).update(enqueued_at=timezone.now())
        _enqueue(ids)
    return len(ids)


def resend(delivery: Delivery) -> None:
    """Send an email again (from the admin): the same row, waiting once more."""
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.QUEUED, attempts=0, detail="", enqueued_at=timezone.now()
        )
        _enqueue([delivery.pk])

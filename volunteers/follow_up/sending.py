"""The follow-up emails planned and sent, exactly once per person, kind and month:
- `plan` writes a Delivery row (unique per user, kind and month) for each email due, then
  queues their sending with the ids, once the rows are committed. Running it twice finds
  nothing new to plan.
- `send` reads a batch in a handful of queries, whatever its size: the rows still waiting, with
  what their emails and rules.reason_not_to_send read (emails.Composer). Then each email has its
  own transaction: one UPDATE marks its row sent, which locks the row (one another worker holds
  is skipped: SKIP LOCKED); the email goes out; the commit follows the SMTP server's « 250 ». A
  refused email turns the row, still locked, into a retry, a failure or a bounce before the
  commit. A batch sent twice (a worker killed and its message redelivered) finds the rows
  already sent and leaves them. The one window left is a worker dying between the SMTP server's
  « 250 » and the commit: that email goes out again, with the same Message-ID for the receiving
  side to merge. What rules.py checks before each email (a pause, an unsubscription, an hour
  logged since the planning) is read with the batch, seconds before the email goes out.
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
from django.db import connection as database
from django.db import transaction
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
            # The rows of this chunk still waiting, whether just written or by an earlier run,
            # portal by portal: a batch reads once what the emails of a portal share.
            ids = list(
                Delivery.objects.filter(
                    user_id__in=[due.user_id for due in chunk],
                    month__in={due.month for due in chunk},
                    kind__in={due.kind for due in chunk},
                    status=Delivery.Status.QUEUED,
                )
                .order_by("territory_id", "pk")
                .values_list("pk", flat=True)
            )
            _enqueue(ids)
        planned += len(chunk)
    return planned


def send(ids: list[int]) -> None:
    """Send these planned emails over one SMTP connection: the batch is read in a handful of
    queries, then each email costs one UPDATE."""
    deliveries = list(
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.QUEUED)
        .select_related("user", "territory")
        .order_by("pk")
    )
    composer = Composer(deliveries)
    connection = get_connection(fail_silently=False)
    try:
        for delivery in deliveries:
            _send_one(delivery, connection, composer)
    finally:
        connection.close()


def _send_one(delivery: Delivery, connection, composer: Composer) -> None:
    if reason := reason_not_to_send(delivery):
        _settle(delivery, status=Delivery.Status.SKIPPED, detail=reason)
        return
    try:
        message = composer.message(delivery, connection)
    except Exception as error:
        # A bug must not hold up the rest of the batch, nor come back every sweep.
        logger.exception("Envoi %s : le courriel n'a pas pu être écrit.", delivery.pk)
        _settle(
            delivery,
            status=Delivery.Status.FAILED,
            detail=f"Courriel impossible à écrire : {type(error).__name__}",
        )
        return
    # The row, marked sent and locked, commits once the SMTP server has taken the email.
    with transaction.atomic():
        if not _claim(delivery):  # sent already, or another worker holds it
            return
        try:
            connection.open()  # a no-op while the connection is up
            message.send()
        except (smtplib.SMTPException, OSError) as error:
            connection.close()  # start afresh for the next email
            _record_failure(delivery, error)


def _settle(delivery: Delivery, **fields) -> None:
    """Record why a delivery ends without being sent, unless it was settled meanwhile."""
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.QUEUED).update(**fields)


def _claim(delivery: Delivery) -> bool:
    """Mark the row sent, in one statement that locks it until the transaction ends; False
    when it waits no more or another worker holds it (a batch redelivered: SKIP LOCKED).

    Written in SQL: this runs once per email, and the ORM takes three times as long to build
    the statement as the database to run it."""
    table = database.ops.quote_name(Delivery._meta.db_table)
    lock = ""
    if database.features.has_select_for_update_skip_locked:  # SQLite: one writer at a time
        lock = database.ops.for_update_sql(skip_locked=True)
    with database.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, detail = '', attempts = attempts + 1"
            f" WHERE id = (SELECT id FROM {table} WHERE id = %s AND status = %s {lock})",
            [Delivery.Status.SENT, timezone.now(), delivery.pk, Delivery.Status.QUEUED],
        )
        claimed = cursor.rowcount
    delivery.attempts += claimed
    return bool(claimed)


def _record_failure(delivery: Delivery, error: Exception) -> None:
    """Turn the row claimed as sent, still locked, into a retry later, a failure or a bounce."""
    # Not the server's message: it repeats the address, which staff may not see.
    fields = {"sent_at": None, "detail": describe_failure(error)}
    if code := permanent_refusal(error):
        fields["status"] = Delivery.Status.BOUNCED
        delivery.user.email_bounced_at = timezone.now()
        delivery.user.save(update_fields=["email_bounced_at"])
        logger.warning(
            "Envoi %s : adresse refusée (%s), plus aucun courriel vers elle.", delivery.pk, code
        )
    elif isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500:
        fields["status"] = Delivery.Status.FAILED
    elif delivery.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        fields["status"] = Delivery.Status.FAILED
        logger.warning(
            "Envoi %s : échec après %d essais (%s).", delivery.pk, delivery.attempts, error
        )
    else:
        delay = settings.REMINDER_RETRY_DELAY * 2 ** (delivery.attempts - 1)
        fields["status"] = Delivery.Status.QUEUED
        fields["enqueued_at"] = timezone.now() + datetime.timedelta(seconds=delay)
        _enqueue([delivery.pk], countdown=delay)
    Delivery.objects.filter(pk=delivery.pk).update(**fields)


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

"""Sending the site's emails (heurecivique.email): one task per email, and a sweeper."""

import datetime
import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from .celery import publish
from .email import describe_failure, permanent_refusal
from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# A row still waiting this long after it was queued lost its task (the broker was down).
STALE_AFTER = datetime.timedelta(minutes=1)


@shared_task
def send_email(pk: int) -> None:
    """Send one stored email; it is deleted once the server took it. A second run of the same
    task finds nothing (deleted) or a row another worker holds (skipped)."""
    send_emails([pk])


@shared_task
def send_emails(pks: list[int]) -> None:
    """Send stored emails over one SMTP connection, each in its own transaction as send_email
    does (email.queue_emails queues a batch this way)."""
    connection = get_connection(fail_silently=False)
    try:
        for pk in pks:
            _send_stored(pk, connection)
    finally:
        connection.close()


def _send_stored(pk: int, connection) -> None:
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=OutgoingEmail.Status.QUEUED)
            .first()
        )
        if email is None:
            return
        email.attempts += 1
        try:
            connection.open()  # a no-op while the connection is up
            email.message(connection).send()
        except (smtplib.SMTPException, OSError) as error:
            connection.close()  # start afresh for the next email
            _retry_or_fail(email, error)
        else:
            email.delete()


def _retry_or_fail(email: OutgoingEmail, error: Exception) -> None:
    email.detail = describe_failure(error)
    refused = permanent_refusal(error) or (
        isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
    )
    if refused or email.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        email.status = OutgoingEmail.Status.FAILED
        logger.warning("Email %s not sent: %s", email.pk, email.detail)
    else:
        delay = settings.REMINDER_RETRY_DELAY * 2 ** (email.attempts - 1)
        email.enqueued_at = timezone.now() + datetime.timedelta(seconds=delay)
        transaction.on_commit(lambda: publish(send_email, email.pk, countdown=delay))
    email.save(update_fields=["status", "attempts", "detail", "enqueued_at"])


@shared_task
def requeue_emails() -> int:
    """Queue again the emails whose task never reached a worker (the broker was down)."""
    with transaction.atomic():
        stale = OutgoingEmail.objects.filter(
            status=OutgoingEmail.Status.QUEUED, enqueued_at__lt=timezone.now() - STALE_AFTER
        )
        ids = list(stale.order_by("pk").values_list("pk", flat=True)[:10_000])
        OutgoingEmail.objects.filter(pk__in=ids).update(enqueued_at=timezone.now())
        for pk in ids:
            transaction.on_commit(lambda pk=pk: publish(send_email, pk))
    if ids:
        logger.warning("%d email(s) queued again.", len(ids))
    return len(ids)

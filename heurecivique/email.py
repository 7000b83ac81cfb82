"""Every email the site writes goes out through Celery, from a row written with the action.

`queue_email` stores the message (heurecivique.models.OutgoingEmail) and, once the transaction
commits, queues its sending. If the broker is down, the row waits: `requeue_emails`, run by
Celery beat every minute, queues it again. A request never waits for an SMTP server, and
costs the same whatever the email (the sign-up of a known address included).
"""

import smtplib
import uuid
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string

from .celery import publish
from .models import OutgoingEmail


def mail_domain() -> str:
    """The domain of the sender's address, for the Message-ID of our emails."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "lheurecivique.fr"


def portal_sender(territory) -> str:
    """« "L'Heure Civique · Loiret" <ne-pas-repondre@…> »: the sender of an email written in a
    portal's name, left unencoded (Django encodes it when it writes the message, and the admin's
    preview shows it as people read it)."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if not territory.is_national:
        name = territory.portal_name
    quoted = (name or territory.portal_name).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}" <{address}>'


def queue_email(message) -> OutgoingEmail:
    """Store an EmailMessage to be sent by a worker once the current transaction commits."""
    from .tasks import send_email

    # Its identity is fixed now: an email sent twice (a worker killed between the server's
    # « 250 » and the commit) reaches the inbox with the same Message-ID, for it to merge.
    message.extra_headers.setdefault("Message-ID", f"<{uuid.uuid4().hex}@{mail_domain()}>")
    email = OutgoingEmail.from_message(message)
    email.save()
    transaction.on_commit(lambda: publish(send_email, email.pk), robust=True)
    return email


def queue_emails(messages: list) -> list[OutgoingEmail]:
    """Store many EmailMessages at once (a mairie's message to its volunteers, a batch at a
    time) and, once the current transaction commits, queue their sending as one task, over one
    SMTP connection (tasks.send_emails). Returns the rows, in the order of the messages."""
    from .tasks import send_emails

    for message in messages:
        message.extra_headers.setdefault("Message-ID", f"<{uuid.uuid4().hex}@{mail_domain()}>")
    emails = OutgoingEmail.objects.bulk_create(
        [OutgoingEmail.from_message(message) for message in messages]
    )
    if emails:
        pks = [email.pk for email in emails]
        transaction.on_commit(lambda: publish(send_emails, pks), robust=True)
    return emails


def send_templated_mail(*, to: str, template: str, context: dict, **options) -> None:
    """An email from <template>_subject.txt and <template>.txt, sent after the current
    transaction commits: a rolled-back change sends nothing. `options`: reply_to."""
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(
        render_to_string(f"{template}_subject.txt", context).split()
    )
    body = render_to_string(f"{template}.txt", context)
    queue_email(EmailMessage(subject=subject, body=body, to=[to], **options))


def permanent_refusal(error: Exception) -> int | None:
    """The 5xx code with which the server refused the recipient for good, if it did."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return codes[0] if codes and all(code >= 500 for code in codes) else None
    return None


def describe_failure(error: Exception) -> str:
    """What went wrong, for the staff's log, in their words, with the server's code: never
    the server's message, which repeats the address (and staff may not see it)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        code = codes[0] if codes else None
        if code and code >= 500:
            return f"Adresse refusée par son serveur (code {code})"
        return f"Refus temporaire du serveur destinataire (code {code})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"Refus du serveur d'envoi (code {error.smtp_code})"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "Connexion au serveur d'envoi interrompue"
    if isinstance(error, smtplib.SMTPException):
        return "Erreur du serveur d'envoi"
    return "Serveur d'envoi injoignable"

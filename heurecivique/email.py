"""Emails written as templates: <name>_subject.txt and <name>.txt, sent once the data is saved."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string


def send_templated_mail(*, to: str, template: str, context: dict) -> None:
    """Send after the current transaction commits: a rolled-back change sends nothing."""
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(
        render_to_string(f"{template}_subject.txt", context).split()
    )
    body = render_to_string(f"{template}.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [to]))

"""The quarterly sending of « Le bilan de l'Heure Civique » (report.py) to the élus and staff who
asked for it (territories.Membership.report_enabled): at the start of January, April, July and
October, the last quarter's report of each territory, once per person, territory and quarter
(models.ReportSending), whatever the number of runs."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from heurecivique.email import portal_sender, queue_email
from territories.models import Membership

from . import report
from .models import ReportSending
from .periods import Period


def recipients(period: Period):
    """The memberships that ask for the report and have not had this quarter's yet."""
    sent = ReportSending.objects.filter(
        user=OuterRef("user"), territory=OuterRef("territory"), period_start=period.start
    )
    return (
        Membership.objects.filter(
            report_enabled=True,
            role__in=Membership.REPORT_ROLES,
            user__is_active=True,
            user__email_bounced_at__isnull=True,
            territory__is_active=True,
        )
        .exclude(Exists(sent))
        .select_related("user", "territory", "territory__department", "territory__commune")
        .order_by("territory", "user")
    )


def send_quarterly(today: datetime.date | None = None) -> int:
    """Send the last quarter's reports not sent yet; how many emails were queued. A territory's
    PDF is built once for all its recipients."""
    period = Period.last_quarter(today or timezone.localdate())
    by_territory = defaultdict(dict)  # territory → user id → membership (one email a person)
    territories = {}
    for membership in recipients(period):
        territories[membership.territory_id] = membership.territory
        by_territory[membership.territory_id].setdefault(membership.user_id, membership)
    queued = 0
    for territory_id, memberships in by_territory.items():
        territory = territories[territory_id]
        pdf = report.render(territory, period)
        for membership in memberships.values():
            queued += _send(membership, period, pdf)
    return queued


def _send(membership: Membership, period: Period, pdf: bytes) -> int:
    territory, user = membership.territory, membership.user
    place = territory.place
    context = {
        "territory": territory,
        "place": place,
        "period": period,
        "name": user.get_full_name(),
        "dashboard_url": territory.url(reverse("admin:index")),
    }
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(
        render_to_string("pilotage/email/quarterly_report_subject.txt", context).split()
    )
    message = EmailMessage(
        subject=subject,
        body=render_to_string("pilotage/email/quarterly_report.txt", context),
        from_email=portal_sender(territory),
        to=[user.email],
    )
    message.attach(
        f"bilan-heure-civique-{territory.slug}-{period.slug}.pdf", pdf, "application/pdf"
    )
    try:
        # The record and the email commit together: a second run finds the record and skips.
        with transaction.atomic():
            ReportSending.objects.create(user=user, territory=territory, period_start=period.start)
            queue_email(message)
    except IntegrityError:
        return 0  # another run sent it in the meantime
    return 1

"""Accounts nobody uses any more: anonymised two years after the person's last activity.

The CNIL asks that personal data be kept no longer than needed; for a volunteer who neither signs
in nor logs an hour, we keep the account INACTIVITY_MONTHS (models.py) after their last activity
(VolunteerQuerySet.with_last_activity). follow_up/ warns them a month, then a week, before the
date; signing in or « Garder mon compte » in a warning counts as activity and moves the date two
years on. Past the date, the nightly task anonymises the account through the same path as
« Supprimer mon compte »: the hours stay, anonymous, so the programme's counters do not change.
"""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.db import transaction

from heurecivique.personal_data import delete_account

from .follow_up.rules import WARNINGS
from .models import Delivery, Volunteer, inactivity_warning, start_of_day

logger = logging.getLogger(__name__)


def due_for_anonymisation(day: datetime.date):
    """The volunteers to anonymise on `day`: past their date, and warned a week before.

    The last warning must have been planned at least WARNINGS[INACTIVE_LAST] days earlier and
    its sending be over. Whatever came of it counts: sent, refused by the address's server,
    failed after every retry, or not sent because the address bounces or the account is
    deactivated. The rule the CNIL enforces is the retention period; the warnings are our
    courtesy, and an address that no longer works cannot keep data for ever. A warning still
    waiting for a retry holds the anonymisation until it is settled.
    """
    last = Delivery.Kind.INACTIVE_LAST
    notice = datetime.timedelta(days=WARNINGS[last] - 1)
    return Volunteer.objects.inactive_by(day).filter(
        inactivity_warning(last, before=start_of_day(day - notice), settled=True)
    )


def anonymise_inactive(*, day: datetime.date) -> int:
    """Anonymise the accounts due on `day`, one transaction each. Returns how many.

    Run twice, it finds nothing more: an anonymised volunteer has no account left."""
    due = due_for_anonymisation(day)
    User = get_user_model()
    anonymised = 0
    for user_id in list(due.order_by("user_id").values_list("user_id", flat=True)):
        with transaction.atomic():
            # Locked, then asked again: a sign-in or a « Garder mon compte » at this very
            # moment wins over the anonymisation.
            user = User.objects.select_for_update().filter(pk=user_id).first()
            Volunteer.objects.select_for_update().filter(user_id=user_id).first()
            if user is None or not due.filter(user_id=user_id).exists():
                continue
            delete_account(user)
        anonymised += 1
    if anonymised:
        logger.info("%d inactive account(s) anonymised.", anonymised)
    return anonymised

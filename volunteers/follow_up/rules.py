"""The calendar of the follow-up emails, and whether one is still wanted when its turn comes."""

import datetime

from django.utils import timezone

from heurecivique.months import first_of_month

from ..models import Delivery, anonymisation_date

Kind = Delivery.Kind

# A dispatch also covers the two days before it, should the scheduler have missed them.
CATCH_UP_DAYS = 2
# The nudges go out from the 20th to the 27th, spread by reminder day.
NUDGE_FIRST_DAY = 20
# Whole months without an hour after which the reminder becomes a « vous nous manquez ».
COMEBACK_GAPS = (3, 6)
# The warnings before an unused account is anonymised, and how many days before the date each
# goes out. The date never comes sooner than a warning says: a first warning sent late (the
# rule just switched on, a scheduler stopped) moves it later, and so does a late last warning.
WARNINGS = {Kind.INACTIVE_SOON: 30, Kind.INACTIVE_LAST: 7}


def nudge_day(reminder_day: int) -> int:
    return NUDGE_FIRST_DAY + reminder_day % 8


def spread_reminder_day(user_id: int) -> int:
    """The default reminder day of a new volunteer: volunteers spread over the 28 days."""
    return user_id % 28 + 1


def announced_date(kind: str, warned_at: datetime.datetime, last_activity) -> datetime.date:
    """The anonymisation date a warning announces: two years after the last activity, or
    later if the warning itself went out late (it always gives its full notice)."""
    notice = timezone.localdate(warned_at) + datetime.timedelta(days=WARNINGS[kind])
    return max(anonymisation_date(last_activity), notice)


def reason_not_to_send(delivery: Delivery) -> str:
    """Why a planned email should not go out any more (empty: send it). Between the planning
    and the sending, a volunteer may have paused, unsubscribed or already logged their hour.
    Reads the recipient as emails.Composer reads a batch (volunteer annotated
    with_last_activity, pledges and pauses, hours; staff's memberships): no query."""
    user = delivery.user
    if not user.is_active:
        return "Compte désactivé."
    if user.email_bounced_at:
        return "Adresse refusée par son serveur."
    if delivery.kind == Kind.SUMMARY:
        if not any(membership.summary_enabled for membership in user.memberships.all()):
            return "Bilan désactivé."
        return ""
    volunteer = getattr(user, "volunteer", None)
    if volunteer is None:
        return "Plus volontaire."
    if delivery.kind in WARNINGS:
        if volunteer.last_activity > delivery.created_at:
            return "Compte utilisé depuis : il est gardé."
        return ""
    pledge = volunteer.current_pledge
    if pledge is None or pledge.is_paused:
        return "Engagement en pause ou arrêté."
    if not volunteer.wants(delivery.kind):
        return "Désinscrit de ce courriel."
    if delivery.kind == Kind.NUDGE and any(
        first_of_month(hour.done_on) == delivery.month for hour in volunteer.hours.all()
    ):
        return "Heure déjà notée ce mois-ci."
    return ""

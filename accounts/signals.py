"""Reactions to allauth's account events."""

from allauth.account.internal.flows.login import record_authentication
from allauth.account.models import EmailAddress
from allauth.account.signals import email_changed, password_reset
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver


@receiver(email_changed)
def forget_bounces_of_the_old_address(sender, request, user, **kwargs):
    """A new address starts afresh: the follow-up emails go to it again."""
    if user.email_bounced_at:
        user.email_bounced_at = None
        user.save(update_fields=["email_bounced_at"])


@receiver(authenticator_added)
def count_enrolment_as_second_factor(sender, request, user, authenticator, **kwargs):
    """Activating an authenticator app means typing one of its codes: for this session, that is
    the second factor (accounts/middleware.py), as it would be at the next sign-in."""
    if authenticator.type != authenticator.Type.RECOVERY_CODES:
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True
        )


@receiver(password_reset)
def a_reset_link_proves_the_address(sender, request, user, **kwargs):
    """Choosing a password from the link of an email proves the person reads that address: an
    account with a single address (a staff member invited by give_role) needs no second email
    to verify it."""
    addresses = EmailAddress.objects.filter(user=user)
    if addresses.count() == 1:
        addresses.filter(verified=False).update(verified=True)

"""Reactions to allauth's account events."""

from allauth.account.signals import email_changed
from django.dispatch import receiver


@receiver(email_changed)
def forget_bounces_of_the_old_address(sender, request, user, **kwargs):
    """A new address starts afresh: the follow-up emails go to it again."""
    if user.email_bounced_at:
        user.email_bounced_at = None
        user.save(update_fields=["email_bounced_at"])

"""Giving a staff role by email address, whether or not the person already has an account."""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from heurecivique.email import send_templated_mail

from .models import Membership


@transaction.atomic
def give_role(*, membership: Membership, email: str) -> Membership:
    """Save a role for the person at `email`, and tell them by email.

    An address without an account gets one (no password yet) and the email invites the person
    to choose their password. Staff see the same answer either way: the form reveals nothing
    about who has an account on the portal."""
    User = get_user_model()
    email = email.strip().lower()  # as allauth keeps addresses: one address, one spelling
    user = User.objects.filter(email__iexact=email).first()
    invited = user is None
    if invited:
        user = User.objects.create_user(email=email)  # an unusable password until they choose
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    membership.user = user
    membership.full_clean()
    membership.save()
    territory = membership.territory
    context = {"membership": membership, "territory": territory, "invited": invited}
    if invited:
        # On the portal of the role, whoever gave it: the person's own place from now on.
        context["password_url"] = territory.url(
            reverse(
                "account_reset_password_from_key",
                kwargs={
                    "uidb36": user_pk_to_url_str(user),
                    "key": default_token_generator.make_token(user),
                },
            )
        )
    else:
        context["login_url"] = territory.url(reverse("admin:index"))
    send_templated_mail(to=user.email, template="territories/email/role_given", context=context)
    return membership

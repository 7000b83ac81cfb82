"""What staff sessions must satisfy: a second factor before the admin, and a short idle life.

Staff are the people who can open the admin: `is_staff` (given automatically with a role on a
territory, see territories.Membership) or superusers.
"""

import time

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

# The authenticators that make a second factor; recovery codes only stand in for them.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]

LAST_SEEN_SESSION_KEY = "staff_last_seen"
# How stale the last-seen time may get before it is written again: saving the session on every
# request would cost a database write per click.
LAST_SEEN_RESOLUTION = 60


def is_staff_member(user) -> bool:
    return user.is_authenticated and (user.is_staff or user.is_superuser)


def passed_second_factor(request) -> bool:
    """Whether this session's sign-in went through a second factor (allauth records each step
    of a sign-in in the session: password, code, then "mfa"), or enrolled one."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


class StaffSessionMiddleware:
    """Signs staff out after STAFF_SESSION_IDLE_MINUTES without a request.

    An unattended admin session in a mairie office is an open door; residents keep the usual
    session lifetime. The last request's time is kept in the session, rewritten at most once a
    minute, and the session's own expiry follows it, so that the database forgets it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_staff_member(request.user):
            idle_limit = settings.STAFF_SESSION_IDLE_MINUTES * 60
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
            if last_seen is not None and now - last_seen > idle_limit:
                logout(request)
                messages.info(
                    request,
                    "Par sécurité, votre session a été fermée après "
                    f"{settings.STAFF_SESSION_IDLE_MINUTES} minutes sans activité. "
                    "Reconnectez-vous pour continuer.",
                )
            elif last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN_SESSION_KEY] = now
                request.session.set_expiry(idle_limit)
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """Nothing in the admin opens to staff without a second factor.

    A staff member who has none is sent to set up an authenticator app; one who has it but whose
    session never asked for it (signed in before enrolling elsewhere) confirms a code first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.app_name != "admin" or not is_staff_member(request.user):
            return None
        if not is_mfa_enabled(request.user, SECOND_FACTORS):
            messages.warning(
                request,
                "Pour accéder à l'administration, activez d'abord la double authentification.",
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        if not passed_second_factor(request):
            query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{query}")
        return None

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse

from heurecivique.email import queue_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """allauth's emails, through the task queue like every email of the site: a request
        never waits for an SMTP server, and signing up costs the same time whether the
        address is new or known (no account enumeration by timing)."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        # Emails speak in the name of the portal the person used (« L'Heure Civique · Loiret »).
        ctx["territory"] = getattr(request, "territory", None)
        ctx.update(context)
        queue_email(self.render_mail(template_prefix, email, ctx))

    def get_login_redirect_url(self, request):
        # Staff come to work in the administration; residents to « Mon heure ».
        if request.user.is_staff:
            return reverse("admin:index")
        return super().get_login_redirect_url(request)

    def is_reauthentication_required(self, *, app, **kwargs):
        # Signing in a few minutes ago is as fresh as typing the password again: a staff member
        # sent to set up two-factor authentication right after signing in is not asked for it
        # twice. Later, allauth asks again before the second factor is changed.
        request = allauth_context.request
        if request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if records and time.time() - records[0]["at"] < (
                account_settings.REAUTHENTICATION_TIMEOUT
            ):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        # « Code incorrect. » alone leaves a person guessing what went wrong.
        "incorrect_code": (
            "Ce code n'est pas valable. Saisissez celui que votre application affiche en ce "
            "moment pour L'Heure Civique (il change toutes les 30 secondes), ou un code de "
            "récupération que vous n'avez pas encore utilisé."
        ),
    }

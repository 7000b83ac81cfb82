import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        # Emails speak in the name of the portal the person used (« L'Heure Civique · Loiret »).
        request = allauth_context.request
        context.setdefault("territory", getattr(request, "territory", None))
        super().send_mail(template_prefix, email, context)

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

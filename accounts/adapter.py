from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

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

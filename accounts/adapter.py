from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        # Emails speak in the name of the portal the person used (« L'Heure Civique · Loiret »).
        request = allauth_context.request
        context.setdefault("territory", getattr(request, "territory", None))
        super().send_mail(template_prefix, email, context)

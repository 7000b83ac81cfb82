"""allauth's forms where ours differ: the sign-up (ACCOUNT_FORMS), and the code field of the
two-factor forms in our words (MFA_FORMS)."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.base import forms as base_forms
from allauth.mfa.totp import forms as totp_forms
from django.contrib.auth.hashers import make_password


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        """A known address gets the same answer as a new one, and must cost the same time:
        the new account's password is hashed, so this one is too (then forgotten)."""
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


class FrenchCodeField:
    code_label = "Code de vérification"
    code_help_text = (
        "Les 6 chiffres affichés par votre application d'authentification, "
        "ou l'un de vos codes de récupération (8 chiffres)."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.label = self.code_label
        field.help_text = self.code_help_text
        # The label says what to type: a placeholder would only blur it.
        field.widget.attrs.pop("placeholder", None)
        field.widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        )


class ActivateTOTPForm(FrenchCodeField, totp_forms.ActivateTOTPForm):
    code_label = "Code affiché par l'application"
    code_help_text = "6 chiffres, renouvelés toutes les 30 secondes."

    @property
    def secret_for_typing(self) -> str:
        """The key in groups of four, easier to copy by hand (the apps ignore the spaces)."""
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))


class AuthenticateForm(FrenchCodeField, base_forms.AuthenticateForm):
    pass


class ReauthenticateForm(FrenchCodeField, base_forms.ReauthenticateForm):
    pass

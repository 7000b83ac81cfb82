"""The forms of the missions' admin pages, with their errors in the words of a mairie agent."""

import re
from functools import reduce
from operator import or_

from django import forms
from django.contrib.admin import widgets
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone

from heurecivique.text import count_of
from territories.admin import NO_CONSENT
from volunteers.models import MAX_MINUTES, MIN_MINUTES, Volunteer

from ..models import Association, Beneficiary, Mission, Participation

DATE_AND_TIME = "Date et heure"


class DateTimeWidget(widgets.AdminSplitDateTime):
    """The admin's date and time boxes, each with its own label (Django's have none: a screen
    reader announces two unnamed boxes)."""

    # In the app's own templates folder: the form renderer reads the apps', not the site's.
    template_name = "missions/widgets/split_datetime.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[1].format = "%H:%M"  # « 10:00 », not « 10:00:00 »


class MissionForm(forms.ModelForm):
    def clean_places(self):
        places = self.cleaned_data["places"]
        if self.instance.pk:
            taken = self.instance.participations.filter(
                status__in=Participation.HOLDS_A_PLACE
            ).count()
            if places < taken:
                retained = count_of(taken, "volontaire est retenu", "volontaires sont retenus")
                raise ValidationError(
                    f"{retained} sur cette mission : gardez au moins {taken} "
                    f"place{'s' if taken > 1 else ''}, ou déclinez d'abord une participation."
                )
        return places


class ReferentMissionForm(MissionForm):
    """An association's referent posts for their association: the kind and the commune follow
    from it, before the mission checks itself (its association in its commune)."""

    def clean(self):
        data = super().clean()
        association = data.get("association")
        if association is not None:
            self.instance.kind = Mission.Kind.ASSOCIATION
            self.instance.commune = association.commune
        return data


def participant_label(volunteer) -> str:
    """A volunteer on a mission, by name and address: offering a hand on a mission, or being
    invited to one (only those who agreed to be contacted are), shows them to whoever runs
    it, the commune's staff or the association's referents."""
    user = volunteer.user
    if user is None:
        return str(volunteer)
    name = user.get_full_name()
    return user.email if not name or name == user.email else f"{name} ({user.email})"


def volunteer_label(volunteer) -> str:
    """Any volunteer of the territory: named only if they agreed to be contacted by their
    mairie (as in the volunteers' own admin)."""
    if volunteer.contact_consent_at is None:
        return f"{volunteer} {NO_CONSENT}"
    return participant_label(volunteer)


class EnterHourForm(forms.Form):
    """An hour the mairie enters for a volunteer who is not online."""

    volunteer = forms.ModelChoiceField(
        label="Volontaire",
        queryset=Volunteer.objects.none(),
        error_messages={
            "required": "Choisissez le ou la volontaire.",
            "invalid_choice": "Ce ou cette volontaire n'est pas de votre territoire.",
        },
    )
    done_on = forms.DateField(
        label="Fait le",
        widget=widgets.AdminDateWidget,
        error_messages={"required": "Indiquez le jour.", "invalid": "Cette date n'existe pas."},
    )
    minutes = forms.IntegerField(
        label="Durée (minutes)",
        initial=60,
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        error_messages={
            "required": "Indiquez la durée en minutes.",
            "min_value": f"Indiquez au moins {MIN_MINUTES} minutes.",
            "max_value": f"Au plus {MAX_MINUTES // 60} heures pour une même action.",
        },
    )
    note = forms.CharField(
        label="Ce qui a été fait",
        required=False,
        max_length=280,
        help_text="Facultatif ; sans note, le titre de la mission.",
    )

    def __init__(self, *args, volunteers, label=volunteer_label, widget=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["volunteer"]
        field.label_from_instance = label
        if widget is not None:
            field.widget = widget
        field.queryset = volunteers  # which gives the widget its choices


class InviteForm(forms.Form):
    volunteers = forms.ModelMultipleChoiceField(
        queryset=Volunteer.objects.none(),
        error_messages={
            "required": "Cochez au moins un ou une volontaire à inviter.",
            "invalid_choice": "Un des volontaires cochés ne peut plus être invité : la liste a "
            "changé, voici la nouvelle.",
            "invalid_pk_value": "Cochez les volontaires dans la liste.",
        },
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = candidates


class TurnIntoMissionForm(forms.ModelForm):
    """What the mairie makes of a resident's request: the need, in words that identify nobody,
    and how it confirmed the person's consent."""

    consent_how = forms.ChoiceField(
        label="Accord de la personne confirmé",
        choices=Beneficiary.Consent.choices,
        initial=Beneficiary.Consent.PHONE,
        help_text="La demande faite sur le site vaut accord ; dites comment vous l'avez "
        "confirmé avec la personne.",
    )

    class Meta:
        model = Mission
        fields = ["kind", "title", "summary", "starts_at", "minutes", "places", "details"]
        field_classes = {"starts_at": forms.SplitDateTimeField}
        widgets = {"starts_at": DateTimeWidget}
        help_texts = {"title": "Montré au public : ce qu'il y a à faire, sans nom ni adresse."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A resident's request is a neighbour's need or a collective one; an association
        # posts its own.
        self.fields["kind"].choices = [
            (value, label)
            for value, label in Mission.Kind.choices
            if value != Mission.Kind.ASSOCIATION
        ]
        self.fields["starts_at"].error_messages["required"] = "Indiquez le jour et l'heure."
        self.fields["starts_at"].label = DATE_AND_TIME


class RefuseRequestForm(forms.Form):
    answer = forms.CharField(
        label="Votre réponse",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text="Dites simplement pourquoi, et vers qui la personne peut se tourner. Si elle a "
        "laissé une adresse électronique, elle reçoit cette réponse par courriel.",
        error_messages={"required": "Écrivez la réponse faite à la personne."},
    )


class BeneficiaryForm(forms.ModelForm):
    def clean_consent_at(self):
        consent_at = self.cleaned_data["consent_at"]
        if consent_at > timezone.now():
            raise ValidationError("L'accord ne peut pas être daté de l'avenir.")
        return consent_at


User = get_user_model()
MAX_REFERENTS = 10


class AssociationForm(forms.ModelForm):
    """An association and its referents, named by the address of their account."""

    referent_emails = forms.CharField(
        label="Référents (adresses électroniques)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 50}),
        help_text="Une adresse par ligne : celle du compte que la personne a créé sur le "
        "portail. Chaque référent publie et suit les missions de l'association, et rien "
        "d'autre ; retirez une adresse pour lui retirer ce rôle.",
    )

    class Meta:
        model = Association
        fields = ["name", "commune", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            emails = self.instance.referents.order_by("email").values_list("email", flat=True)
            self.fields["referent_emails"].initial = "\n".join(emails)

    def clean_referent_emails(self):
        emails = {e.lower() for e in re.split(r"[\s,;]+", self.cleaned_data["referent_emails"])}
        emails.discard("")
        errors = []
        for email in sorted(emails):
            try:
                validate_email(email)
            except ValidationError:
                errors.append(f"« {email} » n'est pas une adresse électronique.")
        if errors:
            raise ValidationError(errors)
        if len(emails) > MAX_REFERENTS:
            raise ValidationError(f"Au plus {MAX_REFERENTS} référents par association.")
        if not emails:
            return []
        addresses = reduce(or_, (Q(email__iexact=email) for email in emails))
        users = list(User.objects.filter(addresses, is_active=True))
        unknown = emails - {user.email.lower() for user in users}
        if unknown:
            raise ValidationError(
                [
                    f"Aucun compte n'utilise l'adresse {email} : la personne crée d'abord son "
                    "compte sur le portail, puis vous l'ajoutez ici."
                    for email in sorted(unknown)
                ]
            )
        return users

    def clean(self):
        data = super().clean()
        commune = data.get("commune")
        if commune is None and self.instance.commune_id:
            commune = self.instance.commune  # not changed once the association exists
        if data.get("referent_emails") and commune is not None:
            if not hasattr(commune, "territory"):
                self.add_error(
                    "referent_emails",
                    f"{commune.name} n'a pas encore de portail communal, où se donne le rôle de "
                    "référent : créez-le d'abord (Territoires › Ajouter), même hors ligne.",
                )
        return data

import datetime
import re

from django import forms
from django.utils import timezone

from territories.forms import commune_field, commune_query_field, quartier_field, resolve_commune
from volunteers.models import Skill

from .models import HelpRequest, Mission
from .services import Outcome

SELECT = {"class": "form-select"}


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class MissionFilterForm(forms.Form):
    """The filters of the missions list: a GET form, shareable as a link. A commune is typed
    (a postal code or a name), never picked from a list of them all; a value that makes no
    sense is said next to its field and ignored."""

    WHEN = [
        ("", "Toutes les dates"),
        ("semaine", "Cette semaine"),
        ("mois", "Ce mois-ci"),
        ("week-end", "Le week-end"),
    ]

    commune_query = commune_query_field(
        label="Commune",
        help_text="Un code postal ou un nom, par exemple 45000 ou Orléans.",
        required=False,
    )
    commune = commune_field()
    quartier = forms.CharField(label="Quartier", max_length=100, required=False)
    kind = forms.ChoiceField(
        label="Type de mission",
        choices=[("", "Tous les types"), *Mission.Kind.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    when = forms.ChoiceField(
        label="Quand", choices=WHEN, required=False, widget=forms.Select(attrs=SELECT)
    )
    day = forms.DateField(
        label="Ou un jour précis",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    skill = forms.ModelChoiceField(
        label="Compétence",
        queryset=Skill.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Toutes les compétences",
        widget=forms.Select(attrs=SELECT),
    )

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day and day < timezone.localdate():
            raise forms.ValidationError("Ce jour est passé : choisissez aujourd'hui ou plus tard.")
        if day and day >= datetime.date.max - datetime.timedelta(days=1):
            raise forms.ValidationError("Choisissez un jour des prochaines années.")
        return day

    def clean(self):
        data = super().clean()
        self.commune_matches = resolve_commune(self, data)
        return data

    def filter(self, queryset):
        """The missions matching the valid filters."""
        self.commune_matches = []
        if not self.is_bound:
            return queryset
        self.is_valid()  # keeps the valid values in cleaned_data
        data = self.cleaned_data
        if data.get("commune"):
            queryset = queryset.filter(commune=data["commune"])
        if data.get("quartier"):
            queryset = queryset.filter(quartier__iexact=data["quartier"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("skill"):
            queryset = queryset.filter(skills=data["skill"])
        today = timezone.localdate()
        if data.get("day"):
            day = data["day"]
            queryset = queryset.filter(
                starts_at__gte=_day_start(day),
                starts_at__lt=_day_start(day + datetime.timedelta(days=1)),
            )
        elif data.get("when") == "semaine":
            monday = today + datetime.timedelta(days=7 - today.weekday())
            queryset = queryset.filter(starts_at__lt=_day_start(monday))
        elif data.get("when") == "mois":
            next_month = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
            queryset = queryset.filter(starts_at__lt=_day_start(next_month))
        elif data.get("when") == "week-end":
            # Django's week days, in the current time zone: 1 is Sunday, 7 Saturday.
            queryset = queryset.filter(starts_at__week_day__in=[1, 7])
        return queryset

    @property
    def is_filtering(self) -> bool:
        return self.is_bound and any(getattr(self, "cleaned_data", {}).values())


# A French phone number: ten digits, or an international one (+ and up to fifteen).
PHONE_DIGITS = re.compile(r"^(0\d{9}|\+?\d{11,15})$")


class HelpRequestForm(forms.ModelForm):
    """« J'ai besoin d'un coup de main »: who, how to call back, where, what, when."""

    field_order = ["name", "phone", "email", "commune_query", "commune", "quartier", "what",
                   "when", "for_someone_else", "consent"]  # fmt: skip

    commune_query = commune_query_field(label="Commune où l'aide est nécessaire")
    commune = commune_field()
    quartier = quartier_field(label="Quartier ou rue (facultatif)")
    consent = forms.BooleanField(
        label="J'accepte que l'équipe de la mairie garde ces informations pour me rappeler et "
        "organiser l'aide.",
        error_messages={
            "required": "Cochez cette case : sans votre accord, la mairie ne peut pas garder "
            "votre demande."
        },
    )

    class Meta:
        model = HelpRequest
        fields = ["name", "phone", "email", "quartier", "what", "when", "for_someone_else"]
        labels = {
            "name": "Votre nom et prénom",
            "phone": "Votre téléphone",
            "email": "Votre adresse électronique",
            "what": "De quelle aide avez-vous besoin ?",
            "when": "Quand ? (facultatif)",
            "for_someone_else": "Je demande pour quelqu'un d'autre (un parent, un voisin…)",
        }
        help_texts = {
            "phone": "La mairie vous rappelle à ce numéro. Un téléphone ou une adresse "
            "électronique suffit.",
            "email": "Si vous préférez une réponse écrite.",
            "what": "Par exemple : des courses le jeudi, un trajet chez le médecin, de l'aide "
            "pour un formulaire en ligne, une visite. Si vous demandez pour quelqu'un d'autre, "
            "dites pour qui.",
            "when": "Un jour, un moment de la semaine, « dès que possible »…",
        }
        widgets = {
            "what": forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["what"].max_length = 1000

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        digits = re.sub(r"[\s.\-()]", "", phone)
        if phone and not PHONE_DIGITS.match(digits):
            raise forms.ValidationError(
                "Ce numéro ne semble pas complet : écrivez ses dix chiffres, par exemple "
                "02 38 00 00 00."
            )
        return phone

    def clean_email(self):
        # Checked here, right after the phone, so that the error comes in the page's order.
        email = self.cleaned_data["email"]
        if not email and not self.cleaned_data.get("phone") and "phone" not in self.errors:
            self.add_error(
                "phone",
                "Laissez un téléphone ou une adresse électronique, pour que la mairie puisse "
                "vous répondre.",
            )
        return email

    def clean(self):
        data = super().clean()
        self.commune_matches = resolve_commune(self, data)
        return data


class ProblemForm(forms.Form):
    """« Un souci », in a few words for the mairie (an email's button, or « Mes missions »)."""

    problem = forms.CharField(
        label="Ce qui s'est passé",
        help_text="Quelques mots pour la mairie, qui vous recontacte. 1 000 caractères au plus.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Dites en quelques mots ce qui s'est passé.",
            "max_length": "Votre message dépasse 1 000 caractères : raccourcissez-le.",
        },
    )


class OutcomeForm(ProblemForm):
    """The day after: « Oui, c'est fait », « Ça n'a pas eu lieu » or « Un souci »."""

    outcome = forms.ChoiceField(
        choices=[
            (Outcome.DONE, "Oui, c'est fait"),
            (Outcome.NOT_HAPPENED, "Ça n'a pas eu lieu"),
            (Outcome.PROBLEM, "Un souci"),
        ],  # fmt: skip
        error_messages={
            "required": "Choisissez l'une des trois réponses.",
            "invalid_choice": "Choisissez l'une des trois réponses.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].required = False  # only « Un souci » needs it

    def clean(self):
        data = super().clean()
        problem = data.get("problem", "")
        if (
            data.get("outcome") == Outcome.PROBLEM
            and "problem" not in self.errors
            and not (problem.strip())
        ):
            self.add_error("problem", "Dites en quelques mots ce qui s'est passé.")
        return data

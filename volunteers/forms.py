import datetime

from django import forms
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from gestes.models import Geste, Theme
from heurecivique.months import first_of_month, months_between
from territories.forms import commune_field, commune_query_field, quartier_field, resolve_commune

from .follow_up.rules import nudge_day
from .models import (
    MAIRIE_MESSAGES,
    MAX_MINUTES,
    MIN_MINUTES,
    MONTHLY_CAP,
    Availability,
    CivicHour,
    Delivery,
    GesteChoice,
    Skill,
)

MAX_ATTESTATION_MONTHS = 36


class VolunteerForm(forms.Form):
    """Who I am, where I live, what I like: the onboarding and the profile page."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    commune_query = commune_query_field()
    commune = commune_field()
    quartier = quartier_field()
    interests = forms.ModelMultipleChoiceField(
        label="Ce qui vous tient à cœur",
        queryset=Theme.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    skills = forms.ModelMultipleChoiceField(
        label="Ce que vous savez faire",
        queryset=Skill.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    availability = forms.MultipleChoiceField(
        label="Quand êtes-vous disponible ?",
        choices=Availability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reminder_day = forms.TypedChoiceField(
        label="Jour du rappel mensuel",
        coerce=int,
        choices=[(day, f"Le {day}{'er' if day == 1 else ''} du mois") for day in range(1, 29)],
        initial=1,
        help_text="Le jour où nous vous rappelons votre heure, chaque mois, par courriel.",
    )
    contact_consent = forms.BooleanField(
        label="J'accepte que la mairie de ma commune me contacte pour des actions de solidarité "
        "près de chez moi.",
        required=False,
        help_text="Facultatif. Sans votre accord, la mairie ne voit ni votre nom ni votre adresse "
        "électronique. Vous pouvez changer d'avis à tout moment.",
    )

    def clean(self):
        data = super().clean()
        self.commune_matches = resolve_commune(self, data)
        return data


class CivicHourForm(forms.ModelForm):
    """« J'ai fait mon heure »: when, how long, and a word about it if one likes."""

    class Meta:
        model = CivicHour
        fields = ["done_on", "minutes", "geste", "note", "note_shareable"]
        labels = {
            "done_on": "Date",
            "minutes": "Durée en minutes",
            "geste": "Le geste accompli",
            "note": "Ce que j'ai fait",
            "note_shareable": "J'accepte que ma mairie et mon département citent ces mots dans "
            "leurs bilans, sans mon nom",
        }
        help_texts = {
            "note": "Facultatif, 280 caractères au plus. Vous seul ou seule les lisez, sauf si "
            "vous acceptez ci-dessous qu'ils soient cités.",
            "note_shareable": "Par exemple dans le bilan présenté au conseil municipal : n'y "
            "nommez pas les personnes aidées. Vous pouvez changer d'avis en modifiant l'heure.",
        }
        error_messages = {"minutes": {"min_value": f"Indiquez au moins {MIN_MINUTES} minutes."}}
        widgets = {
            "done_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "minutes": forms.NumberInput(
                attrs={"min": MIN_MINUTES, "max": MAX_MINUTES, "step": 5, "inputmode": "numeric"}
            ),
            "note": forms.TextInput(attrs={"maxlength": 280}),
        }

    def __init__(self, *args, volunteer, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.volunteer = volunteer
        self.fields["done_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if not self.instance.pk:
            self.initial.setdefault("done_on", timezone.localdate())
            self.initial.setdefault("minutes", 60)
        self._set_geste_choices(volunteer, territory)

    def _set_geste_choices(self, volunteer, territory):
        """The gestes chosen this month (« Je le fais ce mois-ci ») first, then every geste the
        portal publishes, grouped by kind: a list as long as the catalogue (about a hundred),
        which does not grow with the volunteers' data. One query."""
        chosen_this_month = GesteChoice.objects.filter(
            volunteer=volunteer, geste=OuterRef("pk"), month=first_of_month(timezone.localdate())
        )
        mine = Q(Exists(chosen_this_month)) | Q(pk=self.instance.geste_id)
        # A geste chosen on another portal, or since unpublished, stays valid for its hour.
        field = self.fields["geste"]
        field.queryset = Geste.objects.filter(
            mine | Q(pk__in=Geste.objects.published().visible_in(territory).values("pk"))
        )
        chosen, by_kind = [], {kind: [] for kind in Geste.Kind}
        rows = field.queryset.annotate(mine=ExpressionWrapper(mine, BooleanField()))
        for pk, title, kind, is_mine in rows.order_by("title").values_list(
            "pk", "title", "kind", "mine"
        ):
            (chosen if is_mine else by_kind[kind]).append((pk, title))
        groups = [("Mes gestes du mois", chosen)] if chosen else []
        groups += [
            (Geste.Kind(kind).label, options) for kind, options in by_kind.items() if options
        ]
        field.choices = [("", "Pas de geste précis"), *groups]
        field.help_text = (
            "Facultatif. Vos gestes du mois viennent en premier ; vous pouvez aussi le préciser "
            "plus tard, en modifiant l'heure."
        )
        if not self.instance.pk and len(chosen) == 1:
            self.initial.setdefault("geste", chosen[0][0])

    def clean(self):
        data = super().clean()
        # Consent to quote nothing means nothing: without words, there is nothing to share.
        if not data.get("note", "").strip():
            data["note_shareable"] = False
        return data


MAX_PAUSE_DAYS = 366


class PauseForm(forms.Form):
    """« Faire une pause », until a date or until further notice."""

    resume_on = forms.DateField(
        label="Reprendre automatiquement le",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Facultatif. À cette date, les rappels reprennent d'eux-mêmes ; sans date, "
        "la pause dure jusqu'à ce que vous repreniez depuis votre espace.",
        error_messages={"invalid": "Indiquez une date, par exemple 15/01/2027."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        attrs = self.fields["resume_on"].widget.attrs
        attrs["min"] = (today + datetime.timedelta(days=1)).isoformat()
        attrs["max"] = (today + datetime.timedelta(days=MAX_PAUSE_DAYS)).isoformat()

    def clean_resume_on(self):
        resume_on = self.cleaned_data["resume_on"]
        today = timezone.localdate()
        if resume_on is not None and resume_on <= today:
            raise forms.ValidationError("Choisissez une date de reprise après aujourd'hui.")
        if resume_on is not None and resume_on > today + datetime.timedelta(days=MAX_PAUSE_DAYS):
            raise forms.ValidationError(
                "Une pause se prévoit sur un an au plus : choisissez une date plus proche, ou "
                "aucune date."
            )
        return resume_on


MONTHS = [
    (1, "janvier"), (2, "février"), (3, "mars"), (4, "avril"), (5, "mai"), (6, "juin"),
    (7, "juillet"), (8, "août"), (9, "septembre"), (10, "octobre"), (11, "novembre"),
    (12, "décembre"),
]  # fmt: skip
ATTESTATION_YEARS = 6


def _month_field(label):
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        choices=MONTHS,
        error_messages={
            "required": "Choisissez un mois.",
            "invalid_choice": "Choisissez un mois de la liste.",
        },
    )


def _year_field(label):
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        error_messages={
            "required": "Choisissez une année.",
            "invalid_choice": "Choisissez une année de la liste.",
        },
    )


class AttestationForm(forms.Form):
    """The months an attestation covers, from a month and year to another: two pairs of
    <select>, which every browser shows alike (<input type="month"> is a bare text field in
    Firefox and Safari on a computer). By default the last twelve months."""

    start_month = _month_field("Mois")
    start_year = _year_field("Année")
    end_month = _month_field("Mois")
    end_year = _year_field("Année")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        years = [
            (year, str(year)) for year in range(this_year - ATTESTATION_YEARS + 1, this_year + 1)
        ]
        for name in ("start_year", "end_year"):
            self.fields[name].choices = years

    @staticmethod
    def initial_for(start: datetime.date, end: datetime.date) -> dict:
        return {
            "start_month": start.month,
            "start_year": start.year,
            "end_month": end.month,
            "end_year": end.year,
        }

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start = datetime.date(data["start_year"], data["start_month"], 1)
        end = datetime.date(data["end_year"], data["end_month"], 1)
        if start > end:
            raise forms.ValidationError("Le premier mois doit précéder le dernier.")
        if end > first_of_month(timezone.localdate()):
            raise forms.ValidationError("La période ne peut pas finir dans le futur.")
        if months_between(start, end) + 1 > MAX_ATTESTATION_MONTHS:
            raise forms.ValidationError(
                f"Une attestation couvre au plus {MAX_ATTESTATION_MONTHS} mois."
            )
        data["start"], data["end"] = start, end
        return data


class EmailPreferencesForm(forms.Form):
    """Which follow-up emails I receive: one box per kind that concerns me."""

    def __init__(self, *args, volunteer, is_staff_member: bool, **kwargs):
        super().__init__(*args, **kwargs)
        Kind = Delivery.Kind
        if volunteer is not None:
            self.fields[Kind.REMINDER] = forms.BooleanField(
                label="Le rappel mensuel",
                required=False,
                help_text=f"Le {volunteer.reminder_day} de chaque mois : le thème du mois, trois "
                "idées de gestes près de chez vous, et un bouton pour noter votre heure.",
            )
            self.fields[Kind.NUDGE] = forms.BooleanField(
                label="La relance de fin de mois",
                required=False,
                help_text=f"Vers le {nudge_day(volunteer.reminder_day)}, seulement si vous n'avez "
                "pas encore noté d'heure ce mois-ci.",
            )
            self.fields[Kind.COMEBACK] = forms.BooleanField(
                label="Des nouvelles après une longue absence",
                required=False,
                help_text="Après trois puis six mois sans heure notée, un mot pour vous donner "
                "envie de revenir, à la place du rappel.",
            )
            self.fields[MAIRIE_MESSAGES] = forms.BooleanField(
                label="Les messages de ma mairie",
                required=False,
                help_text="Quand votre mairie cherche des volontaires près de chez vous : au "
                f"plus {MONTHLY_CAP} par mois, sauf en cas de crise (canicule, inondation…). "
                "Seulement si vous avez accepté d'être contacté·e par votre mairie, dans "
                "votre profil.",
            )
        if is_staff_member:
            self.fields[Kind.SUMMARY] = forms.BooleanField(
                label="Le bilan mensuel de mon territoire",
                required=False,
                help_text="Au début de chaque mois : nouveaux volontaires, heures données et "
                "gestes les plus faits le mois précédent.",
            )

    def enabled(self) -> set[str]:
        return {kind for kind, wanted in self.cleaned_data.items() if wanted}

"""Asking for a file (admin « Fichiers à télécharger »): what, in which format, of which of the
person's territories, and for which months when the content has months."""

from django import forms

from territories.models import Territory

from .models import Export
from .periods import MonthField, PeriodForm

# What an élu(e) may ask for: figures, never a list of people (personal data).
ELECTED_KINDS = frozenset({Export.Kind.HOURS, Export.Kind.MISSIONS, Export.Kind.BILAN})
# The contents that have months; the volunteers' list is the list of today.
DATED_KINDS = frozenset({Export.Kind.HOURS, Export.Kind.MISSIONS, Export.Kind.BILAN})

ELECTED_REFUSAL = (
    "La liste des volontaires contient des données personnelles : elle est réservée aux "
    "agents de la mairie ou du département, pas aux élus."
)


class ExportForm(forms.ModelForm):
    # Declared, not the admin's: a plain list of the person's territories, without the links
    # to change or add a territory beside it.
    territory = forms.ModelChoiceField(Territory.objects.none(), label="Territoire")
    start = MonthField(
        label="Du mois de",
        required=False,
        help_text="Par exemple 01/2026. Laissez vide pour les 36 derniers mois.",
        widget=forms.TextInput({"size": 8}),
    )
    end = MonthField(
        label="au mois de (inclus)",
        required=False,
        help_text="Par exemple 06/2026. Pas de période pour la liste des volontaires.",
        widget=forms.TextInput({"size": 8}),
    )

    class Meta:
        model = Export
        fields = ["kind", "format", "territory", "start", "end"]
        error_messages = {
            "kind": {"invalid_choice": "Choisissez un contenu de la liste."},
            "format": {"invalid_choice": "Choisissez CSV, XLSX ou, pour le bilan, PDF."},
        }

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        territory = self.fields["territory"]
        territory.queryset = scope.territories().order_by("kind", "name")
        territory.empty_label = None if territory.queryset.count() == 1 else "---------"
        territory.error_messages["invalid_choice"] = (
            "Choisissez un de vos territoires : les fichiers d'un autre territoire ne vous sont "
            "pas ouverts."
        )
        if scope.is_elected_only:
            # Not offered; asked for all the same (an old link, a crafted request), refused in
            # words by clean_kind.
            self.fields["kind"].widget.choices = [
                choice for choice in self.fields["kind"].choices if choice[0] in ELECTED_KINDS
            ]

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        if self.scope.is_elected_only and kind not in ELECTED_KINDS:
            raise forms.ValidationError(ELECTED_REFUSAL, code="personal_data")
        return kind

    def clean(self):
        # Each mistake on the period is said beside a month field: the table's own check of the
        # period (models.Export's constraint) then stays silent rather than repeat it.
        cleaned = super().clean()
        start, end, kind = cleaned.get("start"), cleaned.get("end"), cleaned.get("kind")
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        fmt = cleaned.get("format")
        if kind and fmt and (kind == Export.Kind.BILAN) != (fmt == Export.Format.PDF):
            self.add_error(
                "format",
                forms.ValidationError(
                    "Le bilan se télécharge en PDF."
                    if kind == Export.Kind.BILAN
                    else "Seul le bilan est un PDF : pour ce fichier, choisissez CSV ou XLSX.",
                    code="format",
                ),
            )
        if kind == Export.Kind.BILAN and not (start or end):
            self.add_error(
                "start",
                forms.ValidationError(
                    "Choisissez la période du bilan : un mois, un trimestre ou une année, par "
                    "exemple de 01/2026 à 03/2026.",
                    code="bilan_period",
                ),
            )
        elif kind and kind not in DATED_KINDS and (start or end):
            self.add_error(
                "start",
                forms.ValidationError(
                    "La liste des volontaires n'a pas de période : laissez les deux mois vides.",
                    code="no_period",
                ),
            )
        elif bool(start) != bool(end):
            self.add_error(
                "end" if start else "start",
                forms.ValidationError(
                    "Indiquez le premier et le dernier mois de la période, ou aucun des deux.",
                    code="half_period",
                ),
            )
        elif start and end:
            period = PeriodForm({"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"})
            if not period.is_valid():
                for error in period.non_field_errors().as_data():
                    self.add_error("end", error)
        return cleaned

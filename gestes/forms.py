from django import forms

from .models import MONTH_NAMES, SEASONS, Geste, Theme, month_mask, months_of


class GesteFilterForm(forms.Form):
    """The search and filters of the gestes list: a GET form, shareable as a link."""

    q = forms.CharField(label="Rechercher", max_length=100, required=False)
    theme = forms.ModelChoiceField(
        label="Thème",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Tous les thèmes",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    kind = forms.ChoiceField(
        label="Type d'action",
        choices=[("", "Tous les types")] + Geste.Kind.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    season = forms.ChoiceField(
        label="Saison",
        choices=[("", "Toutes les saisons")]
        + [(key, label) for key, (label, _m) in SEASONS.items()],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def filter(self, queryset):
        """The gestes matching the valid filters; an invalid one is ignored, never an error."""
        if not self.is_bound:
            return queryset
        self.is_valid()  # keeps the valid values in cleaned_data
        data = self.cleaned_data
        if data.get("q"):
            queryset = queryset.search(data["q"])
        if data.get("theme"):
            queryset = queryset.filter(themes=data["theme"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("season"):
            queryset = queryset.suited_to(SEASONS[data["season"]][1])
        return queryset

    @property
    def is_filtering(self) -> bool:
        return self.is_bound and any(getattr(self, "cleaned_data", {}).values())


class MonthsField(forms.TypedMultipleChoiceField):
    """The months a geste suits, as checkboxes, stored as one number (see gestes.models)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Mois les plus indiqués")
        super().__init__(
            choices=[(n, name.capitalize()) for n, name in enumerate(MONTH_NAMES, start=1)],
            coerce=int,
            required=False,
            **kwargs,
        )

    def prepare_value(self, value):
        return months_of(value) if isinstance(value, int) else value

    def clean(self, value):
        return month_mask(super().clean(value))


class GesteProposalForm(forms.ModelForm):
    """The idea box: what a resident writes; moderators add the months and the effort."""

    how_to = forms.CharField(
        label="Comment faire",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Quelques phrases : comment s'y prendre, avec qui, et les précautions utiles.",
    )
    # Declared here: the model field's own form field adds an empty « --------- » choice,
    # which radio buttons show, checked.
    kind = forms.ChoiceField(
        label=Geste._meta.get_field("kind").verbose_name.capitalize(),
        choices=Geste.Kind.choices,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Geste
        fields = ["title", "summary", "how_to", "themes", "kind"]
        labels = {"title": "Le geste", "summary": "En une phrase"}
        help_texts = {
            "title": "Par exemple : « Faire les courses d'une voisine âgée ».",
            "summary": "Ce que ce geste change pour la personne ou le quartier.",
        }
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "summary": forms.TextInput,
        }

"""Where someone lives or acts: a commune typed as a postal code or a name, then a quartier."""

from django import forms

from heurecivique.text import search_key

from .models import Commune

MAX_COMMUNE_CHOICES = 12


def find_communes(query: str) -> list[Commune]:
    """The communes a resident may mean by what they typed, most populous first."""
    query = query.strip()
    if len(query) < 2:
        return []
    communes = Commune.objects.select_related("department")
    return list(communes.search(query)[:MAX_COMMUNE_CHOICES]) or list(
        communes.search(query, anywhere=True)[:MAX_COMMUNE_CHOICES]
    )


class CommuneForm(forms.Form):
    """The commune and quartier fields, shared by every form that asks where.

    Without JavaScript an ambiguous entry comes back with the matching communes as radio
    buttons (`commune_matches`, shown by territories/_commune_choices.html); with it,
    static/js/commune-choices.js shows the same list while the person types.
    """

    commune_query = forms.CharField(
        label="Votre commune",
        max_length=100,
        help_text="Votre code postal ou le nom de votre commune, par exemple 45000 ou Orléans.",
    )
    commune = forms.ModelChoiceField(
        queryset=Commune.objects.all(),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choisissez une commune dans la liste."},
    )
    quartier = forms.CharField(
        label="Votre quartier (facultatif)",
        max_length=100,
        required=False,
        help_text="Votre quartier, votre résidence ou votre rue : pour agir tout près de chez soi.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune_matches: list[Commune] = []

    def clean(self):
        data = super().clean()
        if data.get("commune") is None and data.get("commune_query"):
            matches = find_communes(data["commune_query"])
            if len(matches) == 1:
                data["commune"] = matches[0]
            elif not matches:
                self.add_error(
                    "commune_query",
                    f"Aucune commune française ne correspond à « {data['commune_query']} ». "
                    "Vérifiez le code postal ou l'orthographe.",
                )
            else:
                self.commune_matches = matches
                self.add_error("commune", "Plusieurs communes correspondent : choisissez la vôtre.")
        commune = data.get("commune")
        if commune and data.get("quartier"):
            data["quartier"] = official_quartier(commune, data["quartier"])
        return data


def official_quartier(commune: Commune, typed: str) -> str:
    """The mairie's spelling of a quartier when someone typed one of its names."""
    wanted = search_key(typed)
    for name in commune.quartiers.values_list("name", flat=True):
        if search_key(name) == wanted:
            return name
    return typed.strip()

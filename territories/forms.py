"""Where someone lives or acts: a commune typed as a postal code or a name, then a quartier.

A form that asks where declares the fields it needs (`commune_query_field()` and
`commune_field()`, `quartier_field()` if it asks for one), calls `resolve_commune()` from its
clean() and keeps what it returns as `commune_matches`; its template includes
territories/_commune_search.html. Without JavaScript an ambiguous entry comes back with the
matching communes as radio buttons (territories/_commune_choices.html); with it,
static/js/commune-choices.js shows the same list while the person types.
"""

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


def commune_query_field(
    *,
    label: str = "Votre commune",
    help_text: str = "Votre code postal ou le nom de votre commune, par exemple 45000 ou Orléans.",
    required: bool = True,
) -> forms.CharField:
    """What the person types: a postal code or the name of a commune."""
    return forms.CharField(label=label, max_length=100, help_text=help_text, required=required)


def commune_field() -> forms.ModelChoiceField:
    """The commune picked among the matches; empty, it is looked for from what was typed."""
    return forms.ModelChoiceField(
        queryset=Commune.objects.all(),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choisissez une commune dans la liste."},
    )


def quartier_field(*, label: str = "Votre quartier (facultatif)") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=100,
        required=False,
        help_text="Votre quartier, votre résidence ou votre rue : pour agir tout près de chez soi.",
    )


def resolve_commune(form: forms.Form, data: dict) -> list[Commune]:
    """When no commune was picked, the one typed goes into `data["commune"]`; when none or
    several match, the form gets an error. Returns the matches to choose from, if several.
    A quartier typed takes the mairie's spelling."""
    matches = []
    if data.get("commune") is None and data.get("commune_query"):
        found = find_communes(data["commune_query"])
        if len(found) == 1:
            data["commune"] = found[0]
        elif not found:
            form.add_error(
                "commune_query",
                f"Aucune commune française ne correspond à « {data['commune_query']} ». "
                "Vérifiez le code postal ou l'orthographe.",
            )
        else:
            matches = found
            form.add_error("commune", "Plusieurs communes correspondent : choisissez la vôtre.")
    commune = data.get("commune")
    if commune and data.get("quartier"):
        data["quartier"] = official_quartier(commune, data["quartier"])
    return matches


def official_quartier(commune: Commune, typed: str) -> str:
    """The mairie's spelling of a quartier when someone typed one of its names."""
    wanted = search_key(typed)
    for name in commune.quartiers.values_list("name", flat=True):
        if search_key(name) == wanted:
            return name
    return typed.strip()

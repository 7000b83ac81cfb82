import re

from django import forms

from territories.forms import commune_field, commune_query_field, resolve_commune
from territories.models import Department

from .models import COMMUNAL_MANDATES, Mandate

NAME = re.compile(r"^[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?$")
MAX_WORD = 500


def clean_name(value: str) -> str:
    value = " ".join(value.split())
    if not NAME.match(value):
        raise forms.ValidationError(
            "Écrivez-le en lettres : seuls les espaces, tirets, points et apostrophes "
            "sont acceptés."
        )
    return value


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, department):
        return f"{department.code} – {department.name}"


class SignatureForm(forms.Form):
    """An elected official signs: who, which mandate, where, and how to reach them."""

    field_order = [
        "first_name",
        "last_name",
        "mandate",
        "feminine",
        "commune_query",
        "commune",
        "department",
        "email",
        "word",
        "attest",
    ]

    first_name = forms.CharField(label="Prénom", max_length=80)
    last_name = forms.CharField(label="Nom", max_length=80)
    mandate = forms.ChoiceField(label="Votre mandat", choices=[("", "—")] + Mandate.choices)
    feminine = forms.TypedChoiceField(
        label="Votre titre s'écrit",
        choices=[
            ("oui", "au féminin : maire, présidente, sénatrice, conseillère…"),
            ("non", "au masculin : maire, président, sénateur, conseiller…"),
        ],
        coerce=lambda answer: answer == "oui",
        widget=forms.RadioSelect,
        error_messages={"required": "Dites-nous comment écrire votre titre."},
        help_text="Il est publié ainsi avec votre nom, une fois votre mandat vérifié.",
    )
    commune_query = commune_query_field(
        label="La commune de votre mandat",
        help_text="Pour un mandat municipal : son code postal ou son nom.",
        required=False,
    )
    commune = commune_field()
    department = DepartmentChoiceField(
        label="Le département de votre mandat",
        queryset=Department.objects.order_by("code"),
        required=False,
        empty_label="—",
        help_text="Pour un mandat départemental, régional ou parlementaire.",
        error_messages={"invalid_choice": "Choisissez un département de la liste."},
    )
    email = forms.EmailField(
        label="Votre adresse électronique",
        help_text="Pour confirmer votre signature : elle n'est jamais publiée.",
    )
    word = forms.CharField(
        label="Un mot de soutien (facultatif)",
        max_length=MAX_WORD,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_WORD}),
        help_text=f"{MAX_WORD} caractères au plus, publiés avec votre signature.",
    )
    attest = forms.BooleanField(
        label="J'atteste exercer ce mandat et j'accepte que mon nom, mon mandat, ma commune ou "
        "mon département et mon mot de soutien soient publiés une fois mon mandat vérifié.",
        error_messages={"required": "Cochez cette case pour signer."},
    )

    def clean_first_name(self):
        return clean_name(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return clean_name(self.cleaned_data["last_name"])

    def clean_word(self):
        # Kept as text (shown escaped); no control characters, no runs of blank lines.
        word = "".join(c for c in self.cleaned_data["word"] if c.isprintable() or c == "\n")
        return re.sub(r"\n{3,}", "\n\n", word).strip()

    def clean(self):
        data = super().clean()
        mandate = data.get("mandate")
        if mandate and mandate not in COMMUNAL_MANDATES:
            # A departmental or national mandate is named by its department only: a commune
            # typed all the same is not looked for.
            data["commune"] = None
            if not data.get("department"):
                self.add_error("department", "Choisissez le département de votre mandat.")
            return data
        self.commune_matches = resolve_commune(self, data)
        if (
            mandate
            and not data.get("commune")
            and "commune" not in self.errors
            and not data.get("commune_query")
        ):
            self.add_error("commune_query", "Indiquez la commune de votre mandat.")
        return data

    def signature_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in ("first_name", "last_name", "mandate", "feminine", "email", "word")
        }
        if data["mandate"] in COMMUNAL_MANDATES:
            fields["commune"] = data["commune"]
            fields["department"] = data["commune"].department
        else:
            fields["department"] = data["department"]
        return fields

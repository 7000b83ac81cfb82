import re
import uuid

from django import forms
from django.core.cache import cache
from django.core.files.base import ContentFile

from gestes.models import Theme
from heurecivique.images import MAX_PIXELS, photo_pixels, photo_variants
from territories.forms import commune_field, commune_query_field, quartier_field, resolve_commune
from territories.models import Department

from .models import MAX_PHOTOS, Initiative

MAX_PHOTO_BYTES = 8_000_000
# What all the photos of one submission may weigh and cost once decoded, together, so that the
# request stays under a second of work (bench/uploads.py): reading a JPEG takes time by the byte,
# decoding any image by the pixel. Together they cost what one image may: five phone photos of
# 12 MP, since a JPEG counts at the scale it is decoded (3 MP each, for a largest variant 1600
# pixels wide). The weight is also what the proxy lets through (deploy/nginx.conf).
MAX_PHOTO_BYTES_PER_FORM = 20_000_000
MAX_PHOTO_PIXELS_PER_FORM = MAX_PIXELS


class InitiativeForm(forms.ModelForm):
    """Presenting an initiative: what, where, who, when, how to join."""

    field_order = ["title", "summary", "body", "commune_query", "commune", "quartier", "themes"]

    commune_query = commune_query_field(label="Commune de l'initiative")
    commune = commune_field()
    quartier = quartier_field(label="Quartier (facultatif)")

    class Meta:
        model = Initiative
        fields = [
            "title",
            "summary",
            "body",
            "quartier",
            "themes",
            "run_by",
            "place",
            "frequency",
            "schedule",
            "how_to_join",
        ]
        labels = {"title": "Nom de l'initiative", "body": "Présentation"}
        widgets = {
            "summary": forms.TextInput,
            "body": forms.Textarea(attrs={"rows": 6, "maxlength": 4000}),
            "how_to_join": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
            "themes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].max_length = 4000
        self.fields["how_to_join"].max_length = 1000
        self.fields["themes"].queryset = Theme.objects.all()

    def clean(self):
        data = super().clean()
        self.commune_matches = resolve_commune(self, data)
        return data


# A photo already checked and re-encoded, kept while the rest of its form is corrected: a browser
# never sends a file again, so without it the resident would lose the photo at the first error.
# In the cache, under its owner's id: a few hours, then gone by itself; if the cache lost it
# meanwhile, the form says so and asks for the photo again, it never goes on without it.
KEPT_PHOTO_SECONDS = 6 * 3600
KEPT_PHOTO_TOKEN = re.compile(r"[0-9a-f]{32}")
PHOTO_LOST = (
    "Votre photo n'a pas pu être gardée depuis votre premier envoi : choisissez-la de nouveau."
)


def _kept_key(user, token: str) -> str:
    return f"initiatives:kept-photo:{user.pk}:{token}"


def keep_photo(user, variants: dict) -> str:
    """Keep these re-encoded variants for a later submission of the same person: a token."""
    token = uuid.uuid4().hex
    files = {target: (width, file.read()) for target, (width, file) in variants.items()}
    for _width, file in variants.values():
        file.seek(0)
    cache.set(_kept_key(user, token), files, KEPT_PHOTO_SECONDS)
    return token


def kept_photo(user, token: str) -> dict | None:
    """The variants kept under this token for this person, as new files; None when gone."""
    files = cache.get(_kept_key(user, token)) if KEPT_PHOTO_TOKEN.fullmatch(token) else None
    if not files:
        return None
    name = uuid.uuid4().hex
    return {
        target: (width, ContentFile(content, name=f"{name}-{target}.jpg"))
        for target, (width, content) in files.items()
    }


class PhotoForm(forms.Form):
    # A plain file field: heurecivique.images checks the content itself, bounds first.
    image = forms.FileField(
        label="Photo",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    alt_text = forms.CharField(
        label="Ce que montre la photo",
        max_length=200,
        required=False,
        help_text="Obligatoire avec une photo : elle sera lue aux personnes aveugles.",
    )
    # The token of the photo sent with an earlier, refused, submission (keep_photo).
    kept = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    drop = forms.BooleanField(label="Retirer cette photo", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.kept_token = ""  # set when the photo of this row is kept for the next submission

    def clean(self):
        data = super().clean()
        image = data.get("image")
        kept = data.get("kept") if not image and not data.get("drop") else ""
        if (image or kept) and not data.get("alt_text"):
            self.add_error("alt_text", "Décrivez la photo en quelques mots.")
        if kept:
            variants = kept_photo(self.user, kept)
            if variants is None:
                self.add_error("image", PHOTO_LOST)
            else:
                data["variants"] = variants
                self.kept_token = kept
        if image:
            try:
                # From the header alone: the photos are decoded once all of them are in bounds.
                data["pixels"] = photo_pixels(image, max_bytes=MAX_PHOTO_BYTES)
            except forms.ValidationError as error:
                self.add_error("image", error)
        return data


class BasePhotoFormSet(forms.BaseFormSet):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, form_kwargs={"user": user}, **kwargs)
        self.user = user

    def keep(self) -> None:
        """After a refused submission: keep each photo that passed its checks, so the form
        shown again carries it (see keep_photo)."""
        for form in self.forms:
            variants = getattr(form, "cleaned_data", {}).get("variants")
            if variants and not form.kept_token:
                form.kept_token = keep_photo(self.user, variants)

    def clean(self):
        photos = [form for form in self.forms if form.cleaned_data.get("pixels")]
        weight = sum(form.cleaned_data["image"].size for form in photos)
        if weight > MAX_PHOTO_BYTES_PER_FORM:
            raise forms.ValidationError(
                f"Ensemble, ces photos pèsent {weight / 1_000_000:.1f} Mo ; un envoi en accepte "
                f"{MAX_PHOTO_BYTES_PER_FORM // 1_000_000} Mo au plus : envoyez-en moins, ou "
                "réduisez-les avant de les envoyer.".replace(".", ",", 1),
                code="too_big",
            )
        if sum(form.cleaned_data["pixels"] for form in photos) > MAX_PHOTO_PIXELS_PER_FORM:
            raise forms.ValidationError(
                "Ensemble, ces photos sont trop grandes pour un seul envoi : envoyez-en moins, "
                "ou réduisez-les avant de les envoyer.",
                code="too_many_pixels",
            )
        for form in photos:
            try:
                # Re-encoded now: a refused file never reaches the storage.
                form.cleaned_data["variants"] = photo_variants(
                    form.cleaned_data["image"], max_bytes=MAX_PHOTO_BYTES
                )
            except forms.ValidationError as error:
                form.add_error("image", error)


PhotoFormSet = forms.formset_factory(
    PhotoForm, formset=BasePhotoFormSet, extra=MAX_PHOTOS, max_num=MAX_PHOTOS
)


class InterestForm(forms.Form):
    message = forms.CharField(
        label="Votre message à l'organisateur",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        help_text="1000 caractères au plus. L'organisateur vous répondra à votre adresse "
        "électronique ; la sienne ne vous est pas communiquée.",
    )


class InitiativeFilterForm(forms.Form):
    """The search and filters of the showcase: a GET form, shareable as a link. A commune is
    typed (a postal code or a name), never picked from a list that grows with the initiatives;
    the department list offers the portal's. The list is filtered by the values given, never by a
    lookup of them: a commune this portal does not show finds no initiative."""

    q = forms.CharField(label="Rechercher", max_length=100, required=False)
    theme = forms.SlugField(
        label="Thème", required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    departement = forms.CharField(
        label="Département",
        max_length=3,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    commune_query = commune_query_field(
        label="Commune",
        help_text="Un code postal ou un nom, par exemple 45000 ou Orléans.",
        required=False,
    )
    commune = commune_field()
    pres = forms.BooleanField(required=False)

    def __init__(self, data=None, *, territory):
        super().__init__(data)
        del self.fields["departement"].widget.attrs["maxlength"]  # a list, not a text box
        # Callables: a list is read only when the page shows it.
        self.fields["theme"].widget.choices = lambda: (
            [("", "Tous les thèmes")] + [(theme.slug, theme.name) for theme in Theme.objects.all()]
        )
        self.fields["departement"].widget.choices = lambda: (
            [("", "Tous")]
            + [(department.code, str(department)) for department in Department.objects.all()]
        )

    def clean(self):
        data = super().clean()
        self.commune_matches = resolve_commune(self, data)
        return data

    def filter(self, queryset, home_commune=None):
        """The initiatives matching the valid filters; an invalid one is said next to its field
        and ignored. « Près de chez moi » needs the signed-in volunteer's commune."""
        self.commune_matches = []
        if not self.is_bound:
            return queryset
        self.is_valid()  # keeps the valid values in cleaned_data
        data = self.cleaned_data
        if data.get("q"):
            queryset = queryset.search(data["q"])
        if data.get("theme"):
            # A subquery, not a join: the list needs no DISTINCT over every column.
            queryset = queryset.filter(
                pk__in=Initiative.themes.through.objects.filter(theme__slug=data["theme"]).values(
                    "initiative"
                )
            )
        if data.get("commune"):
            queryset = queryset.filter(commune=data["commune"])
        if data.get("departement"):
            queryset = queryset.filter(commune__department__code=data["departement"])
        if data.get("pres") and home_commune:
            queryset = queryset.filter(commune__department_id=home_commune.department_id)
        return queryset

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Count
from django.template.defaultfilters import filesizeformat

from territories.admin import TerritoryScopedAdmin, TerritoryScopedInline
from territories.scope import staff_scope

from . import services
from .documents import TEMPLATES
from .files import accepted_file
from .models import Download, Kit, Resource


class ResourceForm(forms.ModelForm):
    template = forms.ChoiceField(
        label="modèle « à vos couleurs »",
        required=False,
        choices=[("", "—")] + [(key, spec.label) for key, spec in TEMPLATES.items()],
    )

    class Meta:
        model = Resource
        fields = ["title", "description", "template", "file", "position"]

    def clean(self):
        data = super().clean()
        upload = self.files.get(self.add_prefix("file"))
        has_file = bool(data.get("file"))  # a new upload, or the current file if not cleared
        if data.get("template") and has_file:
            raise forms.ValidationError(
                "Choisissez un modèle à vos couleurs ou un fichier, pas les deux."
            )
        if not data.get("template") and not has_file:
            raise forms.ValidationError(
                "Ajoutez un fichier, ou choisissez un modèle à vos couleurs."
            )
        if upload:
            try:
                self.accepted = accepted_file(upload)  # format, content, preview
            except forms.ValidationError as error:
                self.add_error("file", error)
        return data

    def save(self, commit=True):
        resource = super().save(commit=False)
        upload = self.files.get(self.add_prefix("file"))
        if resource.template:
            resource.format = TEMPLATES[resource.template].format
            resource.size = 0
        if upload:
            # Stored under a random name, with its size and preview, never as it was named.
            services.store_upload(resource, *self.accepted)
        elif commit:
            resource.save()
        return resource


class ResourceInline(TerritoryScopedInline):
    model = Resource
    form = ResourceForm
    extra = 1
    fields = ["position", "title", "description", "template", "file", "format", "weight"]
    readonly_fields = ["format", "weight"]
    ordering = ["position", "pk"]

    @admin.display(description="taille")
    def weight(self, resource):
        if resource.brandable:
            return "générée pour chaque portail"
        return filesizeformat(resource.size) if resource.size else "—"


@admin.register(Kit)
class KitAdmin(TerritoryScopedAdmin):
    field_help_texts = {
        "title": "Le titre du kit dans la boîte à outils et sur sa page.",
        "description": "Le texte de la page du kit, au-dessus de ses fichiers.",
    }
    list_display = ["title", "audience", "topic", "territory_name", "is_public", "downloads"]
    list_filter = ["audience", "topic", "is_public", "territory"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ResourceInline]
    fields = [
        "title",
        "slug",
        "description",
        "audience",
        "topic",
        "territory",
        "is_public",
        "position",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(download_count=Count("resources__downloads"))

    @admin.display(description="téléchargements", ordering="download_count")
    def downloads(self, kit):
        return kit.download_count

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # An address that names no kit of this person's (« ² ») gets the admin's own answer.
        kit = self.get_object(request, unquote(object_id))
        downloads = self._downloads(request, kit) if kit else []
        extra_context = {**(extra_context or {}), "downloads": downloads}
        return super().change_view(request, object_id, form_url, extra_context)

    def _downloads(self, request, kit):
        """Downloads per resource and portal, on the portals this person manages."""
        downloads = Download.objects.filter(resource__kit=kit)
        scope = staff_scope(request)
        if not scope.is_national:
            downloads = downloads.filter(territory__in=scope.territories())
        return (
            downloads.values("resource__title", "territory__name")
            .annotate(count=Count("id"))
            .order_by("resource__title", "territory__name")
        )

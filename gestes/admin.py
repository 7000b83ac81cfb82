from django import forms
from django.contrib import admin
from django.contrib.admin.options import ShowFacets
from django.db.models import Q

from heurecivique.moderation import ModeratedAdmin
from heurecivique.text import count_of
from territories.admin import TerritoryScopedAdmin, contact_label
from territories.scope import staff_scope

from . import services
from .forms import MonthsField
from .models import Geste, MonthTheme, Theme


class GesteAdminForm(forms.ModelForm):
    months = MonthsField()

    class Meta:
        model = Geste
        fields = [
            "title",
            "slug",
            "summary",
            "how_to",
            "safety",
            "themes",
            "kind",
            "effort",
            "months",
            "territory",
            "status",
            "moderation_note",
        ]
        widgets = {"themes": forms.CheckboxSelectMultiple}

    def clean(self):
        data = super().clean()
        if data.get("status") == Geste.Status.REJECTED and not data.get("moderation_note"):
            self.add_error(
                "moderation_note", "Indiquez le motif du refus : il est envoyé à l'auteur."
            )
        return data


@admin.register(Geste)
class GesteAdmin(ModeratedAdmin, TerritoryScopedAdmin):
    """The gestes of my territory and the moderation queue of the idea box."""

    form = GesteAdminForm
    field_help_texts = {
        "title": "Le titre de la carte du geste et de sa page.",
        "summary": "Sous le titre, sur la carte du geste et quand sa page est partagée.",
        "how_to": "Le texte de la page du geste.",
        "safety": "Un encadré sur la page du geste, s'il y a une précaution à prendre.",
        "themes": "Les volontaires trouvent le geste en filtrant la liste par thème.",
        "kind": "Affiché sur la page du geste.",
        "effort": "Affiché sur la carte et la page du geste.",
    }
    list_display = ["title", "status", "territory_name", "kind", "author", "created_at"]
    list_filter = ["status", "kind", "themes", "territory"]
    search_fields = ["title", "summary"]
    list_select_related = ["territory", "proposed_by"]
    readonly_fields = ["author", "moderated_by", "moderated_at", "created_at"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["approve", "reject", "promote"]
    show_facets = ShowFacets.ALWAYS  # the moderation queue shows its counts

    def get_queryset(self, request):
        # No select_related() here: the list's own (list_select_related) would be dropped.
        return (
            super()
            .get_queryset(request)
            .annotate(contact_visible=staff_scope(request).contact_visible("proposed_by"))
        )

    @admin.display(description="proposé par", ordering="proposed_by__last_name")
    def author(self, geste):
        return contact_label(geste.proposed_by, geste.contact_visible)

    waiting_status = Geste.Status.PROPOSED
    published_message = "Le geste « {obj} » est publié ; son auteur est prévenu par courriel."
    refused_message = "Le geste « {obj} » est refusé ; son auteur reçoit le motif par courriel."
    preview_template = "gestes/geste_detail.html"

    def preview_context(self, request, geste):
        return {"geste": geste, "related": [], "hidden_here": False, "can_hide": False}

    @admin.action(description="Publier les propositions sélectionnées")
    def approve(self, request, queryset):
        count = self.publish_queryset(request, queryset)
        self.message_user(
            request,
            count_of(
                count,
                "proposition publiée ; son auteur est prévenu.",
                "propositions publiées ; leurs auteurs sont prévenus.",
            ),
        )

    @admin.action(description="Rendre nationaux les gestes sélectionnés", permissions=["promote"])
    def promote(self, request, queryset):
        for geste in queryset:
            services.promote_to_national(geste=geste, moderator=request.user)
        self.message_user(
            request,
            count_of(
                len(queryset),
                "geste désormais proposé partout.",
                "gestes désormais proposés partout.",
            ),
        )

    def has_promote_permission(self, request):
        return staff_scope(request).is_national


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    """National content: only the national team holds these permissions."""

    list_display = ["name", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(MonthTheme)
class MonthThemeAdmin(TerritoryScopedAdmin):
    """The calendar of the year: staff read the national one and write their own months."""

    field_help_texts = {
        "title": "Sur l'accueil du portail et dans le rappel mensuel de ce mois-là.",
        "gestes": "Proposés en premier aux volontaires ce mois-là.",
    }
    list_display = ["month", "title", "territory_name"]
    list_filter = ["month", "territory"]
    list_select_related = ["territory"]
    filter_horizontal = ["gestes"]

    def scope_queryset(self, queryset, scope):
        return queryset.filter(Q(territory__isnull=True) | Q(territory__in=scope.territories()))

    def _is_national_theme_for_local_staff(self, request, obj) -> bool:
        return obj is not None and obj.territory_id is None and not staff_scope(request).is_national

    def has_change_permission(self, request, obj=None):
        if self._is_national_theme_for_local_staff(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._is_national_theme_for_local_staff(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "gestes":
            scope = staff_scope(request)
            gestes = Geste.objects.published()
            if not scope.is_national:
                gestes = gestes.filter(
                    Q(territory__isnull=True) | Q(territory__in=scope.territories())
                )
            kwargs["queryset"] = gestes
        return super().formfield_for_manytomany(db_field, request, **kwargs)

from django.contrib import admin
from django.contrib.admin.options import ShowFacets
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from gestes.models import Geste
from heurecivique.moderation import ModeratedAdmin
from heurecivique.page_cache import new_generation
from heurecivique.services import moderate
from heurecivique.text import count_of
from outils.models import Kit
from territories.admin import (
    TerritoryScopedAdmin,
    TerritoryScopedInline,
    contact_label,
)
from territories.scope import staff_scope

from .forms import InterestForm
from .models import GoodPractice, Initiative, InterestMessage, Photo


class PhotoInline(TerritoryScopedInline):
    """Photos come re-encoded from the submission form; here, their order and description."""

    model = Photo
    extra = 0
    fields = ["thumbnail", "alt_text", "position"]
    readonly_fields = ["thumbnail"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="photo")
    def thumbnail(self, photo):
        return format_html('<img src="{}" alt="" width="120">', photo.small.url)


@admin.register(Initiative)
class InitiativeAdmin(ModeratedAdmin, TerritoryScopedAdmin):
    """The initiatives of my territory's communes, and their moderation queue."""

    feminine = True

    field_help_texts = {
        "title": "Le titre de la carte de l'initiative et de sa page.",
        "summary": "Sous le titre, sur la carte et quand la page est partagée.",
        "body": "Le texte de la page de l'initiative.",
        "quartier": "Affiché avec la commune. Facultatif.",
        "run_by": "Une association, un collectif, des voisins… Affiché sur la page.",
        "place": "Affiché sur la page : pas d'adresse personnelle sans l'accord de la personne.",
        "schedule": "Par exemple : le samedi de 10 h à 12 h. Affiché sur la page.",
        "how_to_join": "Affiché sur la page de l'initiative.",
    }
    list_display = ["title", "status", "commune", "featured", "author", "created_at"]
    list_filter = ["status", "featured", "themes", "commune"]
    search_fields = ["title", "summary", "run_by"]
    list_select_related = ["commune", "organiser"]
    readonly_fields = ["author", "moderated_by", "moderated_at", "published_at", "created_at"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["commune"]
    inlines = [PhotoInline]
    actions = ["publish", "reject", "unpublish", "feature", "unfeature"]
    show_facets = ShowFacets.ALWAYS
    fields = [
        "title",
        "slug",
        "summary",
        "body",
        "commune",
        "quartier",
        "themes",
        "run_by",
        "place",
        "frequency",
        "schedule",
        "how_to_join",
        "status",
        "featured",
        "moderation_note",
        "author",
        "moderated_by",
        "moderated_at",
        "published_at",
        "created_at",
    ]

    def scope_queryset(self, queryset, scope):
        return queryset.filter(commune__in=scope.communes())

    def get_queryset(self, request):
        # No select_related() here: the list's own (list_select_related) would be dropped.
        return (
            super()
            .get_queryset(request)
            .annotate(contact_visible=staff_scope(request).contact_visible("organiser"))
        )

    @admin.display(description="présentée par", ordering="organiser__last_name")
    def author(self, initiative):
        return contact_label(initiative.organiser, initiative.contact_visible)

    waiting_status = Initiative.Status.PROPOSED
    published_message = "L'initiative « {obj} » est publiée ; son auteur est prévenu par courriel."
    refused_message = (
        "L'initiative « {obj} » est refusée ; son auteur reçoit le motif par courriel."
    )
    preview_template = "initiatives/initiative_detail.html"

    def publishable(self, queryset):
        # Not only proposals: an initiative refused or taken off the portal may come back.
        return queryset.exclude(status=Initiative.Status.PUBLISHED)

    def preview_context(self, request, initiative):
        return {"initiative": initiative, "form": InterestForm()}

    @admin.action(description="Publier les initiatives sélectionnées")
    def publish(self, request, queryset):
        count = self.publish_queryset(request, queryset)
        self.message_user(request, count_of(count, "initiative publiée.", "initiatives publiées."))

    @admin.action(description="Retirer du portail les initiatives sélectionnées")
    def unpublish(self, request, queryset):
        published = list(queryset.filter(status=Initiative.Status.PUBLISHED))
        # Taken off the portal (ended, outdated): its author keeps it, and is not told.
        for initiative in published:
            moderate(item=initiative, moderator=request.user, status=Initiative.Status.UNPUBLISHED)
        self.message_user(
            request,
            count_of(
                len(published), "initiative retirée du portail.", "initiatives retirées du portail."
            ),
        )

    @admin.action(description="Mettre à la une de l'accueil")
    def feature(self, request, queryset):
        count = queryset.filter(status=Initiative.Status.PUBLISHED).update(featured=True)
        new_generation()  # an update() sends no signal: the home pages change
        self.message_user(request, count_of(count, "initiative à la une.", "initiatives à la une."))

    @admin.action(description="Retirer de la une")
    def unfeature(self, request, queryset):
        count = queryset.update(featured=False)
        new_generation()
        self.message_user(
            request,
            count_of(count, "initiative retirée de la une.", "initiatives retirées de la une."),
        )


@admin.register(InterestMessage)
class InterestMessageAdmin(TerritoryScopedAdmin):
    """How many volunteers wrote to which initiative; the messages stay between them."""

    list_display = ["initiative", "created_at"]
    list_select_related = ["initiative"]
    fields = ["initiative", "created_at"]
    read_only = True

    def scope_queryset(self, queryset, scope):
        return queryset.filter(initiative__commune__in=scope.communes())

    def has_delete_permission(self, request, obj=None):
        # Unlike the other read-only lists, a message may be removed (a nuisance, a mistake).
        return self._role_allows(request, self.delete_roles)


@admin.register(GoodPractice)
class GoodPracticeAdmin(TerritoryScopedAdmin):
    feminine = True
    field_help_texts = {
        "title": "Le titre de la bonne pratique, dans la liste et sur sa page.",
        "summary": "Sous le titre, dans la liste des bonnes pratiques.",
    }
    list_display = ["title", "status", "territory_name", "published_at"]
    list_filter = ["status", "territory"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["gestes", "kits"]
    autocomplete_fields = ["initiatives"]
    readonly_fields = ["copied_from", "preview", "published_at", "created_at"]
    fields = [
        "title",
        "slug",
        "summary",
        "body",
        "preview",
        "territory",
        "status",
        "gestes",
        "kits",
        "initiatives",
        "copied_from",
        "published_at",
        "created_at",
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # A practice may point to any published geste and public kit, national ones included.
        if db_field.name == "gestes":
            kwargs["queryset"] = Geste.objects.published()
        elif db_field.name == "kits":
            kwargs["queryset"] = Kit.objects.filter(is_public=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="aperçu")
    def preview(self, practice):
        # body_html is Markdown rendered then sanitised by nh3 (heurecivique.text).
        return mark_safe(practice.body_html) if practice.body_html else "—"  # noqa: S308

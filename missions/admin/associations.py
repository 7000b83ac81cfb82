"""« Associations partenaires »: created by the commune's staff, who name their referents."""

from django.contrib import admin
from django.db.models import Count

from .. import people
from ..models import Association
from .base import MissionsScopedAdmin
from .forms import AssociationForm


@admin.register(Association)
class AssociationAdmin(MissionsScopedAdmin):
    feminine = True
    form = AssociationForm
    list_display = ["name", "commune", "referent_list", "mission_count"]
    search_fields = ["name", "commune__name"]
    search_help_text = "Le nom d'une association, une commune."
    list_select_related = ["commune"]
    list_per_page = 50
    ordering = ["commune__name", "name"]  # the count of missions drops the model's
    autocomplete_fields = ["commune"]
    fields = ["name", "commune", "description", "referent_emails"]

    def get_readonly_fields(self, request, obj=None):
        # Its missions are in its commune: it does not move.
        return ["commune"] if obj is not None else []

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(mission_count=Count("missions"))
            .prefetch_related("referents")
        )

    @admin.display(description="référents")
    def referent_list(self, association):
        return ", ".join(user.email for user in association.referents.all()) or "—"

    @admin.display(description="missions", ordering="mission_count")
    def mission_count(self, association):
        return association.mission_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        added, removed = people.set_referents(
            association=form.instance, users=form.cleaned_data["referent_emails"]
        )
        for user in added:
            self.message_user(
                request,
                f"{user.email} est référent de l'association : un courriel le prévient, et "
                "l'administration lui montre les missions de l'association, et elles seules.",
            )
        for user in removed:
            self.message_user(request, f"{user.email} n'est plus référent de l'association.")

    def delete_model(self, request, obj):
        people.set_referents(association=obj, users=[])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for association in queryset:
            people.set_referents(association=association, users=[])
        super().delete_queryset(request, queryset)

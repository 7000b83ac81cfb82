"""« Missions »: the needs of my commune as an agent reads them (when, where, places taken, what
waits for me), posted and changed in plain French; an association's referent sees and posts
only their association's."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from heurecivique.text import count_of, long_date
from territories.scope import staff_scope

from .. import services
from ..models import Association, Mission, Participation
from .base import MissionsScopedAdmin, is_referent_only, moment, referent_association_ids
from .filters import WaitingFilter, WhenFilter
from .forms import DATE_AND_TIME, DateTimeWidget, MissionForm, ReferentMissionForm
from .pages import MissionPages

Status = Participation.Status


PUBLIC_FIELDS = ["kind", "title", "summary", "commune", "quartier", "starts_at", "minutes",
                 "places", "skills", "themes", "association"]  # fmt: skip
FOLLOW_UP_FIELDS = ["status", "posted_by", "created_at", "matched_at", "done_at"]
# What an association's referent does not choose: the kind and commune follow from their
# association, and the people helped are the mairie's.
NOT_FOR_REFERENTS = {"kind", "commune", "beneficiary"}


@admin.register(Mission)
class MissionAdmin(MissionPages, MissionsScopedAdmin):
    feminine = True
    form = MissionForm
    list_display = ["title", "kind", "when", "place", "places_taken", "status", "waiting"]
    list_filter = [WhenFilter, WaitingFilter, "status", "kind"]
    search_fields = ["title", "summary", "quartier", "commune__name", "association__name"]
    search_help_text = (
        "Un mot du titre ou de la demande, un quartier, une commune, une association."
    )
    list_per_page = 50
    show_full_result_count = False
    ordering = ["starts_at", "pk"]  # the counts (GROUP BY) drop the model's
    autocomplete_fields = ["commune", "beneficiary", "association"]
    formfield_overrides = {
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
        models.DateTimeField: {"widget": DateTimeWidget},
    }
    actions = ["complete", "cancel"]
    field_help_texts = {
        "kind": "Entre voisins : une personne en aide une autre. Action collective : une date "
        "et plusieurs places. Association : un coup de main à une association partenaire.",
        "title": "Montré au public : ce qu'il y a à faire, sans nom ni adresse.",
        "quartier": "Montré au public avec la commune : le quartier, jamais la rue.",
        "starts_at": "Montré au public.",
        "minutes": "Montrée au public ; c'est aussi la durée comptée à chaque volontaire.",
        "places": "Combien de volontaires il faut. Une action collective les retient "
        "jusqu'à ce nombre, puis inscrit les suivants en liste d'attente.",
        "skills": "Aident à trouver les volontaires qui conviennent ; montrées au public.",
        "themes": "Montrés au public ; rapprochent la mission des centres d'intérêt des "
        "volontaires.",
        "association": "Pour un coup de main à une association : celle qui l'organise, "
        "montrée au public.",
        "beneficiary": "Jamais montrée au public. Ses coordonnées ne sont vues que par l'équipe "
        "de la commune et, jusqu'à trois jours après la mission, par les volontaires retenus.",
        "recurrence": "Pour une visite régulière : chaque date devient une mission, avec ses "
        "propres volontaires.",
        "repeat_until": "La dernière date de la série (six mois au plus).",
    }

    # --- Who sees what -----------------------------------------------------------------------

    def _referent(self, request) -> bool:
        return bool(referent_association_ids(request))

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self._referent(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self._referent(request)

    def has_add_permission(self, request):
        return super().has_add_permission(request) or self._referent(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self._referent(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        associations = referent_association_ids(request)
        if associations and not staff_scope(request).is_national:
            queryset |= Mission.objects.filter(association__in=associations)
        return (
            queryset.select_related("commune")
            .with_counts()
            .annotate(
                offered_count=Count(
                    "participations", filter=Q(participations__status=Status.OFFERED)
                ),
                problem_count=Count(
                    "participations", filter=Q(participations__status=Status.PROBLEM)
                ),
            )
        )

    # --- The list ----------------------------------------------------------------------------

    @admin.display(description="date", ordering="starts_at")
    def when(self, mission):
        return moment(mission.starts_at)

    @admin.display(description="lieu", ordering="commune__name")
    def place(self, mission):
        return (
            f"{mission.commune.name} – {mission.quartier}"
            if mission.quartier
            else (mission.commune.name)
        )

    @admin.display(description="places prises")
    def places_taken(self, mission):
        taken = f"{mission.accepted_count}/{mission.places}"
        if mission.waiting_count:
            return f"{taken}, {mission.waiting_count} en attente"
        return taken

    @admin.display(description="à suivre")
    def waiting(self, mission):
        ahead = not mission.is_past and mission.status in (
            Mission.Status.OPEN,
            Mission.Status.FILLED,
        )
        parts = []
        if mission.offered_count and ahead:
            parts.append(
                count_of(mission.offered_count, "proposition à examiner", "propositions à examiner")
            )
        if mission.problem_count:
            parts.append(count_of(mission.problem_count, "souci", "soucis"))
        if (
            ahead
            and mission.status == Mission.Status.OPEN
            and mission.starts_at <= (timezone.now() + datetime.timedelta(days=7))
        ):
            missing = mission.places - mission.accepted_count
            parts.append(f"manque {count_of(missing, 'volontaire', 'volontaires')}")
        return " · ".join(parts) or "—"

    # --- The form ----------------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        referent = is_referent_only(request)

        def shown(fields):
            if not referent:
                return fields
            # Their association first: it says where and what kind of mission it is.
            kept = [f for f in fields if f not in NOT_FOR_REFERENTS]
            return sorted(kept, key=lambda field: field != "association")

        fieldsets = [
            (
                "Ce que voit le public",
                {
                    "fields": shown(PUBLIC_FIELDS),
                    "description": "Sur la liste des missions du portail : des mots qui ne "
                    "permettent de reconnaître personne.",
                },
            ),
            (
                "Réservé à l'équipe et aux volontaires retenus",
                {
                    "fields": shown(["beneficiary", "details"]),
                    "description": "Jamais sur le portail public. Les volontaires retenus le "
                    "voient jusqu'à trois jours après la mission.",
                },
            ),
        ]
        if obj is None or not obj.series_id:
            fieldsets.append(("Répétition", {"fields": ["recurrence", "repeat_until"]}))
        if obj is not None:
            follow_up = FOLLOW_UP_FIELDS + (["series"] if obj.series_id else [])
            fieldsets.append(("Suivi", {"fields": follow_up}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [*FOLLOW_UP_FIELDS, "series"]

    def get_autocomplete_fields(self, request):
        return [] if is_referent_only(request) else self.autocomplete_fields

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = ReferentMissionForm if is_referent_only(request) else MissionForm
        kwargs.setdefault("labels", {"starts_at": DATE_AND_TIME})
        return super().get_form(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "association" and is_referent_only(request):
            kwargs["queryset"] = Association.objects.filter(
                pk__in=referent_association_ids(request)
            )
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        scope = staff_scope(request)
        if not scope.is_national and "commune" not in initial:
            only = list(scope.communes().values_list("pk", flat=True)[:2])
            if len(only) == 1:  # a commune's agent: their commune
                initial["commune"] = only[0]
        associations = referent_association_ids(request)
        if is_referent_only(request) and len(associations) == 1:
            initial.setdefault("association", next(iter(associations)))
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.posted_by = request.user
        super().save_model(request, obj, form, change)
        if change and "places" in form.changed_data:
            promoted = services.places_changed(mission=obj)
            if promoted:
                self.message_user(
                    request,
                    count_of(
                        len(promoted),
                        "volontaire de la liste d'attente prend une des nouvelles places.",
                        "volontaires de la liste d'attente prennent les nouvelles places.",
                    ),
                )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        mission = form.instance
        if mission.recurrence and not mission.series_id:
            created = services.create_occurrences(mission=mission)
            if created:
                last = long_date(timezone.localtime(created[-1].starts_at).date())
                self.message_user(
                    request,
                    count_of(len(created), "date créée", "dates créées")
                    + f" dans la série, jusqu'au {last} : chacune est une mission de la liste.",
                )

    # --- Actions -----------------------------------------------------------------------------

    @admin.action(
        description="Marquer comme réalisées et valider les heures", permissions=["change"]
    )
    def complete(self, request, queryset):
        done, hours, refused = 0, 0, []
        for mission in queryset:
            if mission.status == Mission.Status.DONE:
                continue
            try:
                hours += len(services.complete_mission(mission=mission))
                done += 1
            except ValidationError as error:
                refused.append(f"« {mission} » : {' '.join(error.messages)}")
        if done:
            self.message_user(
                request,
                count_of(done, "mission marquée réalisée", "missions marquées réalisées")
                + " ; "
                + count_of(hours, "heure validée", "heures validées")
                + ".",
                messages.SUCCESS,
            )
        for refusal in refused:
            self.message_user(request, refusal, messages.ERROR)
        if not (done or refused):
            self.message_user(request, "Ces missions étaient déjà réalisées.", messages.WARNING)

    @admin.action(description="Annuler les missions sélectionnées", permissions=["change"])
    def cancel(self, request, queryset):
        cancelled, refused = 0, []
        for mission in queryset.exclude(status=Mission.Status.CANCELLED):
            try:
                services.cancel_mission(mission=mission)
                cancelled += 1
            except ValidationError as error:
                refused.append(f"« {mission} » : {' '.join(error.messages)}")
        self.message_user(
            request, count_of(cancelled, "mission annulée.", "missions annulées."), messages.SUCCESS
        )
        for refusal in refused:
            self.message_user(request, refusal, messages.ERROR)

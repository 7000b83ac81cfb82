"""« Personnes aidées »: registered by the mairie on their behalf, their contact seen only by the
commune's staff and each look at it logged; their record exported or erased on request."""

import json

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from heurecivique.spreadsheets import SpreadsheetWriter, cell

from .. import people
from ..models import Beneficiary, DetailsView
from .base import MissionsScopedAdmin, moment, object_page
from .forms import BeneficiaryForm, DateTimeWidget

WHERE = "administration"
VIEWS_SHOWN = 10
MISSIONS_SHOWN = 20


class AnonymisedFilter(admin.SimpleListFilter):
    title = "fiche"
    parameter_name = "fiche"

    def lookups(self, request, model_admin):
        return [("active", "En cours"), ("anonymisee", "Anonymisée")]

    def queryset(self, request, queryset):
        if self.value() in ("active", "anonymisee"):
            return queryset.filter(anonymised_at__isnull=self.value() == "active")
        return queryset


class WatchedFilter(admin.SimpleListFilter):
    """Who is on the heatwave and cold watch (Beneficiary.watched): Django would title it
    « Par à appeler pendant une alerte… »."""

    title = "veille canicule et grand froid"
    parameter_name = "veille"

    def lookups(self, request, model_admin):
        return [("oui", "À appeler pendant une alerte"), ("non", "Pas sur la liste")]

    def queryset(self, request, queryset):
        if self.value() in ("oui", "non"):
            return queryset.filter(watched=self.value() == "oui")
        return queryset


def _viewer(view) -> str:
    if view.user is None:
        return "compte supprimé"
    return view.user.get_full_name() or view.user.email


@admin.register(Beneficiary)
class BeneficiaryAdmin(MissionsScopedAdmin):
    feminine = True
    form = BeneficiaryForm
    change_form_template = "admin/missions/beneficiary/change_form.html"
    list_display = ["who", "commune", "quartier", "consent_how", "on_watch", "mission_count",
                    "created_at"]  # fmt: skip
    list_filter = ["consent_how", WatchedFilter, AnonymisedFilter]
    search_fields = ["name", "quartier", "commune__name"]
    search_help_text = "Un nom, un quartier, une commune."
    list_select_related = ["commune"]
    list_per_page = 50
    show_full_result_count = False
    # Said again: the model's own ordering is dropped by the count of missions (GROUP BY).
    ordering = ["-created_at", "pk"]
    autocomplete_fields = ["commune"]
    formfield_overrides = {models.DateTimeField: {"widget": DateTimeWidget}}
    readonly_fields = ["consent_recorded_by", "created_at", "anonymised_at", "mission_list",
                       "views_log"]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["name", "commune", "quartier"]}),
        (
            "Coordonnées",
            {
                "fields": ["phone", "address"],
                "description": "Vues seulement par l'équipe de la commune et, jusqu'à trois "
                "jours après une mission, par ses volontaires retenus. Chaque affichage de "
                "cette fiche est noté dans son journal des consultations.",
            },
        ),
        ("Aide souhaitée", {"fields": ["needs", "constraints"]}),
        (
            "Veille canicule et grand froid",
            {
                "fields": ["watched"],
                "description": "Les volontaires qui l'appellent se choisissent ensuite dans "
                "« Veille canicule et grand froid ». Décocher arrête ses appels.",
            },
        ),
        (
            "Accord de la personne",
            {
                "fields": ["consent_how", "consent_at", "consent_recorded_by"],
                "description": "Recueilli par la personne connectée, qui enregistre la fiche.",
            },
        ),
        ("Suivi", {"fields": ["mission_list", "views_log", "created_at", "anonymised_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(mission_count=Count("missions"))

    def get_search_results(self, request, queryset, search_term):
        # The mission form's autocomplete (it names its field) offers no erased record.
        if "field_name" in request.GET:
            queryset = queryset.filter(anonymised_at__isnull=True)
        return super().get_search_results(request, queryset, search_term)

    def has_change_permission(self, request, obj=None):
        # An erased record is kept for the missions done, and no longer changes.
        if obj is not None and obj.anonymised_at:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # « Effacer sur demande » anonymises: the missions done stay counted

    def save_model(self, request, obj, form, change):
        if not change or {"consent_how", "consent_at"} & set(form.changed_data):
            obj.consent_recorded_by = request.user
        super().save_model(request, obj, form, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        shown = getattr(response, "context_data", {}).get("original")
        if shown is not None and not shown.anonymised_at:
            people.log_details_view(beneficiary=shown, user=request.user, where=WHERE)
        return response

    @admin.display(description="personne", ordering="name")
    def who(self, beneficiary):
        if beneficiary.anonymised_at:
            return (
                f"Personne anonymisée le {timezone.localtime(beneficiary.anonymised_at):%d/%m/%Y}"
            )
        return beneficiary.name

    @admin.display(description="veille canicule", ordering="-watched")
    def on_watch(self, beneficiary):
        return "À appeler pendant une alerte" if beneficiary.watched else "—"

    @admin.display(description="missions", ordering="mission_count")
    def mission_count(self, beneficiary):
        return beneficiary.mission_count

    @admin.display(description="ses missions")
    def mission_list(self, beneficiary):
        missions = beneficiary.missions.order_by("-starts_at")[:MISSIONS_SHOWN]
        if not missions:
            return "Aucune pour l'instant."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a>, {} ({})</li>',
                (
                    (
                        reverse("admin:missions_mission_change", args=[m.pk]),
                        m.title,
                        moment(m.starts_at),
                        m.get_status_display().lower(),
                    )
                    for m in missions
                ),
            ),
        )

    @admin.display(description="consultations de ses coordonnées")
    def views_log(self, beneficiary):
        views = list(beneficiary.views.select_related("user")[:VIEWS_SHOWN])
        every = reverse("admin:missions_detailsview_changelist") + (
            f"?beneficiary__id__exact={beneficiary.pk}"
        )
        if not views:
            return "Aucune pour l'instant."
        rows = format_html_join(
            "",
            "<li>{} — {} ({})</li>",
            ((f"{timezone.localtime(v.at):%d/%m/%Y %H:%M}", _viewer(v), v.where) for v in views),
        )
        return format_html('<ul>{}</ul><p><a href="{}">Tout le journal</a></p>', rows, every)

    # --- Export and erasure, on the person's request -----------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/exporter/<str:fmt>/",
                wrap(self.export_view),
                name="missions_beneficiary_export",
            ),
            path(
                "<path:object_id>/effacer/",
                wrap(self.erase_view),
                name="missions_beneficiary_erase",
            ),
        ] + super().get_urls()

    @object_page(change=False)
    def export_view(self, request, beneficiary, fmt):
        """Everything kept about the person: their record, their missions, who saw their
        contact and when. JSON, or CSV for a spreadsheet (formulas neutralised)."""
        if fmt not in ("json", "csv"):
            raise Http404("Choisissez l'export JSON ou CSV.")
        record = beneficiary_record(beneficiary)
        people.log_details_view(beneficiary=beneficiary, user=request.user, where="export")
        name = f"personne-aidee-{beneficiary.pk}-{timezone.localdate():%Y-%m-%d}.{fmt}"
        if fmt == "json":
            response = HttpResponse(
                json.dumps(record, ensure_ascii=False, indent=2, default=cell),
                content_type="application/json; charset=utf-8",
            )
        else:
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            writer = SpreadsheetWriter(response)
            writer.writerow(["Rubrique", "Quoi", "Valeur"])
            for section, rows in record.items():
                for row in rows if isinstance(rows, list) else [rows]:
                    for label, value in row.items():
                        writer.writerow([section, label, value])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @object_page(change=False)
    def erase_view(self, request, beneficiary):
        """« Effacer sur demande »: a confirmation page, then the record anonymised."""
        back = HttpResponseRedirect(reverse("admin:missions_beneficiary_changelist"))
        if beneficiary.anonymised_at:
            self.message_user(request, "Cette fiche est déjà anonymisée.", messages.WARNING)
            return back
        if not super().has_change_permission(request, beneficiary):
            raise Http404
        if request.method == "POST":
            beneficiary.anonymise()
            self.message_user(
                request,
                "La fiche est effacée : nom, coordonnées, besoins et contraintes ne sont plus "
                "connus. Les missions faites pour la personne restent comptées.",
                messages.SUCCESS,
            )
            return back
        context = self.admin_context(
            request, "Effacer la fiche d'une personne aidée", beneficiary=beneficiary
        )
        return TemplateResponse(request, "admin/missions/beneficiary/erase.html", context)


def beneficiary_record(beneficiary) -> dict:
    """What L'Heure Civique keeps about a person helped, in the words of their export."""
    views = beneficiary.views.select_related("user", "mission")
    return {
        "Fiche": {
            "Nom et prénom": beneficiary.name,
            "Commune": beneficiary.commune.name,
            "Quartier": beneficiary.quartier,
            "Téléphone": beneficiary.phone,
            "Adresse": beneficiary.address,
            "Aide souhaitée": beneficiary.needs,
            "Contraintes": beneficiary.constraints,
            "Accord donné": beneficiary.get_consent_how_display(),
            "Accord recueilli le": beneficiary.consent_at,
            "Enregistrée le": beneficiary.created_at,
            "Anonymisée le": beneficiary.anonymised_at,
        },
        "Missions": [
            {"Mission": m.title, "Le": m.starts_at, "État": m.get_status_display()}
            for m in beneficiary.missions.order_by("starts_at")
        ],
        "Consultations": [
            {
                "Le": v.at,
                "Par": _viewer(v),
                "Où": v.where,
                "Mission": v.mission.title if v.mission else "",
            }
            for v in views
        ],
    }


@admin.register(DetailsView)
class DetailsViewAdmin(MissionsScopedAdmin):
    """The log of the looks at a helped person's contact, for the commune's staff."""

    territory_field = "beneficiary__commune"
    read_only = True
    list_display = ["at", "beneficiary", "viewer", "where", "mission"]
    list_select_related = ["beneficiary", "user", "mission"]
    search_fields = ["beneficiary__name"]
    search_help_text = "Le nom de la personne aidée."
    fields = ["at", "beneficiary", "viewer", "where", "mission"]
    list_per_page = 50
    show_full_result_count = False

    @admin.display(description="vue par")
    def viewer(self, view):
        return _viewer(view)

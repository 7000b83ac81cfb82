"""« Fichiers à télécharger »: staff and élus ask for an export of their territory; a Celery worker
prepares it (exports.py) while the list shows its progress, refreshed without JavaScript; the
file is then downloaded through a view that checks who asks."""

import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.text import capfirst

from accounts.audit import record_access
from accounts.models import AccessRecord
from territories.admin import ALL_ROLES, TerritoryScopedAdmin
from territories.models import Membership
from territories.scope import staff_scope

from .forms import ELECTED_KINDS, ExportForm
from .models import Export, export_storage
from .tasks import prepare_export

# Agents and officers ask for every kind; élus only for figures (forms.ELECTED_KINDS), opened on
# purpose: territories.admin.ALL_ROLES leaves them out of the admin's lists.
EXPORT_ROLES = ALL_ROLES | {Membership.Role.ELECTED}
# The page reloads itself this often while a file is being prepared (<meta http-equiv>).
REFRESH_SECONDS = 3
# In the list's address, the person's choice to follow a preparation (the page then reloads).
FOLLOW = "suivre"


def _size(name: str) -> str:
    try:
        size = export_storage.size(name)
    except OSError:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} Ko"
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def _number(value: int) -> str:
    """« 12 500 », grouped as in French."""
    return number_format(value, force_grouping=True)


def _rows(count: int) -> str:
    if not count:
        return "aucune ligne"
    return f"{_number(count)} ligne{'s' if count > 1 else ''}"


@admin.register(Export)
class ExportAdmin(TerritoryScopedAdmin):
    form = ExportForm
    feminine = False
    view_roles = EXPORT_ROLES
    add_roles = EXPORT_ROLES
    list_display = ["content", "territory", "format_name", "requested", "state"]
    list_display_links = ["content"]
    list_select_related = ["territory", "requested_by"]
    list_per_page = 20
    show_full_result_count = False
    actions = None
    fieldsets = [
        (None, {"fields": ["kind", "format", "territory"]}),
        (
            "Période (heures, missions et bilan)",
            {"fields": ["start", "end"]},
        ),
    ]

    def scope_queryset(self, queryset, scope):
        queryset = super().scope_queryset(queryset, scope)
        if scope.is_elected_only:
            # An élu(e) never sees a list of people, even one an agent asked for.
            queryset = queryset.filter(kind__in=ELECTED_KINDS)
        return queryset

    def get_queryset(self, request):
        # Only the files still kept: older ones are deleted each night (exports.delete_old).
        since = timezone.now() - datetime.timedelta(days=Export.KEPT_DAYS)
        return super().get_queryset(request).filter(created_at__gte=since)

    # Asked and prepared, never edited: the file is the answer; it goes after KEPT_DAYS.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            # Its page only shows it (no change permission): none of the request's choices.
            return super().get_form(request, obj, change=change, form=forms.ModelForm, **kwargs)
        form = super().get_form(request, obj, change=change, **kwargs)
        scope = staff_scope(request)

        class ScopedExportForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, scope=scope, **kwargs)

        return ScopedExportForm

    def get_changeform_initial_data(self, request):
        # « Demander à nouveau » comes with the earlier request's choices in its address.
        return {
            name: request.GET[name]
            for name in ("kind", "format", "territory", "start", "end")
            if name in request.GET
        }

    def save_model(self, request, obj, form, change):
        obj.requested_by = request.user
        obj.status = Export.Status.PENDING
        super().save_model(request, obj, form, change)
        pk = obj.pk
        transaction.on_commit(lambda: prepare_export.delay(pk))

    def log_addition(self, request, obj, message):
        # A request for a file is its own record (requested_by, created_at).
        return None

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            f"Votre fichier « {obj.get_kind_display()} » est en préparation : il apparaîtra "
            "ci-dessous avec un lien pour le télécharger dès qu'il sera prêt.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:pilotage_export_changelist"))

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {
            "title": "Demander un fichier",
            "show_save_and_add_another": False,
            "show_save_and_continue": False,
            **(extra_context or {}),
        }
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Read only: what was asked, and where it stands.
        extra_context = {"title": "Fichier demandé", **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        return [(None, {"fields": ["kind", "format", "territory", "period", "requested", "state"]})]

    def changelist_view(self, request, extra_context=None):
        # The page reloads itself only when the person asked for it: a page that changes
        # under a screen reader every few seconds is a time limit they must be able to stop
        # (WCAG 2.2.1, RGAA 13.1); the address keeps their choice across the reloads.
        request.GET = request.GET.copy()
        following = request.GET.pop(FOLLOW, None) is not None
        preparing = (
            self.has_view_permission(request) and self.get_queryset(request).in_progress().exists()
        )
        extra_context = {
            "preparing": preparing,
            "following": following and preparing,
            "follow_param": FOLLOW,
            "refresh_seconds": REFRESH_SECONDS,
            "kept_days": Export.KEPT_DAYS,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/telecharger/",
                wrap(self.download_view),
                name="pilotage_export_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            raise Http404("Ce fichier n'existe pas ou ne vous est pas ouvert.")
        export = (
            self.get_queryset(request)
            .filter(pk=pk, status=Export.Status.READY)
            .select_related("territory")
            .first()
        )
        if export is None or not export.file or not export_storage.exists(export.file.name):
            raise Http404("Ce fichier n'existe pas, n'est plus gardé ou ne vous est pas ouvert.")
        if export.kind == Export.Kind.VOLUNTEERS:
            record_access(
                request,
                action=AccessRecord.Action.EXPORT,
                description=(
                    f"Téléchargement ({export.format.upper()}) de la liste des {export.done} "
                    f"volontaires qui acceptent d'être contactés — {export.territory.name}"
                ),
                subjects=[],
            )
        response = FileResponse(
            export_storage.open(export.file.name, "rb"),
            as_attachment=True,
            filename=export.file_name(),
        )
        response["Cache-Control"] = "private, no-store"
        return response

    # --- The list's columns ---------------------------------------------------------------

    @admin.display(description="contenu")
    def content(self, export):
        if export.period:
            return f"{export.get_kind_display()} — {export.period.label}"
        if export.kind == Export.Kind.VOLUNTEERS:
            return export.get_kind_display()
        return f"{export.get_kind_display()} — les 36 derniers mois"

    @admin.display(description="période")
    def period(self, export):
        if export.period:
            return capfirst(export.period.label)
        if export.kind == Export.Kind.VOLUNTEERS:
            return "Les volontaires d'aujourd'hui"
        return "Les 36 derniers mois"

    @admin.display(description="format")
    def format_name(self, export):
        return export.format.upper()

    @admin.display(description="demandé", ordering="created_at")
    def requested(self, export):
        when = f"{timezone.localtime(export.created_at):%d/%m/%Y à %H:%M}"
        person = export.requested_by
        if person is None:
            return when
        return f"{when} par {person.get_full_name() or person.email}"

    @admin.display(description="état")
    def state(self, export):
        if export.is_stalled or export.status == Export.Status.FAILED:
            again = reverse("admin:pilotage_export_add") + "?" + urlencode(self._choices(export))
            if export.error:
                why = export.error
            elif export.status == Export.Status.PENDING:
                why = "Aucun préparateur ne l'a pris en charge : le service est peut-être arrêté."
            else:
                why = "La préparation s'est arrêtée avant la fin."
            return format_html(
                '<span class="export-failed">Échec</span> — {} <a href="{}">Demander à nouveau</a>',
                why,
                again,
            )
        if export.status == Export.Status.PENDING:
            return format_html(
                '<progress class="export-progress" aria-label="{}"></progress> '
                "En attente d'un préparateur…",
                self._progress_name(export),
            )
        if export.status == Export.Status.RUNNING and export.kind == Export.Kind.BILAN:
            return format_html(
                '<progress class="export-progress" aria-label="{}"></progress> '
                "En préparation : le bilan est en cours de mise en page…",
                self._progress_name(export),
            )
        if export.status == Export.Status.RUNNING:
            return format_html(
                '<progress class="export-progress" max="{}" value="{}" aria-label="{}">'
                "{} %</progress> En préparation : {} % ({} sur {})",
                export.total or 1,
                export.done,
                self._progress_name(export),
                export.percent,
                export.percent,
                _rows(export.done),
                _number(export.total),
            )
        url = reverse("admin:pilotage_export_download", args=[export.pk])
        # The rows of a table; a bilan is one document.
        rows = "" if export.kind == Export.Kind.BILAN else f" ({_rows(export.done)})"
        return format_html(
            'Prêt — <a href="{}" download>Télécharger <span class="visually-hidden">{}, '
            "</span>{} {}</a>{}",
            url,
            capfirst(self.content(export)),
            export.format.upper(),
            _size(export.file.name),
            rows,
        )

    def _progress_name(self, export) -> str:
        return f"Préparation du fichier « {self.content(export)} »"

    def _choices(self, export) -> dict:
        choices = {"kind": export.kind, "format": export.format, "territory": export.territory_id}
        if export.period:
            choices |= {"start": f"{export.start:%m/%Y}", "end": f"{export.end:%m/%Y}"}
        return choices

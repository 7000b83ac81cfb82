"""Staff side: the volunteers of my territory, read-only, and their contact only with consent."""

import datetime

from allauth.core import ratelimit
from csp.constants import NONE, SELF
from csp.decorators import csp_replace
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import Lower
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.views.decorators.clickjacking import xframe_options_sameorigin

from accounts.audit import record_access
from accounts.models import AccessRecord
from heurecivique.changelists import LongListAdmin, MonthFilter
from heurecivique.months import first_of_month
from heurecivique.spreadsheets import SpreadsheetWriter
from heurecivique.text import count_of
from territories.admin import NO_CONSENT, ScopedRelatedFilter, TerritoryScopedAdmin
from territories.models import Commune
from territories.scope import staff_scope

from .follow_up.emails import preview
from .follow_up.rules import WARNINGS
from .follow_up.sending import resend
from .models import CivicHour, Delivery, Pledge, PledgePause, Skill, Volunteer
from .progress import format_duration

MAX_RESENT_AT_ONCE = 100
SEARCH_FOUND_AT_ONCE = 10_000
RECENT_HOURS_SHOWN = 12
PREVIEW_POLICY = {
    "default-src": [NONE],
    "style-src": ["'unsafe-inline'"],
    "script-src": [NONE],
    "frame-ancestors": [SELF],
    "form-action": [NONE],
}


class PledgeStateFilter(admin.SimpleListFilter):
    title = "engagement"
    parameter_name = "engagement"

    def lookups(self, request, model_admin):
        return [("actif", "En cours"), ("pause", "En pause"), ("arrete", "Arrêté")]

    def queryset(self, request, queryset):
        state = queryset.with_pledge_state(select=False)
        if self.value() == "actif":
            return state.filter(has_open_pledge=True, is_paused=False)
        if self.value() == "pause":
            return state.filter(is_paused=True)
        if self.value() == "arrete":
            return state.filter(has_open_pledge=False)
        return queryset


class ActiveThisMonthFilter(admin.SimpleListFilter):
    title = "heure de ce mois-ci"
    parameter_name = "ce_mois"

    def lookups(self, request, model_admin):
        return [("oui", "Déjà donnée"), ("non", "Pas encore")]

    def queryset(self, request, queryset):
        if self.value() in ("oui", "non"):
            month = first_of_month(timezone.localdate())
            hours = CivicHour.objects.in_month(month).filter(volunteer=OuterRef("pk"))
            return queryset.filter(Exists(hours) if self.value() == "oui" else ~Exists(hours))
        return queryset


class QuartierFilter(admin.SimpleListFilter):
    """« Quartier »: the quartiers of the commune chosen first (or of the staff member's only
    commune), never every quartier typed across a department or France."""

    title = "quartier"
    parameter_name = "quartier"

    def lookups(self, request, model_admin):
        scope = staff_scope(request)
        commune = request.GET.get("commune__id__exact", "")
        if not scope.is_national and not scope.department_ids and len(scope.commune_ids) == 1:
            [commune] = scope.commune_ids
        elif not (commune.isascii() and commune.isdigit()):
            return []
        quartiers = (
            model_admin.get_queryset(request)
            .filter(commune=commune)
            .exclude(quartier="")
            .order_by("quartier")
            .values_list("quartier", flat=True)
            .distinct()
        )
        return [(quartier, quartier) for quartier in quartiers]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(quartier=self.value())
        return queryset


def _inactive_soon(queryset):
    """Those whose account will be anonymised within a month, unless they come back (the ones
    the first inactivity warning concerns)."""
    notice = datetime.timedelta(days=WARNINGS[Delivery.Kind.INACTIVE_SOON])
    return queryset.inactive_by(timezone.localdate() + notice)


class InactiveFilter(admin.SimpleListFilter):
    title = "activité"
    parameter_name = "inactif"

    def lookups(self, request, model_admin):
        return [("oui", "Inactif depuis près de 2 ans")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return _inactive_soon(queryset)
        return queryset


@admin.register(Volunteer)
class VolunteerAdmin(LongListAdmin, TerritoryScopedAdmin):
    list_display = [
        "contact_name",
        "contact_email",
        "commune",
        "quartier",
        "pledge_state",
        "this_month",
    ]
    list_filter = [
        "commune",
        QuartierFilter,
        # National lists, a few lines long: all of them, without reading the volunteers'.
        ("interests", admin.RelatedFieldListFilter),
        ("skills", admin.RelatedFieldListFilter),
        PledgeStateFilter,
        ActiveThisMonthFilter,
        InactiveFilter,
    ]
    search_fields = ["quartier"]  # shows the search box; the search itself is below
    search_help_text = (
        "Un quartier, une commune, ou le nom ou l'adresse d'un volontaire qui a accepté d'être "
        "contacté."
    )
    list_select_related = ["user", "commune"]
    actions = ["export_contacts"]
    fields = [
        "contact_name",
        "contact_email",
        "commune",
        "quartier",
        "interest_list",
        "skill_list",
        "availability_list",
        "pledge_state",
        "hour_totals",
        "recent_hours",
        "reminder_day",
        "email_preview",
        "contact_consent_at",
        "emergency_available_at",
        "created_at",
    ]
    # The admin shows volunteers; their profile is theirs to change (and to delete, with
    # the account, from « Mes données »).
    read_only = True

    def scope_queryset(self, queryset, scope):
        return queryset.filter(commune__in=scope.communes())

    def get_queryset(self, request):
        # The pledge and this month's hours of the volunteers shown: read for the rows of the
        # page only (three queries), never computed for every volunteer of the list.
        pledges = Pledge.objects.filter(ended_on__isnull=True).prefetch_related(
            Prefetch("pauses", PledgePause.objects.current(), to_attr="current_pauses")
        )
        hours = CivicHour.objects.in_month(first_of_month(timezone.localdate()))
        # Accounts deleted by their owner leave an anonymous row for the statistics only.
        return (
            super()
            .get_queryset(request)
            .filter(user__isnull=False)
            .prefetch_related(
                Prefetch("pledges", pledges, to_attr="open_pledges"),
                Prefetch("hours", hours, to_attr="hours_this_month"),
            )
        )

    def changelist_view(self, request, extra_context=None):
        # Counted on the whole territory, whatever the filters: one query.
        scope = staff_scope(request)
        volunteers = Volunteer.objects.all()
        if not scope.is_national:
            volunteers = self.scope_queryset(volunteers, scope)
        extra_context = {
            **(extra_context or {}),
            "inactive_count": _inactive_soon(volunteers).count(),
            "inactive_filter": InactiveFilter.parameter_name,
        }
        response = super().changelist_view(request, extra_context)
        shown = getattr(response, "context_data", {}).get("cl")
        if shown is not None:
            ids = [v.pk for v in shown.result_list if v.contact_consent_at]
            if ids:
                record_access(
                    request,
                    action=AccessRecord.Action.VIEW,
                    description="Liste des volontaires : "
                    + count_of(len(ids), "adresse affichée", "adresses affichées"),
                    subjects=ids,
                )
        return response

    def get_search_results(self, request, queryset, search_term):
        """Names and addresses are searched only among those who agreed to be contacted. The
        communes and the accounts are looked up in subqueries rather than joined to every
        volunteer: for the national team, all the accounts matching at once; for a territory,
        the account of each of its volunteers."""
        words = search_term.split()
        if not words:  # the list itself: read through its index, never by a list of numbers
            return queryset, False
        national = staff_scope(request).is_national
        condition = Q()
        for word in words:
            accounts = get_user_model().objects.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )  # fmt: skip
            named = (
                Q(user__in=accounts)
                if national
                else Exists(accounts.filter(pk=OuterRef("user_id")))
            )
            condition &= (
                Q(quartier__icontains=word)
                | Q(commune__in=Commune.objects.filter(name__icontains=word))
                | Q(named, contact_consent_at__isnull=False)
            )
        # The volunteers found are looked for once: by their numbers, the count and the page
        # are then two lookups of the primary key (the database cannot foresee how many a
        # search finds, and would otherwise read every volunteer twice, or in a poor order).
        found = queryset.filter(condition)
        numbers = list(found.order_by().values_list("pk", flat=True)[: SEARCH_FOUND_AT_ONCE + 1])
        if len(numbers) <= SEARCH_FOUND_AT_ONCE:
            found = queryset.filter(pk__in=numbers)
        return found, False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        volunteer = getattr(response, "context_data", {}).get("original")
        if volunteer is not None and volunteer.contact_consent_at:
            record_access(
                request,
                action=AccessRecord.Action.VIEW,
                description=f"Fiche du {volunteer}",
                subjects=[volunteer.pk],
            )
        return response

    # The volunteers' list and pages, and the hours below, name only those who agreed to be
    # contacted, whoever looks: narrower than StaffScope.sees_contact, which also lets the
    # national team see the authors of proposals and the follow-up's recipients.
    @admin.display(description="volontaire")
    def contact_name(self, volunteer):
        return volunteer.user.get_full_name() if volunteer.contact_consent_at else NO_CONSENT

    @admin.display(description="adresse électronique")
    def contact_email(self, volunteer):
        return volunteer.user.email if volunteer.contact_consent_at else "—"

    @admin.display(description="engagement")
    def pledge_state(self, volunteer):
        if not volunteer.open_pledges:
            return "Arrêté"
        return "En pause" if volunteer.open_pledges[0].current_pauses else "En cours"

    @admin.display(description="ce mois-ci")
    def this_month(self, volunteer):
        minutes = sum(hour.minutes for hour in volunteer.hours_this_month)
        return f"{minutes} min" if minutes else "—"

    @admin.display(description="heures données")
    def hour_totals(self, volunteer):
        today = timezone.localdate()
        month, year = first_of_month(today), today.replace(month=1, day=1)
        totals = volunteer.hours.aggregate(
            month=Sum("minutes", filter=Q(done_on__gte=month)),
            year=Sum("minutes", filter=Q(done_on__gte=year)),
            total=Sum("minutes"),
            count=Count("pk"),
            last=Max("done_on"),
        )
        if not totals["count"]:
            return "Aucune heure notée pour l'instant."
        return format_html(
            "Ce mois-ci : {} · depuis le 1er janvier : {} · en tout : {} ({}) · dernière le {}",
            format_duration(totals["month"] or 0),
            format_duration(totals["year"] or 0),
            format_duration(totals["total"]),
            count_of(totals["count"], "fois", "fois"),
            f"{totals['last']:%d/%m/%Y}",
        )

    @admin.display(description="dernières heures")
    def recent_hours(self, volunteer):
        # Bounded: a faithful volunteer gives an hour a month for years. Their notes stay theirs.
        hours = volunteer.hours.select_related("geste").order_by("-done_on", "-pk")[
            :RECENT_HOURS_SHOWN
        ]
        if not hours:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (f"{hour.done_on:%d/%m/%Y}", format_duration(hour.minutes), hour.geste or "—")
                for hour in hours
            ),
        )
        every = reverse("admin:volunteers_civichour_changelist") + (
            f"?volunteer__id__exact={volunteer.pk}"
        )
        return format_html(
            '<table><thead><tr><th scope="col">le</th><th scope="col">durée</th>'
            '<th scope="col">geste</th></tr></thead><tbody>{}</tbody></table>'
            '<p><a href="{}">Toutes ses heures</a></p>',
            rows,
            every,
        )

    @admin.display(description="rappel de ce mois")
    def email_preview(self, volunteer):
        url = reverse("admin:volunteers_volunteer_email_preview", args=[volunteer.pk])
        return format_html('<a href="{}">Voir le courriel de ce mois</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:pk>/apercu-courriel/",
                self.admin_site.admin_view(self.email_preview_view),
                name="volunteers_volunteer_email_preview",
            ),
            path(
                "<int:pk>/apercu-courriel/contenu/",
                self.admin_site.admin_view(self.email_preview_html),
                name="volunteers_volunteer_email_preview_html",
            ),
        ] + super().get_urls()

    def _preview_of(self, request, pk):
        volunteer = self.get_queryset(request).select_related("user", "commune").filter(pk=pk)
        volunteer = volunteer.first()
        if volunteer is None or not self.has_view_permission(request, volunteer):
            raise Http404
        show_name = staff_scope(request).sees_contact(volunteer)
        return volunteer, preview(volunteer, show_name=show_name), show_name

    def email_preview_view(self, request, pk):
        """This month's reminder of a volunteer, as it would go out (its links disabled)."""
        volunteer, message, show_name = self._preview_of(request, pk)
        if show_name:
            record_access(
                request,
                action=AccessRecord.Action.VIEW,
                description=f"Aperçu du courriel du {volunteer}",
                subjects=[volunteer.pk],
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Aperçu du rappel de ce mois",
            "volunteer": volunteer,
            "message": message,
            "recipient": message.to[0] if show_name else NO_CONSENT,
            "opts": self.model._meta,
        }
        return render(request, "admin/volunteers/email_preview.html", context)

    # The email's own HTML, in the preview page's frame: emails need inline styles, which the
    # site's policy forbids everywhere else.
    @method_decorator(csp_replace(PREVIEW_POLICY))
    @method_decorator(xframe_options_sameorigin)
    def email_preview_html(self, request, pk):
        _volunteer, message, _show_name = self._preview_of(request, pk)
        return HttpResponse(message.alternatives[0].content)

    @admin.display(description="centres d'intérêt")
    def interest_list(self, volunteer):
        return ", ".join(t.name for t in volunteer.interests.all()) or "—"

    @admin.display(description="compétences")
    def skill_list(self, volunteer):
        return ", ".join(s.name for s in volunteer.skills.all()) or "—"

    @admin.display(description="disponibilités")
    def availability_list(self, volunteer):
        # Its labels hold commas themselves (« En semaine, le soir »): a slash between them.
        return " / ".join(volunteer.availability_labels) or "—"

    @admin.action(description="Exporter en CSV ceux qui acceptent d'être contactés")
    def export_contacts(self, request, queryset):
        contacts = (
            queryset.filter(contact_consent_at__isnull=False)
            .select_related("user", "commune")
            .prefetch_related("interests", "skills")
            .order_by("commune__name", "user__last_name")
        )
        if not contacts:
            self.message_user(
                request,
                "Aucun des volontaires choisis n'a accepté d'être contacté : rien à exporter.",
                messages.WARNING,
            )
            return None
        contacts = list(contacts)
        record_access(
            request,
            action=AccessRecord.Action.EXPORT,
            description="Export CSV de " + count_of(len(contacts), "volontaire", "volontaires"),
            subjects=[volunteer.pk for volunteer in contacts],
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="volontaires-{timezone.localdate():%Y-%m-%d}.csv"'
        )
        writer = SpreadsheetWriter(response)
        writer.writerow(
            [
                "Prénom",
                "Nom",
                "Adresse électronique",
                "Commune",
                "Quartier",
                "Centres d'intérêt",
                "Compétences",
                "Disponibilités",
                "Engagement",
                "Accord donné le",
            ]
        )
        for volunteer in contacts:
            writer.writerow(
                [
                    volunteer.user.first_name,
                    volunteer.user.last_name,
                    volunteer.user.email,
                    volunteer.commune.name,
                    volunteer.quartier,
                    self.interest_list(volunteer),
                    self.skill_list(volunteer),
                    self.availability_list(volunteer),
                    self.pledge_state(volunteer),
                    timezone.localdate(volunteer.contact_consent_at),
                ]
            )
        return response


@admin.register(CivicHour)
class CivicHourAdmin(LongListAdmin, TerritoryScopedAdmin):
    """The hours given in my territory. The volunteers' notes stay theirs: not shown."""

    list_display = ["done_on", "duration", "giver", "commune"]
    list_filter = [("done_on", MonthFilter), "volunteer__commune"]
    list_select_related = ["volunteer__user", "volunteer__commune"]
    fields = ["done_on", "duration", "giver", "commune", "created_at"]
    read_only = True
    # Sorted by date only, the order an index keeps (volunteers.CivicHour.Meta): sorting a
    # million hours by duration or commune would read them all at every page.
    sortable_by = ["done_on"]

    def scope_queryset(self, queryset, scope):
        return queryset.filter(volunteer__commune__in=scope.communes())

    @admin.display(description="durée", ordering="minutes")
    def duration(self, hour):
        return f"{hour.minutes} min"

    @admin.display(description="volontaire")
    def giver(self, hour):
        volunteer = hour.volunteer
        if volunteer.user is None:
            return "Volontaire anonyme"
        return volunteer.user.get_full_name() if volunteer.contact_consent_at else NO_CONSENT

    @admin.display(description="commune", ordering="volunteer__commune__name")
    def commune(self, hour):
        return hour.volunteer.commune


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    """The list of skills is national: only the national team holds these permissions."""

    list_display = ["name", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


def _volunteer_numbers(deliveries, *, visible: bool = False) -> list[int]:
    """The volunteers these follow-up emails went to (staff summaries aside), by number as
    the access log records them; `visible`: only those whose address the page shows."""
    return sorted(
        {
            delivery.user.volunteer.pk
            for delivery in deliveries
            if delivery.kind != Delivery.Kind.SUMMARY
            and hasattr(delivery.user, "volunteer")
            and (not visible or delivery.contact_visible)
        }
    )


@admin.register(Delivery)
class DeliveryAdmin(LongListAdmin, TerritoryScopedAdmin):
    """What the follow-up sent to whom and when, on my territory's portals; send one again."""

    list_display = ["month", "kind", "recipient", "status", "attempts", "sent_at", "territory"]
    list_filter = [("month", MonthFilter), "kind", "status", ("territory", ScopedRelatedFilter)]
    list_select_related = ["user__volunteer", "territory"]
    # The order an index keeps (volunteers.Delivery.Meta), the month filter included; sorting
    # a million emails by another column would read them all at every page.
    ordering = ["-month", "-created_at"]
    sortable_by = ["month"]
    fields = [
        "recipient",
        "kind",
        "month",
        "territory",
        "status",
        "attempts",
        "detail",
        "created_at",
        "sent_at",
    ]
    read_only = True
    actions = ["send_again"]
    search_fields = ["user__email"]
    search_help_text = (
        "L'adresse électronique exacte d'un volontaire qui a accepté d'être contacté."
    )

    def get_search_results(self, request, queryset, search_term):
        """An address is searched only among the people whose address this person may see."""
        term = search_term.strip()
        if not term:
            return queryset, False
        visible = staff_scope(request).sees_contact_of("user")
        # Compared in lower case, as the accounts' unique index holds them: one index lookup.
        found = queryset.alias(address=Lower("user__email")).filter(visible, address=term.lower())
        return found, False

    def get_queryset(self, request):
        # The address shows for the staff's own summaries, and where contact is allowed.
        visible = staff_scope(request).contact_visible("user")
        return super().get_queryset(request).annotate(contact_visible=visible)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        shown = getattr(response, "context_data", {}).get("cl")
        if shown is not None and (numbers := _volunteer_numbers(shown.result_list, visible=True)):
            record_access(
                request,
                action=AccessRecord.Action.VIEW,
                description="Courriels de suivi : "
                + count_of(len(numbers), "adresse affichée", "adresses affichées"),
                subjects=numbers,
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        delivery = getattr(response, "context_data", {}).get("original")
        if delivery is not None and (numbers := _volunteer_numbers([delivery], visible=True)):
            record_access(
                request,
                action=AccessRecord.Action.VIEW,
                description=f"Courriel de suivi n° {delivery.pk}",
                subjects=numbers,
            )
        return response

    @admin.display(description="destinataire")
    def recipient(self, delivery):
        if delivery.contact_visible or delivery.kind == Delivery.Kind.SUMMARY:
            return delivery.user.email
        return NO_CONSENT

    @admin.action(description="Envoyer de nouveau les courriels choisis", permissions=["view"])
    def send_again(self, request, queryset):
        # A resend goes to people's inboxes: bounded per action and per hour, so that neither
        # a slip of the mouse nor a stolen session can flood them.
        if queryset.count() > MAX_RESENT_AT_ONCE:
            self.message_user(
                request,
                f"Choisissez au plus {MAX_RESENT_AT_ONCE} courriels à la fois : rien n'a été "
                "renvoyé.",
                messages.ERROR,
            )
            return
        if not ratelimit.consume(request, action="resend_emails", user=request.user):
            self.message_user(
                request,
                "Vous avez déjà renvoyé beaucoup de courriels dans l'heure : rien n'a été "
                "renvoyé. Réessayez dans une heure.",
                messages.ERROR,
            )
            return
        bouncing = queryset.filter(user__email_bounced_at__isnull=False).count()
        deliveries = list(
            queryset.filter(user__email_bounced_at__isnull=True).select_related("user__volunteer")
        )
        if deliveries:
            record_access(
                request,
                action=AccessRecord.Action.RESEND,
                description=count_of(
                    len(deliveries), "courriel de suivi renvoyé", "courriels de suivi renvoyés"
                ),
                subjects=_volunteer_numbers(deliveries),
            )
        for delivery in deliveries:
            resend(delivery)
        self.message_user(
            request,
            count_of(len(deliveries), "courriel remis", "courriels remis") + " en file d'envoi.",
        )
        if bouncing:
            self.message_user(
                request,
                count_of(bouncing, "courriel non renvoyé", "courriels non renvoyés")
                + " : l'adresse a été refusée par son "
                "serveur. La personne peut la changer ou la réactiver depuis « Mes courriels ».",
                messages.WARNING,
            )

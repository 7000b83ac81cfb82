"""« Veille canicule et grand froid » in the admin, for the commune's staff: the day's board (the
people flagged for the watch, alerts first, then those not yet called today, then those called),
and each person's page, where the staff choose their volunteers among the portal's suggestions,
withdraw one to give the person to another, and mark an alert handled."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from heurecivique.text import count_of
from missions import people
from missions.admin.base import MissionsScopedAdmin
from territories.admin import contact_label
from volunteers.models import Volunteer

from .. import watch
from ..models import WatchCall, WatchedPerson, WatchPairing

Outcome = WatchCall.Outcome
CALLS_SHOWN = 14
WHERE = "veille canicule"


class TodayFilter(admin.SimpleListFilter):
    title = "appel du jour"
    parameter_name = "veille"

    def lookups(self, request, model_admin):
        return [
            ("alertes", "Alertes à traiter"),
            ("a-appeler", "Pas encore appelées"),
            ("appelees", "Appelées"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "alertes":
            return queryset.filter(open_alert=True)
        if self.value() == "a-appeler":
            return queryset.filter(called_today=False)
        if self.value() == "appelees":
            return queryset.filter(called_today=True)
        return queryset


def _volunteer_name(volunteer) -> str:
    """Named while they agree to be contacted by their mairie (every paired volunteer did when
    proposed; one who withdrew it since is no longer named, even to the national team)."""
    if volunteer.user is None:
        return "Compte supprimé"
    return contact_label(volunteer.user, volunteer.contact_consent_at is not None)


@admin.register(WatchedPerson)
class WatchedPersonAdmin(MissionsScopedAdmin):
    feminine = True
    change_list_template = "admin/mobilisation/watchedperson/change_list.html"
    list_display = ["who", "quartier", "commune", "volunteers", "today"]
    list_display_links = ["who"]
    list_filter = [TodayFilter]
    search_fields = ["name", "quartier"]
    search_help_text = "Un nom, un quartier."
    list_select_related = ["commune"]
    list_per_page = 50
    show_full_result_count = False
    actions = ["mark_handled"]

    def get_queryset(self, request):
        # The model's manager gives the flagged people and their day (open_alert…).
        active = WatchPairing.objects.filter(status__in=WatchPairing.ACTIVE)
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "watch_pairings",
                    queryset=active.select_related("volunteer__user"),
                    to_attr="active_pairings",
                )
            )
        )

    def get_ordering(self, request):
        return ["-open_alert", "called_today", "name", "pk"]

    def has_add_permission(self, request):
        return False  # a person is flagged on their record (« Personnes aidées »)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        crises = watch.watch_crises()
        extra_context = {
            **(extra_context or {}),
            "crises": crises,
            "beneficiaries_url": reverse("admin:missions_beneficiary_changelist")
            + "?watched__exact=1",
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description="personne", ordering="name")
    def who(self, person):
        if person.open_alert:
            return format_html("<strong>Alerte</strong> · {}", person.name)
        return person.name

    @admin.display(description="volontaires")
    def volunteers(self, person):
        pairings = getattr(person, "active_pairings", [])
        if not pairings:
            return "Aucun : à proposer"
        return format_html_join(
            ", ",
            "{} ({})",
            ((_volunteer_name(p.volunteer), p.get_status_display().lower()) for p in pairings),
        )

    @admin.display(description="appel du jour")
    def today(self, person):
        if person.today_outcome:
            return Outcome(person.today_outcome).label
        return "Pas encore d'appel"

    @admin.action(description="Marquer les alertes comme traitées", permissions=["change"])
    def mark_handled(self, request, queryset):
        count = sum(watch.mark_handled(beneficiary=p, by=request.user) for p in queryset)
        self.message_user(
            request,
            count_of(count, "alerte marquée comme traitée.", "alertes marquées comme traitées.")
            if count
            else "Aucune alerte à traiter parmi les personnes choisies.",
            messages.SUCCESS if count else messages.INFO,
        )

    # --- A person's page: their volunteers, their calls, the suggestions -------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        person = self.get_object(request, unquote(object_id))
        if person is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, person):
            raise PermissionDenied
        may_change = self.has_change_permission(request, person)
        if request.method == "POST":
            if not may_change:
                raise PermissionDenied
            self._act(request, person)
            return HttpResponseRedirect(request.path)
        pairings = [
            (p, _volunteer_name(p.volunteer))
            for p in WatchPairing.objects.filter(beneficiary=person)
            .exclude(status=WatchPairing.Status.ENDED)
            .select_related("volunteer__user")
            .order_by("-status", "created_at")
        ]
        active = [p for p, _name in pairings if p.status in WatchPairing.ACTIVE]
        suggestions = []
        if may_change and len(active) < watch.MAX_VOLUNTEERS:
            suggestions = [(v, _volunteer_name(v)) for v in watch.suggest(person)]
        calls = list(
            WatchCall.objects.filter(beneficiary=person)
            .select_related("pairing__volunteer__user")
            .order_by("-at")[:CALLS_SHOWN]
        )
        people.log_details_view(beneficiary=person, user=request.user, where=WHERE)
        context = self.admin_context(
            request,
            f"Veille : {person.name}",
            person=person,
            original=person,
            crisis=watch.crisis_for(person.commune, watch.watch_crises()),
            pairings=pairings,
            full=len(active) >= watch.MAX_VOLUNTEERS,
            suggestions=suggestions,
            calls=[(c, _volunteer_name(c.pairing.volunteer)) for c in calls],
            open_alerts=sum(1 for c in calls if c.alert and not c.handled_at),
            may_change=may_change,
            record_url=reverse("admin:missions_beneficiary_change", args=[person.pk]),
        )
        return TemplateResponse(request, "admin/mobilisation/watchedperson/person.html", context)

    def _act(self, request, person) -> None:
        action = request.POST.get("action", "")
        try:
            if action == "propose":
                volunteer = Volunteer.objects.filter(pk=_id(request.POST.get("volunteer"))).first()
                if volunteer is None:
                    raise ValidationError("Choisissez un ou une volontaire parmi les suggestions.")
                watch.propose(beneficiary=person, volunteer=volunteer, by=request.user)
                self.message_user(
                    request,
                    "C'est proposé : le ou la volontaire reçoit un courriel pour accepter ou "
                    "décliner.",
                    messages.SUCCESS,
                )
            elif action == "end":
                pairing = WatchPairing.objects.filter(
                    pk=_id(request.POST.get("pairing")), beneficiary=person
                ).first()
                if pairing is None or not watch.end_pairing(pairing=pairing):
                    raise ValidationError("Ce ou cette volontaire ne veille déjà plus sur elle.")
                self.message_user(
                    request,
                    "C'est fait : proposez maintenant un ou une autre volontaire.",
                    messages.SUCCESS,
                )
            elif action == "handled":
                count = watch.mark_handled(beneficiary=person, by=request.user)
                self.message_user(
                    request,
                    "L'alerte est marquée comme traitée." if count else "Aucune alerte à traiter.",
                    messages.SUCCESS if count else messages.INFO,
                )
            else:
                raise ValidationError("Cette action n'existe pas.")
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)


def _id(value) -> int | None:
    """A row id from a form, or None (never an error)."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and 0 < len(value) < 19 else None

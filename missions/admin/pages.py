"""A mission's own pages in the admin: its volunteers (accept or decline an offer, the waiting
list in order), « Trouver des volontaires » and their invitation, the buttons that close it,
and the hours the mairie enters for a volunteer who is not online."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from heurecivique.text import count_of, long_date
from territories.admin import AutocompleteSelect
from territories.scope import staff_scope
from volunteers.models import CivicHour, Volunteer

from .. import matching, services
from ..models import Mission, Participation
from .base import add_errors, moment, object_page, works_on_missions
from .forms import EnterHourForm, InviteForm, participant_label, volunteer_label

Status = Participation.Status

# How the participants panel groups a mission's volunteers, in the order it shows them.
GROUPS = [
    ("retained", "Retenus", Participation.HOLDS_A_PLACE),
    ("offered", "Propositions à examiner", (Status.OFFERED,)),
    ("waiting", "Liste d'attente, dans l'ordre", (Status.WAITING,)),
    ("invited", "Invités, sans réponse pour l'instant", (Status.INVITED,)),
    ("other", "Ne viennent pas", (Status.DECLINED, Status.REFUSED, Status.WITHDRAWN,
                                  Status.NOT_HAPPENED)),
]  # fmt: skip


class DecisionForm(forms.Form):
    participation = forms.IntegerField()
    decision = forms.ChoiceField(choices=[("accepter", "Accepter"), ("decliner", "Décliner")])


def _ahead(mission) -> bool:
    return not mission.is_past and mission.status in (Mission.Status.OPEN, Mission.Status.FILLED)


class MissionPages:
    """The ModelAdmin mixin of MissionAdmin that adds these pages."""

    change_form_template = "admin/missions/mission/change_form.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("heures/", wrap(self.enter_hour_view), name="missions_mission_enter_hour"),
            path(
                "<path:object_id>/participants/",
                wrap(require_POST(self.decide_view)),
                name="missions_mission_decide",
            ),
            path(
                "<path:object_id>/volontaires/",
                wrap(self.find_volunteers_view),
                name="missions_mission_find",
            ),
            path(
                "<path:object_id>/realiser/",
                wrap(require_POST(self.complete_view)),
                name="missions_mission_complete",
            ),
            path(
                "<path:object_id>/annuler/",
                wrap(require_POST(self.cancel_view)),
                name="missions_mission_cancel",
            ),
        ] + super().get_urls()

    def _page_of(self, mission, anchor=""):
        url = reverse("admin:missions_mission_change", args=[quote(mission.pk)])
        return HttpResponseRedirect(url + anchor)

    # --- The participants panel, on the mission's page ---------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.panel_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def panel_context(self, request, mission) -> dict:
        participations = list(
            mission.participations.select_related("volunteer__user", "volunteer__commune")
        )
        # The waiting list moves up in the order of the answers (services._promote_waiting).
        participations.sort(key=lambda p: (p.answered_at or p.created_at, p.pk))
        groups = [
            {
                "key": key,
                "title": title,
                "rows": [
                    {"participation": p, "who": participant_label(p.volunteer)}
                    for p in participations
                    if p.status in statuses
                ],
            }
            for key, title, statuses in GROUPS
        ]
        staff = works_on_missions(request)
        may_change = self.has_change_permission(request, mission)
        return {
            "participant_groups": [group for group in groups if group["rows"]],
            "participant_count": len(participations),
            "may_decide": may_change and _ahead(mission),
            "may_find": staff and _ahead(mission),
            "may_enter_hours": staff,
            "may_complete": may_change
            and mission.is_past
            and mission.status in (Mission.Status.OPEN, Mission.Status.FILLED),
            "may_cancel": may_change
            and mission.status not in (Mission.Status.DONE, Mission.Status.CANCELLED),
        }

    @object_page()
    def decide_view(self, request, mission):
        """« Accepter » or « Décliner » a volunteer's offer (or their place on the waiting
        list)."""
        form = DecisionForm(request.POST)
        participation = None
        if form.is_valid():
            participation = (
                mission.participations.select_related("volunteer__user")
                .filter(pk=form.cleaned_data["participation"])
                .first()
            )
        if participation is None:
            self.message_user(
                request, "Ce ou cette volontaire n'est pas sur cette mission.", messages.ERROR
            )
            return self._page_of(mission)
        who = participant_label(participation.volunteer)
        try:
            if form.cleaned_data["decision"] == "accepter":
                services.accept_offer(participation=participation)
                done = f"{who} est retenu·e pour cette mission."
            else:
                services.refuse_offer(participation=participation)
                done = f"La proposition de {who} est déclinée."
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return self._page_of(mission, "#participants")

    @object_page()
    def complete_view(self, request, mission):
        try:
            counted = services.complete_mission(mission=mission)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                "La mission est marquée réalisée ; "
                + count_of(len(counted), "heure validée.", "heures validées."),
                messages.SUCCESS,
            )
        return self._page_of(mission)

    @object_page()
    def cancel_view(self, request, mission):
        try:
            services.cancel_mission(mission=mission)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, "La mission est annulée.", messages.SUCCESS)
        return self._page_of(mission)

    # --- « Trouver des volontaires » ---------------------------------------------------------

    @object_page()
    def find_volunteers_view(self, request, mission):
        """The volunteers best placed for the mission, with why; the chosen ones invited."""
        if not works_on_missions(request):
            raise PermissionDenied  # an association's referent invites no one: no list
        if not _ahead(mission):
            self.message_user(
                request,
                "Cette mission est passée ou fermée : il n'y a plus personne à inviter.",
                messages.WARNING,
            )
            return self._page_of(mission)
        scope = staff_scope(request)
        # A commune's agent sees only the volunteers of their commune (their consent is to be
        # contacted by their own mairie); a department's officer, the department's.
        communes = None if scope.is_national else scope.communes()
        form = InviteForm(
            request.POST if request.method == "POST" else None,
            candidates=matching.candidates(mission, communes=communes),
        )
        if request.method == "POST" and form.is_valid():
            try:
                invited = services.invite(
                    mission=mission, volunteers=form.cleaned_data["volunteers"], by=request.user
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return self._page_of(mission)
            self.message_user(
                request,
                count_of(len(invited), "volontaire invité·e", "volontaires invité·es")
                + " par courriel : les réponses s'affichent ici dès qu'elles arrivent.",
                messages.SUCCESS,
            )
            return self._page_of(mission, "#participants")
        suggestions = matching.suggest(mission, communes=communes)
        context = self.admin_context(
            request,
            "Trouver des volontaires",
            mission=mission,
            moment=moment(mission.starts_at),
            suggestions=[
                {"suggestion": s, "who": volunteer_label(s.volunteer)} for s in suggestions
            ],
            form=form,
        )
        return TemplateResponse(request, "admin/missions/mission/find_volunteers.html", context)

    # --- Hours entered by the mairie ---------------------------------------------------------

    def _hour_choices(self, request, mission) -> dict:
        """For whom an hour may be entered: a mission's participants, by name; or any
        volunteer of the territory, found by the autocomplete, named if they agreed to be
        contacted."""
        if mission is not None:
            return {
                "volunteers": Volunteer.objects.filter(
                    participations__mission=mission, user__isnull=False
                ).select_related("user"),
                "label": participant_label,
                "initial": {
                    "done_on": mission.day if mission.is_past else timezone.localdate(),
                    "minutes": mission.minutes,
                },
            }
        field = CivicHour._meta.get_field("volunteer")
        return {
            "volunteers": self.admin_site.get_model_admin(Volunteer).get_queryset(request),
            "label": volunteer_label,
            "widget": AutocompleteSelect(field, self.admin_site),
            "initial": {"done_on": timezone.localdate()},
        }

    def enter_hour_view(self, request):
        """An hour for a volunteer who is not online: for one of a mission's participants
        (« ?mission= »), or for any volunteer of the territory."""
        if not works_on_missions(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else request.GET
        mission = None
        if data.get("mission"):
            mission = self.get_object(request, data["mission"])
            if mission is None:
                return self._get_obj_does_not_exist_redirect(request, self.opts, data["mission"])
        choices = self._hour_choices(request, mission)
        if request.method == "GET" and "volontaire" in request.GET:
            choices["initial"]["volunteer"] = request.GET["volontaire"]
        form = EnterHourForm(request.POST if request.method == "POST" else None, **choices)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                hour = services.enter_hour(
                    volunteer=data["volunteer"],
                    done_on=data["done_on"],
                    minutes=data["minutes"],
                    note=data["note"],
                    mission=mission,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                self.message_user(
                    request,
                    f"{hour.minutes} minutes notées le {long_date(hour.done_on)} pour "
                    f"{choices['label'](data['volunteer'])}, saisies par la mairie.",
                    messages.SUCCESS,
                )
                if mission is not None:
                    return self._page_of(mission, "#participants")
                return redirect("admin:missions_mission_enter_hour")
        context = self.admin_context(
            request, "Saisir une heure", mission=mission, form=form, media=self.media + form.media
        )
        return TemplateResponse(request, "admin/missions/enter_hour.html", context)

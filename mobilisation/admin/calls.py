"""« Messages aux volontaires »: a territory's staff write a message to a segment of their
volunteers, see how many it reaches and the email as one of them will receive it, confirm, then
follow its sending and its answers, and invite those available to a mission in one step.

The mairie's and the department's staff and the national team write and send; élus and
associations' referents see nothing of it (the people reached are named on the answer board)."""

from csp.decorators import csp_replace
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from heurecivique.months import next_month
from heurecivique.text import count_of, long_date
from missions.admin.base import MISSION_ROLES, object_page
from missions.admin.forms import participant_label
from missions.models import Mission, Participation
from territories.admin import AutocompleteSelect, TerritoryScopedAdmin
from territories.scope import staff_scope
from volunteers.admin import PREVIEW_POLICY
from volunteers.models import MONTHLY_CAP, Availability

from .. import calls
from ..models import Campaign, CampaignDelivery, Crisis

# The available volunteers the answer board names; beyond, it counts them.
BOARD_ROWS = 100
# The missions the invitation's autocomplete shows at a time.
MISSION_PAGE = 20
FOLLOW_PARAM = "suivre"
REFRESH_SECONDS = 5
SEGMENT_FIELDS = ["communes", "quartier", "interests", "skills", "availability", "pledge",
                  "emergency_only"]  # fmt: skip


class MessageText(forms.CharField):
    """A text whose line breaks count as the browser counts them (one character, where the
    form sends two: CR LF): the limit the page shows is the limit the server applies."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value


class CampaignForm(forms.ModelForm):
    availability = forms.MultipleChoiceField(
        label="Disponibilités",
        choices=Availability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les volontaires disponibles à l'un au moins de ces moments.",
    )

    class Meta:
        model = Campaign
        fields = ["territory", "crisis", "subject", "body", "asks_availability", *SEGMENT_FIELDS]
        field_classes = {"body": MessageText}
        widgets = {
            "interests": forms.CheckboxSelectMultiple,
            "skills": forms.CheckboxSelectMultiple,
        }

    def clean(self):
        data = super().clean()
        territory, crisis = data.get("territory"), data.get("crisis")
        if territory and crisis and crisis.territory_id != territory.pk:
            self.add_error("crisis", "Cette crise n'est pas celle de ce territoire.")
        if territory and not territory.is_national:
            covered = set(territory.communes().values_list("pk", flat=True))
            if outside := [c.name for c in data.get("communes", []) if c.pk not in covered]:
                self.add_error(
                    "communes", f"Hors du territoire choisi : {', '.join(sorted(outside))}."
                )
        if data.get("emergency_only") and not crisis:
            self.add_error(
                "emergency_only",
                "Réservé aux messages d'une crise : choisissez la crise en cours.",
            )
        return data


def mission_label(mission: Mission) -> str:
    """« Porter de l'eau rue Dauphine · samedi 12 décembre, 10 h 00 · Orléans »: missions often
    share a title, never a date and a place."""
    starts = timezone.localtime(mission.starts_at)
    return f"{mission.title} · {long_date(starts, 'l j F')}, {starts:%H} h {starts:%M} · " + (
        mission.commune.name
    )


class MissionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return mission_label(obj)


class MissionChoice(AutocompleteSelect):
    """The autocomplete of the missions a message's available volunteers may be invited to: its
    own address (CampaignAdmin.missions_json), which offers only those, with their date."""

    def __init__(self, url: str, admin_site):
        super().__init__(Participation._meta.get_field("mission"), admin_site)
        self.url = url

    def get_url(self):
        return self.url


class InviteForm(forms.Form):
    mission = MissionChoiceField(
        label="Mission",
        queryset=Mission.objects.none(),
        help_text="Les missions ouvertes à venir du territoire du message : tapez pour chercher.",
    )


@admin.register(Campaign)
class CampaignAdmin(TerritoryScopedAdmin):
    form = CampaignForm
    change_form_template = "admin/mobilisation/campaign/change_form.html"
    view_roles = add_roles = change_roles = delete_roles = MISSION_ROLES
    list_display = ["subject", "territory", "status", "sent_at", "reach"]
    list_filter = ["status"]
    list_select_related = ["territory"]
    search_fields = ["subject"]
    list_per_page = 50
    show_full_result_count = False
    # No bulk action: a draft is deleted from its own page, a sent message stays on record.
    actions = None
    autocomplete_fields = ["communes"]
    fieldsets = [
        (
            None,
            {
                "fields": ["territory", "crisis", "subject", "body", "asks_availability"],
                "description": "Rien ne part à l'enregistrement : la page suivante montre à "
                "combien de volontaires le message partira et le courriel tel qu'il sera reçu, "
                "avant que vous confirmiez l'envoi.",
            },
        ),
        (
            "À qui",
            {
                "fields": SEGMENT_FIELDS,
                "description": "Chaque condition remplie restreint l'envoi ; aucune : tous les "
                "volontaires du territoire. Le message ne part qu'aux volontaires qui ont "
                "accepté d'être contactés par leur mairie et n'ont pas désactivé ces messages, "
                f"au plus {MONTHLY_CAP} par mois et par personne (sauf en cas de crise).",
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None or obj.status == Campaign.Status.DRAFT:
            return self.fieldsets
        # Sent: what it was, without the advice given while writing it.
        return [(name, {"fields": options["fields"]}) for name, options in self.fieldsets]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        for name in ("territory", "crisis"):
            if name in form.base_fields:
                # Chosen here, never edited nor added from here (a popup of the portal's settings).
                widget = form.base_fields[name].widget
                widget.can_add_related = widget.can_change_related = False
                widget.can_view_related = widget.can_delete_related = False
        return form

    # --- Who may do what ---------------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != Campaign.Status.DRAFT:
            return False  # sent: read only
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != Campaign.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "crisis":
            scope = staff_scope(request)
            crises = Crisis.objects.running().select_related("territory")
            if not scope.is_national:
                crises = crises.filter(territory__in=scope.territory_ids_managed)
            kwargs["queryset"] = crises
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        scope = staff_scope(request)
        if not scope.is_national and len(scope.territory_ids) == 1:
            initial.setdefault("territory", next(iter(scope.territory_ids)))
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # Written: next, see whom it reaches and how it reads.
        return HttpResponseRedirect(self._url("send", obj))

    def response_change(self, request, obj):
        if "_save" in request.POST:
            return HttpResponseRedirect(self._url("send", obj))
        return super().response_change(request, obj)

    # --- The list ----------------------------------------------------------------------------

    @admin.display(description="destinataires")
    def reach(self, campaign):
        if campaign.status == Campaign.Status.DRAFT:
            return "—"
        return count_of(campaign.recipient_count, "volontaire", "volontaires")

    # --- Pages -------------------------------------------------------------------------------

    def _url(self, name: str, campaign) -> str:
        return reverse(f"admin:mobilisation_campaign_{name}", args=[quote(campaign.pk)])

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/envoyer/", wrap(self.send_view), name="mobilisation_campaign_send"
            ),
            path(
                "<path:object_id>/apercu/",
                wrap(self.preview_html),
                name="mobilisation_campaign_preview",
            ),
            path(
                "<path:object_id>/missions/",
                wrap(self.missions_json),
                name="mobilisation_campaign_missions",
            ),
            path(
                "<path:object_id>/inviter/",
                wrap(require_POST(self.invite_view)),
                name="mobilisation_campaign_invite",
            ),
        ] + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # In a mairie agent's words, one button: the next page checks, then sends.
        if obj is None:
            context["title"] = "Nouveau message aux volontaires"
        elif obj.status == Campaign.Status.DRAFT:
            context["title"] = "Modifier le message aux volontaires"
        else:
            context["title"] = "Message aux volontaires"
        context["save_label"] = "Enregistrer et vérifier avant l'envoi"
        if obj is not None and obj.status != Campaign.Status.DRAFT:
            context.update(self.follow_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def follow_context(self, request, campaign, invite_form=None) -> dict:
        """The sending's progress, the answers, and the invitation of those available."""
        progress = calls.progress(campaign)
        answers = (
            campaign.deliveries.filter(answer=CampaignDelivery.Answer.AVAILABLE)
            .select_related("volunteer__user", "volunteer__commune")
            .order_by("-answered_at", "pk")[:BOARD_ROWS]
        )
        following = FOLLOW_PARAM in request.GET and campaign.status == Campaign.Status.SENDING
        if invite_form is None and progress["available"]:
            invite_form = self._invite_form(request, campaign)
        return {
            "progress": progress,
            "board": [
                {
                    "who": participant_label(answer.volunteer),
                    "where": answer.volunteer.commune.name,
                    "quartier": answer.volunteer.quartier,
                    "answered_at": answer.answered_at,
                }
                for answer in answers
            ],
            "board_more": progress["available"] - min(progress["available"], BOARD_ROWS),
            "following": following,
            "follow_param": FOLLOW_PARAM,
            "refresh_seconds": REFRESH_SECONDS,
            "invite_form": invite_form,
            "may_invite": self.has_view_permission(request, campaign),
        }

    def invitable_missions(self, request, campaign):
        """The missions of the message's territory, open and to come, that the staff see."""
        mission_admin = self.admin_site.get_model_admin(Mission)
        return (
            mission_admin.get_queryset(request)
            .filter(
                campaign.territory.covers(),
                status=Mission.Status.OPEN,
                starts_at__gt=timezone.now(),
            )
            .select_related("commune")
            .order_by("starts_at", "pk")
        )

    def _invite_form(self, request, campaign, data=None):
        form = InviteForm(data)
        field = form.fields["mission"]
        field.widget = MissionChoice(self._url("missions", campaign), self.admin_site)
        # Set after the widget: it hands the widget its choices.
        field.queryset = self.invitable_missions(request, campaign)
        return form

    @object_page(change=False)
    def missions_json(self, request, campaign):
        """What the mission autocomplete offers, page by page, as Django's autocomplete does."""
        missions = self.invitable_missions(request, campaign)
        if term := request.GET.get("term", "").strip():
            missions = missions.filter(title__icontains=term)
        try:
            page = min(max(int(request.GET.get("page", 1)), 1), 1000)
        except ValueError:
            page = 1
        start = (page - 1) * MISSION_PAGE
        found = list(missions[start : start + MISSION_PAGE + 1])
        results = [{"id": str(m.pk), "text": mission_label(m)} for m in found[:MISSION_PAGE]]
        return JsonResponse({"results": results, "pagination": {"more": len(found) > MISSION_PAGE}})

    @object_page(change=False)
    def send_view(self, request, campaign):
        """Whom the message reaches and how it reads; « Envoyer » sends it."""
        if campaign.status != Campaign.Status.DRAFT:
            return HttpResponseRedirect(reverse("admin:mobilisation_campaign_change",
                                                args=[quote(campaign.pk)]))  # fmt: skip
        if request.method == "POST":
            if not super().has_change_permission(request, campaign):
                return HttpResponse(status=403)
            try:
                sent = calls.send(campaign=campaign, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return HttpResponseRedirect(self._url("send", campaign))
            self.message_user(
                request,
                f"Envoi lancé à {count_of(sent, 'volontaire', 'volontaires')}.",
                messages.SUCCESS,
            )
            change = reverse("admin:mobilisation_campaign_change", args=[quote(campaign.pk)])
            return HttpResponseRedirect(f"{change}?{FOLLOW_PARAM}=1")
        audience = calls.audience(campaign)
        email = calls.preview(campaign) if audience["recipients"] else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Vérifier et envoyer",
            "original": campaign,
            "campaign": campaign,
            "audience": audience,
            "monthly_cap": MONTHLY_CAP,
            "cap_resets_on": next_month(timezone.localdate()),
            "email": email,
            "change_url": reverse("admin:mobilisation_campaign_change", args=[quote(campaign.pk)]),
            "may_send": super().has_change_permission(request, campaign),
        }
        return TemplateResponse(request, "admin/mobilisation/campaign/send.html", context)

    # The email's own HTML, in the confirmation page's frame: emails need inline styles, which
    # the site's policy forbids everywhere else.
    @method_decorator(csp_replace(PREVIEW_POLICY))
    @method_decorator(xframe_options_sameorigin)
    @object_page(change=False)
    def preview_html(self, request, campaign):
        email = calls.preview(campaign)
        if email is None:
            return HttpResponse("Personne ne recevrait ce message.", content_type="text/plain")
        return HttpResponse(email.alternatives[0][0])

    @object_page(change=False)
    def invite_view(self, request, campaign):
        """Invite those who answered « disponible » to a mission, in one step."""
        form = self._invite_form(request, campaign, request.POST)
        change = reverse("admin:mobilisation_campaign_change", args=[quote(campaign.pk)])
        if not form.is_valid():
            self.message_user(
                request,
                "Choisissez une mission ouverte et à venir du territoire du message.",
                messages.ERROR,
            )
            return HttpResponseRedirect(change + "#reponses")
        mission = form.cleaned_data["mission"]
        try:
            invited = calls.invite_available(campaign=campaign, mission=mission, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                format_html(
                    "{} à « {} » : chacun reçoit l'invitation et confirme. "
                    '<a href="{}">Voir la mission</a>',
                    count_of(len(invited), "volontaire invité·e", "volontaires invité·es"),
                    mission.title,
                    reverse("admin:missions_mission_change", args=[mission.pk]),
                ),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(change + "#reponses")

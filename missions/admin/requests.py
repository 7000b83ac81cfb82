"""« Demandes de coup de main »: the residents' requests, the new ones first; each turned into a
mission, or answered kindly when the mairie cannot."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import Truncator

from heurecivique.email import send_templated_mail
from heurecivique.text import count_of
from territories.models import Territory

from .. import people
from ..models import HelpRequest, Mission
from .base import MissionsScopedAdmin, add_errors, moment, object_page
from .forms import RefuseRequestForm, TurnIntoMissionForm

NEW = HelpRequest.Status.NEW
FIELDS = ["created_at", "commune", "quartier", "name", "phone", "email", "for_someone_else",
          "what", "when", "status", "handled_by", "handled_at", "answer", "mission"]  # fmt: skip


@admin.register(HelpRequest)
class HelpRequestAdmin(MissionsScopedAdmin):
    feminine = True
    change_list_template = "admin/missions/helprequest/change_list.html"
    change_form_template = "admin/missions/helprequest/change_form.html"
    list_display = ["received", "place", "asked", "status", "mission"]
    list_filter = ["status"]
    search_fields = ["what", "name", "quartier", "commune__name"]
    search_help_text = "Un mot de la demande, un nom, un quartier, une commune."
    list_select_related = ["commune", "mission"]
    list_per_page = 50
    show_full_result_count = False
    # The new ones first, then the latest.
    ordering = [Case(When(status=NEW, then=Value(0)), default=Value(1)).asc(), "-created_at"]
    fields = FIELDS
    readonly_fields = FIELDS

    def has_add_permission(self, request):
        return False  # the residents ask on the site (« J'ai besoin d'un coup de main »)

    @admin.display(description="reçue le", ordering="created_at")
    def received(self, request_):
        return moment(request_.created_at)

    @admin.display(description="lieu", ordering="commune__name")
    def place(self, request_):
        commune = request_.commune.name
        return f"{commune} – {request_.quartier}" if request_.quartier else commune

    @admin.display(description="demande")
    def asked(self, request_):
        return Truncator(request_.what).chars(90)

    def changelist_view(self, request, extra_context=None):
        waiting = self.get_queryset(request).filter(status=NEW).count()
        extra_context = {
            "new_count": waiting,
            "new_label": count_of(waiting, "demande à traiter", "demandes à traiter"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Everything here is the resident's own words: read, then acted on by the buttons.
        extra_context = {
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/transformer/",
                wrap(self.turn_into_mission_view),
                name="missions_helprequest_turn",
            ),
            path(
                "<path:object_id>/classer/",
                wrap(self.refuse_view),
                name="missions_helprequest_refuse",
            ),
        ] + super().get_urls()

    def _already_handled(self, request, help_request):
        self.message_user(request, "Cette demande a déjà été traitée.", messages.WARNING)
        return HttpResponseRedirect(
            reverse("admin:missions_helprequest_change", args=[help_request.pk])
        )

    @object_page()
    def turn_into_mission_view(self, request, help_request):
        """« Transformer en mission »: the need in public words, the person a beneficiary."""
        if help_request.status != NEW:
            return self._already_handled(request, help_request)
        form = TurnIntoMissionForm(
            request.POST if request.method == "POST" else None,
            instance=Mission(commune=help_request.commune, quartier=help_request.quartier),
            initial={"details": help_request.what, "kind": Mission.Kind.NEIGHBOURS},
        )
        if request.method == "POST" and form.is_valid():
            fields = {name: form.cleaned_data[name] for name in TurnIntoMissionForm.Meta.fields}
            try:
                mission = people.turn_request_into_mission(
                    request=help_request,
                    by=request.user,
                    consent_how=form.cleaned_data["consent_how"],
                    mission_fields={**fields, "quartier": help_request.quartier},
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                self.message_user(
                    request,
                    f"La demande est devenue la mission « {mission} », et la personne une "
                    "personne aidée : trouvez-lui maintenant des volontaires.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:missions_mission_change", args=[mission.pk])
                )
        context = self.admin_context(
            request,
            "Transformer la demande en mission",
            help_request=help_request,
            form=form,
            media=self.media + form.media,
        )
        return TemplateResponse(request, "admin/missions/helprequest/turn.html", context)

    @object_page()
    def refuse_view(self, request, help_request):
        """« Classer sans suite », with an answer sent to the person when they left an
        address."""
        if help_request.status != NEW:
            return self._already_handled(request, help_request)
        form = RefuseRequestForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            answer = form.cleaned_data["answer"]
            try:
                people.refuse_request(request=help_request, by=request.user, answer=answer)
            except ValidationError:
                return self._already_handled(request, help_request)
            if help_request.email:
                send_templated_mail(
                    to=help_request.email,
                    template="missions/email/request_answered",
                    context={
                        "help_request": help_request,
                        "answer": answer,
                        "territory": Territory.objects.for_commune(help_request.commune),
                    },
                )
                told = f"la réponse part par courriel à {help_request.email}."
            else:
                told = f"la personne n'a pas laissé d'adresse : appelez-la au {help_request.phone}."
            self.message_user(request, f"La demande est classée sans suite ; {told}")
            return HttpResponseRedirect(reverse("admin:missions_helprequest_changelist"))
        context = self.admin_context(
            request, "Classer la demande sans suite", help_request=help_request, form=form
        )
        return TemplateResponse(request, "admin/missions/helprequest/refuse.html", context)

"""« Mode crise »: a territory's staff switch it on (the kind, a short message, an end date),
extend it, and switch it off; national staff for the nation, a department's for the department
and its communes, a mairie's for its commune. Élus and associations' referents never."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from heurecivique.text import count_of, long_date
from missions.admin.base import object_page
from territories.admin import ALL_ROLES, MANAGERS, TerritoryScopedAdmin
from territories.models import Membership
from territories.scope import staff_scope
from volunteers.models import Volunteer

from .. import crises
from ..models import Campaign, Crisis

# Who switches a crisis on and off: the national team, the department, the mairie and its CCAS
# (not the moderators, who look after content; élus and referents have no access at all).
SWITCHERS = MANAGERS | {Membership.Role.COMMUNE_AGENT}


class CrisisMessage(forms.CharField):
    """The message to residents, at most 400 characters counted as the page counts them (a line
    break is one, where the browser sends two: CR LF). Too long, it is refused with its length,
    never cut by the browser's maxlength mid-word without a word."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class CrisisForm(forms.ModelForm):
    class Meta:
        model = Crisis
        fields = ["territory", "kind", "message", "ends_on"]
        field_classes = {"message": CrisisMessage}
        widgets = {
            "message": forms.Textarea(attrs={"rows": 4, "cols": 80, "class": "vLargeTextField"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {"territory": "Territoire en crise"}
        help_texts = {
            "territory": "Le bandeau s'affiche sur son portail et, pour un département, sur "
            "ceux de ses communes.",
            "message": "Deux ou trois phrases, affichées en haut de chaque page : ce qui se "
            "passe et ce que chacun peut faire (400 caractères au plus).",
        }

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        try:
            crises.check_end_date(ends_on)
        except ValidationError as error:
            raise ValidationError(error.message_dict["ends_on"]) from error
        return ends_on

    def clean(self):
        cleaned = super().clean()
        territory = cleaned.get("territory")
        if self.instance.pk is None and territory is not None:
            # A crisis past its end date that beat has not ended yet no longer runs: it must
            # not block this one (nor be counted as running by the form's checks below).
            crises.end_expired(territory)
            if Crisis.objects.filter(territory=territory, ended_at__isnull=True).exists():
                raise ValidationError(crises.ALREADY_RUNNING)
        return cleaned


@admin.register(Crisis)
class CrisisAdmin(TerritoryScopedAdmin):
    """The switch: on (« Déclencher le mode crise »), longer (change the end date), off
    (« Arrêter le mode crise »). An ended crisis stays in the list, read-only."""

    form = CrisisForm
    change_form_template = "admin/mobilisation/crisis/change_form.html"
    change_list_template = "admin/mobilisation/crisis/change_list.html"
    list_display = ["__str__", "state", "starts_at", "ends_on", "ended_at"]
    list_filter = ["kind"]
    list_select_related = ["territory"]
    search_fields = ["territory__name", "message"]
    autocomplete_fields = ["territory"]
    view_roles = ALL_ROLES
    add_roles = change_roles = SWITCHERS
    delete_roles = frozenset()  # a crisis stays on record; it is switched off

    def has_delete_permission(self, request, obj=None):
        return False

    # One button: « Enregistrer » (another crisis of the same territory waits for this one).
    BUTTONS = {"show_save_and_add_another": False, "show_save_and_continue": False}

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {
            "title": "Déclencher le mode crise",
            **self.BUTTONS,
            **(extra_context or {}),
        }
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {"title": "Mode crise", **self.BUTTONS, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # « Écrire aux volontaires disponibles »: a new message to this crisis's territory, tied
        # to it, for the volunteers available in an emergency — for those who may write one.
        if obj is not None and self.admin_site.get_model_admin(Campaign).has_add_permission(
            request
        ):
            query = urlencode(
                {"territory": obj.territory_id, "crisis": obj.pk, "emergency_only": "1"}
            )
            context["write_url"] = f"{reverse('admin:mobilisation_campaign_add')}?{query}"
        return super().render_change_form(request, context, add, change, form_url, obj)

    def has_change_permission(self, request, obj=None):
        # An ended crisis stays on record, as it was.
        return super().has_change_permission(request, obj) and not (obj and obj.ended_at)

    # Shown, never edited, once the crisis runs.
    READ_ONLY = ["territory", "kind", "starts_at", "started_by_name", "ended_at", "ended_by_name",
                 "available_volunteers"]  # fmt: skip

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["territory", "kind", "message", "ends_on"]
        # The end date's help (« vous pouvez arrêter avant ou prolonger ») is for those who can.
        ends_on = "ends_on" if self.has_change_permission(request, obj) else "planned_end"
        return ["territory", "kind", "message", ends_on, *self.READ_ONLY[2:]]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.READ_ONLY, "planned_end"]

    @admin.display(description="fin prévue le")
    def planned_end(self, crisis):
        return long_date(crisis.ends_on)

    # People by their name, as the page's « Arrêté le … par Odile Perrin » (an email otherwise).
    @admin.display(description="déclenchée par")
    def started_by_name(self, crisis):
        return crisis.started_by.get_full_name() if crisis.started_by else "—"

    @admin.display(description="arrêtée par")
    def ended_by_name(self, crisis):
        if crisis.ended_by:
            return crisis.ended_by.get_full_name()
        return "— (à sa date de fin)" if crisis.ended_at else "—"

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "territory" in form.base_fields:
            # Choose the portal, never edit it from here.
            widget = form.base_fields["territory"].widget
            widget.can_add_related = widget.can_change_related = widget.can_view_related = False
        return form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        scope = staff_scope(request)
        if not scope.is_national and len(scope.territory_ids) == 1:
            initial.setdefault("territory", next(iter(scope.territory_ids)))
        initial.setdefault("ends_on", timezone.localdate() + crises.DEFAULT_LENGTH)
        return initial

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        # The one place a crisis starts (the form checked what it could; a crisis started by a
        # colleague in the meantime is refused there).
        started = crises.start(
            territory=obj.territory,
            kind=obj.kind,
            message=obj.message,
            ends_on=obj.ends_on,
            by=request.user,
        )
        obj.pk = started.pk
        obj.starts_at, obj.started_by = started.starts_at, started.started_by

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            f"Le mode crise est déclenché {obj.territory.place.in_} jusqu'au "
            f"{long_date(obj.ends_on, 'l j F')} inclus : le bandeau s'affiche dès maintenant "
            "en haut de chaque page du portail.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:mobilisation_crisis_change", args=[obj.pk]))

    @admin.display(description="état")
    def state(self, crisis):
        if crisis.ended_at:
            return "Terminé"
        if crisis.ends_on < timezone.localdate():
            return "Fin prévue passée"
        return format_html("<strong>{}</strong>", "En cours")

    @admin.display(description="volontaires disponibles en cas d'urgence")
    def available_volunteers(self, crisis):
        count = Volunteer.objects.filter(
            crisis.territory.covers(), emergency_available_at__isnull=False, user__isnull=False
        ).count()
        return count_of(
            count,
            f"volontaire s'est dit disponible {crisis.territory.place.in_}",
            f"volontaires se sont dits disponibles {crisis.territory.place.in_}",
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/arreter/",
                wrap(self.end_view),
                name="mobilisation_crisis_end",
            ),
        ] + super().get_urls()

    @object_page(change=False)
    def end_view(self, request, crisis):
        """« Arrêter le mode crise »: the page asks, the button switches it off."""
        change_url = reverse("admin:mobilisation_crisis_change", args=[crisis.pk])
        if crisis.ended_at is not None:
            self.message_user(request, "Ce mode crise est déjà arrêté.", messages.WARNING)
            return HttpResponseRedirect(change_url)
        if not self.has_change_permission(request, crisis):
            raise PermissionDenied
        if request.method == "POST":
            crises.end(crisis, by=request.user)
            self.message_user(
                request,
                f"Le mode crise est arrêté {crisis.territory.place.in_} : le bandeau a disparu "
                "du portail.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Arrêter le mode crise",
            "crisis": crisis,
        }
        return TemplateResponse(request, "admin/mobilisation/crisis/end.html", context)

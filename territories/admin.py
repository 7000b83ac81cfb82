from django import forms
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import ValidationError
from django.db.models import BLANK_CHOICE_DASH, Exists, OuterRef
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from heurecivique.images import reencode_image

from .models import Commune, Department, Membership, PortalHost, Quartier, Territory
from .scope import staff_scope
from .services import give_role

NO_CONSENT = "— contact non autorisé par la personne"

# Every role that works on a territory's content; an association's referent sees only the
# missions of their association (missions/admin.py), an elected official only the dashboard.
ALL_ROLES = frozenset(Membership.Role.values) - {
    Membership.Role.ASSOCIATION_REFERENT,
    Membership.Role.ELECTED,
}
NATIONAL_ONLY = frozenset({Membership.Role.NATIONAL_ADMIN})
MANAGERS = frozenset({Membership.Role.NATIONAL_ADMIN, Membership.Role.DEPARTMENT_OFFICER})


class _LooksUpValidValuesOnly:
    """Django's autocomplete widgets look up the values they show as they came: one that the
    field cannot hold (« ² » for an id, in a form shown again with its errors, or in the address
    of an « ajouter » page) makes the query fail. Such values are left out of the lookup; the
    form says what is wrong with them."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name
        )
        return super().optgroups(name, [v for v in value if _holds(target, v)], attr)


class _NamedForScreenReaders:
    """Select2 names its box by the text it shows: empty, a screen reader finds a box with no
    name (Django leaves the placeholder blank). The placeholder says what the field is, and
    admin-autocomplete.js names the box after the field's label."""

    @property
    def media(self):
        # Named with Django's script, for the merge of media to keep ours after it.
        return super().media + forms.Media(
            js=["admin/js/autocomplete.js", "js/admin-autocomplete.js"]
        )

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = f"{capfirst(self.field.verbose_name)} : tapez pour chercher"
        return attrs


def _holds(field, value) -> bool:
    try:
        field.get_prep_value(field.to_python(value))
    except (ValidationError, ValueError, TypeError):
        return False
    return True


class AutocompleteSelect(
    _NamedForScreenReaders, _LooksUpValidValuesOnly, widgets.AutocompleteSelect
):
    pass


class AutocompleteSelectMultiple(
    _NamedForScreenReaders, _LooksUpValidValuesOnly, widgets.AutocompleteSelectMultiple
):
    pass


class TerritoryScopedAdmin(admin.ModelAdmin):
    """The admin base of every territorial model.

    A staff member sees, picks and changes only the objects of the territories they manage
    (see territories.scope); national administrators see everything. Subclasses say where the
    territory is (`territory_field`, or `scope_queryset` when it is not a plain path) and which
    roles may do what.
    """

    territory_field = "territory"
    # A list the admin shows but never writes (people's own data, logs): nobody adds, changes
    # or deletes a row there, the national team included, and every field shows as text.
    read_only = False
    view_roles = ALL_ROLES
    add_roles = ALL_ROLES
    change_roles = ALL_ROLES
    delete_roles = ALL_ROLES

    def scope_queryset(self, queryset, scope):
        return queryset.filter(**{f"{self.territory_field}__in": scope.territory_ids_managed})

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = staff_scope(request)
        return queryset if scope.is_national else self.scope_queryset(queryset, scope)

    # Whether the model's name is feminine, for the words that agree with it (« Supprimer les
    # initiatives sélectionnées »).
    feminine = False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            function, name, _description = actions["delete_selected"]
            selected = "sélectionnées" if self.feminine else "sélectionnés"
            plural = self.model._meta.verbose_name_plural
            actions["delete_selected"] = (function, name, f"Supprimer les {plural} {selected}")
        return actions

    # Under a field of the admin's form, what the public will see of it. Here rather than on
    # the model: the residents' forms show the model's help texts.
    field_help_texts = {}

    def get_form(self, request, obj=None, **kwargs):
        if self.field_help_texts:
            kwargs.setdefault("help_texts", self.field_help_texts)
        form = super().get_form(request, obj, **kwargs)
        if self.territory_field in form.base_fields and not staff_scope(request).is_national:
            # A territory's staff cannot make an object national by leaving the field empty.
            form.base_fields[self.territory_field].required = True
        return form

    def get_readonly_fields(self, request, obj=None):
        if self.read_only:
            return self.fields
        return super().get_readonly_fields(request, obj)

    @admin.display(description="territoire", ordering="territory__name")
    def territory_name(self, obj):
        """The territory column of national-or-local content."""
        return obj.territory.name if obj.territory else "National"

    def changelist_view(self, request, extra_context=None):
        # « Gestes » rather than Django's « Sélectionnez l'objet geste à changer ».
        extra_context = {
            "title": capfirst(self.model._meta.verbose_name_plural),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def _role_allows(self, request, roles) -> bool:
        if not (request.user.is_active and request.user.is_staff):
            return False
        scope = staff_scope(request)
        return scope.is_national or bool(scope.roles & roles)

    def has_module_permission(self, request):
        return self._role_allows(request, self.view_roles | self.change_roles)

    def has_view_permission(self, request, obj=None):
        return self._role_allows(request, self.view_roles | self.change_roles)

    def has_add_permission(self, request):
        return not self.read_only and self._role_allows(request, self.add_roles)

    def has_change_permission(self, request, obj=None):
        return not self.read_only and self._role_allows(request, self.change_roles)

    def has_delete_permission(self, request, obj=None):
        return not self.read_only and self._role_allows(request, self.delete_roles)

    def _scoped_choices(self, db_field, request, kwargs):
        # A foreign key to another scoped model offers only what this person may see.
        related = db_field.related_model
        if "queryset" in kwargs or not self.admin_site.is_registered(related):
            return
        related_admin = self.admin_site.get_model_admin(related)
        if isinstance(related_admin, TerritoryScopedAdmin):
            kwargs["queryset"] = related_admin.get_queryset(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget", AutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                AutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        # A related filter lists only the values present in the (scoped) list, never others';
        # a commune is chosen in its department, never among thousands. A long list (the
        # follow-up's emails) names ScopedRelatedFilter itself: no DISTINCT over its rows.
        scoped = []
        for entry in super().get_list_filter(request):
            if (
                isinstance(entry, str)
                and (field := get_fields_from_path(self.model, entry)[-1]).is_relation
            ):
                if field.related_model is Commune:
                    scoped += [(f"{entry}__department", DepartmentFilter), (entry, CommuneFilter)]
                    continue
                entry = (entry, admin.RelatedOnlyFieldListFilter)
            scoped.append(entry)
        return scoped


class ScopedRelatedFilter(admin.RelatedOnlyFieldListFilter):
    """A filter on a territorial model (portals, departments) that lists what the staff
    member's scope holds of it, bounded by their territory, without reading the rows of the
    list; on any other model, the values present in the list (RelatedOnlyFieldListFilter)."""

    def field_choices(self, field, request, model_admin):
        related = model_admin.admin_site._registry.get(field.related_model)
        if not isinstance(related, TerritoryScopedAdmin):
            return super().field_choices(field, request, model_admin)
        return field.get_choices(
            include_blank=False,
            limit_choices_to={"pk__in": related.get_queryset(request).values("pk")},
            ordering=self.field_admin_ordering(field, request, model_admin),
        )


class DepartmentFilter(ScopedRelatedFilter):
    """« Département », for staff whose territory spans several (the national team): the
    first step of CommuneFilter. Choosing another department forgets the commune chosen."""

    def has_output(self):
        return len(self.lookup_choices) > 1

    def choices(self, changelist):
        commune = self.field_path.removesuffix("department")  # "volunteer__commune__"
        yield {
            "selected": self.lookup_val is None,
            "query_string": changelist.get_query_string(remove=[commune]),
            "display": "Tous",
        }
        for pk, name in self.lookup_choices:
            yield {
                "selected": self.lookup_val is not None and str(pk) in self.lookup_val,
                "query_string": changelist.get_query_string({self.lookup_kwarg: pk}, [commune]),
                "display": name,
            }


class CommuneFilter(admin.RelatedFieldListFilter):
    """« Commune »: the communes of the staff member's territory where the rows of the list
    are attached (for the hours, where volunteers live), in the department chosen first when
    the territory spans several (DepartmentFilter). Never a DISTINCT over the rows, and never
    the 35,000 communes of France in one list."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        # DepartmentFilter, before this one, takes its parameter out of `params`.
        self.department = request.GET.get(f"{field_path}__department__id__exact")
        super().__init__(field, request, params, model, model_admin, field_path)

    def field_choices(self, field, request, model_admin):
        scope = staff_scope(request)
        department = Commune._meta.get_field("department")
        if self.department is not None and _holds(department, self.department):
            communes = scope.communes().filter(department=self.department)
        elif scope.is_national or scope.departments().count() > 1:
            return []  # the department first
        else:
            communes = scope.communes()
        # Where the list's rows hang: the communes where volunteers live, for the hours too.
        rows = field.model._default_manager.filter(**{field.name: OuterRef("pk")})
        return [
            (commune.pk, str(commune))
            for commune in communes.filter(Exists(rows)).order_by("name", "insee_code")
        ]


def contact_label(user, visible: bool) -> str:
    """A resident in an admin list or page: named only where StaffScope.sees_contact allows."""
    if user is None:
        return "—"
    if not visible:
        return NO_CONSENT
    name = user.get_full_name()
    return user.email if name == user.email else f"{name} ({user.email})"


class TerritoryScopedInline(admin.TabularInline):
    """An inline of a scoped admin: whoever may change the parent may change its lines."""

    def _parent(self):
        return self.admin_site.get_model_admin(self.parent_model)

    def has_view_permission(self, request, obj=None):
        return self._parent().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._parent().has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent().has_change_permission(request, obj)


LOGO_MAX_BYTES = 2_000_000
LOGO_SIDE = 600


class TerritoryForm(forms.ModelForm):
    class Meta:
        model = Territory
        fields = [
            "kind",
            "name",
            "slug",
            "department",
            "commune",
            "is_active",
            "logo",
            "primary_color",
            "secondary_color",
            "welcome_text",
        ]
        widgets = {
            "primary_color": forms.TextInput(attrs={"type": "color"}),
            "secondary_color": forms.TextInput(attrs={"type": "color"}),
        }

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and logo != self.initial.get("logo"):
            return reencode_image(logo, max_bytes=LOGO_MAX_BYTES, max_side=LOGO_SIDE)
        return logo


class PortalHostInline(admin.TabularInline):
    """A portal's custom domains: an address decides which portal answers, so only the
    national team gives one (as for the identifier)."""

    model = PortalHost
    extra = 0
    fields = ["name"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff

    def has_add_permission(self, request, obj=None):
        return staff_scope(request).is_national

    def has_change_permission(self, request, obj=None):
        return staff_scope(request).is_national

    def has_delete_permission(self, request, obj=None):
        return staff_scope(request).is_national


@admin.register(Territory)
class TerritoryAdmin(TerritoryScopedAdmin):
    form = TerritoryForm
    inlines = [PortalHostInline]
    list_display = ["name", "kind", "portal_address", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["department", "commune"]
    add_roles = MANAGERS
    # Staff take a portal offline ("portail en ligne"); deleting one is the national team's call.
    delete_roles = NATIONAL_ONLY
    change_roles = MANAGERS | {Membership.Role.COMMUNE_AGENT}
    fieldsets = [
        (None, {"fields": ["kind", "name", "slug", "department", "commune", "is_active"]}),
        (
            "À vos couleurs",
            {"fields": ["logo", "primary_color", "secondary_color", "welcome_text"]},
        ),
        (
            "Signature et contact presse des documents",
            {"fields": ["signatory_name", "signatory_title", "press_contact"]},
        ),
    ]

    def scope_queryset(self, queryset, scope):
        return queryset.filter(pk__in=scope.territories())

    def get_readonly_fields(self, request, obj=None):
        # Only the national team moves a portal to another area or address.
        if obj is not None and not staff_scope(request).is_national:
            return ["kind", "slug", "department", "commune"]
        return []

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind" and not staff_scope(request).is_national:
            kwargs["choices"] = BLANK_CHOICE_DASH + [
                (value, label)
                for value, label in Territory.Kind.choices
                if value != Territory.Kind.NATIONAL
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.display(description="adresse du portail")
    def portal_address(self, territory):
        url = territory.url("/")
        return format_html('<a href="{}">{}</a>', url, url.split("://", 1)[1].rstrip("/"))


class MembershipForm(forms.ModelForm):
    """A role, given by typing the person's email address: the list of accounts is never
    shown, and nothing says whether the address has one (territories.services.give_role)."""

    email = forms.EmailField(
        label="Adresse électronique de la personne",
        help_text="Si elle n'a pas encore de compte sur le portail, un compte est créé et un "
        "courriel l'invite à choisir son mot de passe.",
    )

    class Meta:
        model = Membership
        fields = ["territory", "role", "report_enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["email", "territory", "role"])
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email
            self.fields["email"].disabled = True

    def validate_unique(self):
        # The person is known by their address only: checked in clean().
        pass

    def clean(self):
        data = super().clean()
        email, territory, role = data.get("email"), data.get("territory"), data.get("role")
        held = Membership.objects.filter(user__email__iexact=email, territory=territory, role=role)
        if not self.instance.pk and email and held.exists():
            raise forms.ValidationError("Cette personne a déjà ce rôle sur ce territoire.")
        return data


@admin.register(Membership)
class MembershipAdmin(TerritoryScopedAdmin):
    form = MembershipForm
    list_display = ["user", "role", "territory", "report_enabled", "created_at"]
    list_filter = ["role", "territory", "report_enabled"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user", "territory"]
    view_roles = MANAGERS
    add_roles = MANAGERS
    change_roles = MANAGERS
    delete_roles = MANAGERS

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            give_role(membership=obj, email=form.cleaned_data["email"])

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            f"Le rôle « {obj.get_role_display()} » sur le portail {obj.territory.place.of} est "
            "enregistré ; un "
            f"courriel prévient {obj.user.email}.",
        )
        return HttpResponseRedirect(reverse("admin:territories_membership_changelist"))

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not staff_scope(request).is_national:
            kwargs["choices"] = BLANK_CHOICE_DASH + [
                (value, label)
                for value, label in Membership.Role.choices
                if value != Membership.Role.NATIONAL_ADMIN
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Department)
class DepartmentAdmin(TerritoryScopedAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    add_roles = NATIONAL_ONLY
    change_roles = NATIONAL_ONLY
    delete_roles = NATIONAL_ONLY

    def scope_queryset(self, queryset, scope):
        return queryset.filter(pk__in=scope.departments())


@admin.register(Commune)
class CommuneAdmin(TerritoryScopedAdmin):
    list_display = ["name", "insee_code", "department", "postal_codes"]
    list_filter = ["department"]
    search_fields = ["name", "search_name", "insee_code", "postal_codes"]
    list_select_related = ["department"]
    show_full_result_count = False
    add_roles = NATIONAL_ONLY
    change_roles = NATIONAL_ONLY
    delete_roles = NATIONAL_ONLY

    def scope_queryset(self, queryset, scope):
        return queryset.filter(pk__in=scope.communes())


@admin.register(Quartier)
class QuartierAdmin(TerritoryScopedAdmin):
    """The mairie's list of quartiers, offered to volunteers when they give their commune."""

    list_display = ["name", "commune"]
    list_filter = ["commune"]
    search_fields = ["name", "commune__name"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune"]
    add_roles = change_roles = delete_roles = MANAGERS | {Membership.Role.COMMUNE_AGENT}

    def scope_queryset(self, queryset, scope):
        return queryset.filter(commune__in=scope.communes())

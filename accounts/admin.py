from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import connection

from heurecivique.changelists import LongListAdmin, MonthFilter

from .models import AccessRecord, TwoFactorAuthentication, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts are the national team's business; territory staff reach people through roles."""

    form = UserEditForm
    add_form = UserCreationForm
    list_display = ["email", "first_name", "last_name", "date_joined", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["email"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Accès", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]
    filter_horizontal = []


# allauth's own admin shows the secret of each authenticator app: replaced by the one below.
admin.site.unregister(Authenticator)


@admin.register(TwoFactorAuthentication)
class TwoFactorAuthenticationAdmin(admin.ModelAdmin):
    """Who protects their account with an authenticator app.

    Deleting one is how the national team helps a person who lost both their phone and their
    recovery codes (after checking who they are): their recovery codes go with it, and a staff
    member is asked to enrol again at their next visit to the admin.
    """

    list_display = ["user", "activated_on", "last_used_on"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    fields = ["user", "activated_on", "last_used_on"]
    readonly_fields = fields
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(type=Authenticator.Type.TOTP)

    @admin.display(description="activée le", ordering="created_at")
    def activated_on(self, obj):
        return obj.created_at

    @admin.display(description="dernière utilisation", ordering="last_used_at")
    def last_used_on(self, obj):
        return obj.last_used_at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        Authenticator.objects.filter(user_id=obj.user_id).delete()

    def delete_queryset(self, request, queryset):
        Authenticator.objects.filter(user__in=queryset.values("user")).delete()


@admin.register(AccessRecord)
class AccessRecordAdmin(LongListAdmin, admin.ModelAdmin):
    """For the national team: who reached volunteers' personal data, and how. Nobody edits or
    deletes a record; each is erased after a year."""

    list_display = ["at", "actor", "action", "description"]
    list_filter = [("at", MonthFilter), "action"]
    sortable_by = ["at"]  # the order of its index
    search_fields = ["actor__email", "description"]
    search_help_text = (
        "L'adresse d'un membre de l'équipe, ou le numéro d'un volontaire pour savoir qui a eu "
        "accès à ses données."
    )
    list_select_related = ["actor"]
    fields = ["at", "actor", "action", "description", "volunteers"]
    readonly_fields = fields

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().removeprefix("n°").strip()
        if term.isascii() and term.isdigit():
            # Who reached this volunteer's data (a JSON list: looked up where the database
            # can, else among the descriptions that name the volunteer).
            if connection.features.supports_json_field_contains:
                return queryset.filter(subjects__contains=[int(term)]), False
            return queryset.filter(description__endswith=f"n° {term}"), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="volontaires concernés")
    def volunteers(self, record):
        return ", ".join(f"n° {number}" for number in record.subjects) or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

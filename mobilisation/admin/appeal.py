from django.contrib import admin
from django.contrib.admin.options import ShowFacets
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html

from heurecivique.moderation import ModerationButtons, reject_with_reason
from heurecivique.text import count_of
from territories.admin import ALL_ROLES, MANAGERS, NATIONAL_ONLY, TerritoryScopedAdmin
from territories.models import Membership
from territories.scope import staff_scope

from .. import services
from ..models import Appeal, Signature

VERIFIERS = MANAGERS | {Membership.Role.COMMUNE_AGENT}


@admin.register(Signature)
class SignatureAdmin(ModerationButtons, TerritoryScopedAdmin):
    """The signatures of my territory: check each mandate, then publish or refuse with a reason.

    A commune's staff see its municipal mandates; a department's, every mandate of the
    department and of its communes."""

    feminine = True

    list_display = ["__str__", "place", "status", "created_at", "confirmed_at"]
    list_filter = ["status", "mandate", "department"]
    search_fields = ["last_name", "first_name", "email", "commune__name"]
    list_select_related = ["commune", "department"]
    show_facets = ShowFacets.ALWAYS
    actions = ["publish", "refuse"]
    fields = [
        "first_name",
        "last_name",
        "mandate",
        "feminine",
        "commune",
        "department",
        "email",
        "word",
        "status",
        "created_at",
        "confirmed_at",
        "verified_at",
        "verified_by",
        "refusal_reason",
        "badge",
    ]
    readonly_fields = fields
    view_roles = ALL_ROLES
    change_roles = VERIFIERS
    delete_roles = NATIONAL_ONLY

    def scope_queryset(self, queryset, scope):
        return queryset.filter(
            Q(commune__in=scope.communes())
            | Q(commune__isnull=True, department_id__in=scope.department_ids)
        )

    def has_add_permission(self, request):
        return False  # elected officials sign on the site, and confirm their address

    @admin.display(description="lieu du mandat")
    def place(self, signature):
        return signature.place

    @admin.display(description="badge de la commune")
    def badge(self, signature):
        if signature.status != Signature.Status.VERIFIED or not signature.commune_id:
            return "—"
        url = reverse("mobilisation:badge", args=[signature.commune.insee_code])
        return format_html('<a href="{}">Le badge et son code</a>', url)

    waiting_status = Signature.Status.PENDING
    published_message = (
        "La signature de {obj.first_name} {obj.last_name} est publiée ; son auteur est prévenu "
        "par courriel."
    )
    refused_message = (
        "La signature de {obj.first_name} {obj.last_name} est refusée ; son auteur reçoit le "
        "motif par courriel."
    )
    preview_template = "mobilisation/signature_preview.html"

    def publish_queryset(self, request, queryset) -> int:
        return services.verify(signatures=queryset, verifier=request.user)

    def refuse_one(self, request, signature, reason):
        services.refuse(signature=signature, verifier=request.user, reason=reason)

    def preview_context(self, request, signature):
        return {"signature": signature}

    @admin.action(description="Publier les signatures sélectionnées (mandat vérifié)")
    def publish(self, request, queryset):
        # Counted before publishing: once published, the rows leave a list filtered on
        # « Mandat à vérifier », and a count made afterwards would be off.
        chosen = queryset.count()
        count = self.publish_queryset(request, queryset)
        skipped = chosen - count
        if count or not skipped:
            self.message_user(
                request,
                count_of(
                    count,
                    "signature publiée ; son auteur est prévenu.",
                    "signatures publiées ; leurs auteurs sont prévenus.",
                ),
            )
        if skipped:
            self.message_user(
                request,
                count_of(skipped, "signature laissée de côté", "signatures laissées de côté")
                + " : seule une signature dont l'adresse est confirmée et qui attend la "
                "vérification peut être publiée.",
                level="warning",
            )

    @admin.action(description="Refuser les signatures sélectionnées, avec un motif")
    def refuse(self, request, queryset):
        waiting = list(queryset.filter(status=Signature.Status.PENDING))
        return reject_with_reason(
            self,
            request,
            waiting,
            lambda signature, reason: self.refuse_one(request, signature, reason),
            what=("signature", "signatures"),
        )


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    """The text of the Appel: national content, edited by the national team only."""

    fields = ["title", "lead", "body", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_module_permission(self, request):
        return staff_scope(request).is_national

    def has_view_permission(self, request, obj=None):
        return staff_scope(request).is_national

    def has_change_permission(self, request, obj=None):
        return staff_scope(request).is_national

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

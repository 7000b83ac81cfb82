import functools

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminToField
from django.contrib.admin.options import TO_FIELD_VAR
from django.db import transaction
from django.utils import timezone

from .celery import publish
from .models import OutgoingEmail
from .tasks import send_email
from .text import count_of

MAX_AT_ONCE = 500


def refusing_empty_to_field(admin_view):
    """The admin site's `admin_view`, refusing (400) a page asked with an empty « _to_field »,
    as the admin refuses any field it does not allow: Django's change and delete pages would
    look a field named "" up and fail."""

    @functools.wraps(admin_view)
    def wrap(view, cacheable=False):
        checked = admin_view(view, cacheable)

        @functools.wraps(checked)
        def inner(request, *args, **kwargs):
            if request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR)) == "":
                raise DisallowedModelAdminToField("An empty _to_field names no field.")
            return checked(request, *args, **kwargs)

        return inner

    return wrap


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """For the national team: the site's emails that wait (the task queue was down, a server
    said « later ») or failed. Sent ones are deleted; the follow-up has its own log."""

    list_display = ["created_at", "subject", "recipients", "status", "attempts", "detail"]
    list_filter = ["status"]
    actions = ["send_again"]
    fields = ["recipients", "subject", "status", "attempts", "detail", "created_at"]
    readonly_fields = fields
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="destinataires")
    def recipients(self, email):
        return ", ".join(email.to)

    @admin.action(description="Envoyer de nouveau les courriels choisis", permissions=["view"])
    def send_again(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True)[:MAX_AT_ONCE])
        OutgoingEmail.objects.filter(pk__in=ids).update(
            status=OutgoingEmail.Status.QUEUED, attempts=0, detail="", enqueued_at=timezone.now()
        )
        for pk in ids:
            transaction.on_commit(lambda pk=pk: publish(send_email, pk), robust=True)
        self.message_user(
            request, count_of(len(ids), "courriel remis", "courriels remis") + " en file d'envoi."
        )

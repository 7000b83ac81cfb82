from django.contrib import admin

from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """For the national team: the site's emails that wait (the task queue was down, a server
    said « later ») or failed. Sent ones are deleted; the follow-up has its own log."""

    list_display = ["created_at", "subject", "recipients", "status", "attempts", "detail"]
    list_filter = ["status"]
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

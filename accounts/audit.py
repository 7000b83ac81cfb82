"""The log of staff access to volunteers' personal data: who exported which volunteers, who
looked at whose contact details, who sent emails again. One call per access, from the admin."""

from .models import AccessRecord


def record_access(request, *, action: str, description: str, subjects) -> None:
    AccessRecord.objects.create(
        actor=request.user, action=action, description=description[:300], subjects=list(subjects)
    )

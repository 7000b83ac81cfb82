"""Actions shared by the apps: the moderation of what residents propose."""

from django.db import transaction
from django.utils import timezone

from .email import send_templated_mail


@transaction.atomic
def moderate(*, item, moderator, status: str, note: str = "") -> None:
    """Record a staff decision on a moderated object (heurecivique.models.moderated); its
    author is told by email of a publication or of a refusal, with its reason."""
    item.status = status
    item.moderated_by = moderator
    item.moderated_at = timezone.now()
    item.moderation_note = note
    changed = ["status", "moderated_by", "moderated_at", "moderation_note"]
    item.save(update_fields=changed + item.moderation_changes())
    told = {item.Status.PUBLISHED: "published", item.Status.REJECTED: "rejected"}.get(status)
    author = item.author
    if told and author and author.email:
        # gestes/email/geste_published, initiatives/email/initiative_rejected…
        opts = item._meta
        send_templated_mail(
            to=author.email,
            template=f"{opts.app_label}/email/{opts.model_name}_{told}",
            context={opts.model_name: item},
        )

"""The idea box: a resident proposes, the staff of the portal moderate, the author is told."""

from django.db import transaction
from django.utils import timezone

from heurecivique.email import send_templated_mail

from .models import Geste


@transaction.atomic
def propose_geste(*, author, territory, themes, **fields) -> Geste:
    """A resident's idea, waiting for the moderators of the portal it was proposed on."""
    geste = Geste(
        proposed_by=author,
        territory=None if territory.is_national else territory,
        status=Geste.Status.PROPOSED,
        **fields,
    )
    geste.full_clean(exclude=["slug", "themes"])
    geste.save()
    geste.themes.set(themes)
    return geste


def _moderate(geste: Geste, moderator, status: str, note: str = "") -> None:
    geste.status = status
    geste.moderated_by = moderator
    geste.moderated_at = timezone.now()
    geste.moderation_note = note
    geste.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_note"])


def publish_geste(*, geste: Geste, moderator) -> None:
    """Offer a geste on its portal; the author of a proposal is told by email."""
    _moderate(geste, moderator, Geste.Status.PUBLISHED)
    _tell_author(geste, "gestes/email/geste_published")


@transaction.atomic
def approve_gestes(*, gestes, moderator) -> int:
    """Publish the proposals among these gestes."""
    proposals = list(gestes.filter(status=Geste.Status.PROPOSED).select_related("proposed_by"))
    for geste in proposals:
        publish_geste(geste=geste, moderator=moderator)
    return len(proposals)


@transaction.atomic
def reject_geste(*, geste: Geste, moderator, reason: str) -> None:
    """Refuse a proposal with a reason, which is sent to its author."""
    _moderate(geste, moderator, Geste.Status.REJECTED, reason)
    _tell_author(geste, "gestes/email/geste_rejected")


@transaction.atomic
def promote_to_national(*, geste: Geste, moderator) -> None:
    """A territory's geste good enough for everyone: it becomes national."""
    geste.territory = None
    geste.save(update_fields=["territory"])
    if geste.status == Geste.Status.PROPOSED:
        publish_geste(geste=geste, moderator=moderator)


def set_hidden(*, geste: Geste, territory, hidden: bool) -> None:
    """A portal may hide a national geste it does not want to offer."""
    if hidden:
        geste.hidden_in.add(territory)
    else:
        geste.hidden_in.remove(territory)


def _tell_author(geste: Geste, template: str) -> None:
    if geste.proposed_by and geste.proposed_by.email:
        send_templated_mail(to=geste.proposed_by.email, template=template, context={"geste": geste})

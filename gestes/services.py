"""The idea box: a resident proposes, the staff of the portal moderate, the author is told."""

from django.db import transaction

from heurecivique.services import moderate

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


@transaction.atomic
def promote_to_national(*, geste: Geste, moderator) -> None:
    """A territory's geste good enough for everyone: it becomes national."""
    geste.territory = None
    geste.save(update_fields=["territory"])
    if geste.status == Geste.Status.PROPOSED:
        moderate(item=geste, moderator=moderator, status=Geste.Status.PUBLISHED)


def set_hidden(*, geste: Geste, territory, hidden: bool) -> None:
    """A portal may hide a national geste it does not want to offer."""
    if hidden:
        geste.hidden_in.add(territory)
    else:
        geste.hidden_in.remove(territory)

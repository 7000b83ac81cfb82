"""The links of the follow-up emails, which work without signing in.

A link carries a signed token bound to one person (and for the buttons, to one month): nobody
can make one for someone else, and a button link expires after ACTION_DAYS. Opening a link
(GET) only shows a page; acting takes a POST, so mail scanners that open links change nothing.
"""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.db import models
from django.urls import reverse

ACTION_DAYS = 45
UNSUBSCRIBE_DAYS = 400
_ACTION_SALT = "volunteers.links.action"
_UNSUBSCRIBE_SALT = "volunteers.links.unsubscribe"


class Action(models.TextChoices):
    DONE = "fait", "C'est fait !"
    SKIP = "pas-ce-mois", "Pas ce mois-ci"
    SUGGEST = "un-geste", "Proposez-moi un geste"


class BadLink(Exception):
    """A link that was forged, damaged or is too old; `message` says so in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ActionLink:
    user_id: int
    action: Action
    month: datetime.date


def action_path(user_id: int, action: Action, month: datetime.date) -> str:
    token = signing.dumps(
        {"u": user_id, "a": str(action), "m": f"{month:%Y-%m}"}, salt=_ACTION_SALT
    )
    return reverse("volunteers:email_action", args=[token])


def unsubscribe_path(user_id: int, kind: str) -> str:
    token = signing.dumps({"u": user_id, "k": kind}, salt=_UNSUBSCRIBE_SALT)
    return reverse("unsubscribe", args=[token])


def _load(token: str, salt: str, days: int) -> dict:
    try:
        data = signing.loads(token, salt=salt, max_age=datetime.timedelta(days=days))
    except signing.SignatureExpired:
        raise BadLink(
            f"Ce lien a expiré : les liens de nos courriels sont valables {days} jours. "
            "Connectez-vous pour retrouver votre espace."
        ) from None
    except signing.BadSignature:
        raise BadLink(
            "Ce lien n'est pas valide : il a peut-être été coupé en deux par votre messagerie. "
            "Copiez-le en entier dans la barre d'adresse, ou connectez-vous à votre espace."
        ) from None
    if not isinstance(data, dict):
        raise BadLink("Ce lien n'est pas valide.")
    return data


def read_action(token: str) -> ActionLink:
    data = _load(token, _ACTION_SALT, ACTION_DAYS)
    try:
        year, month = (int(part) for part in data["m"].split("-"))
        return ActionLink(int(data["u"]), Action(data["a"]), datetime.date(year, month, 1))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise BadLink("Ce lien n'est pas valide.") from None


def read_unsubscribe(token: str) -> tuple[int, str]:
    """(user id, kind of email) of a one-click unsubscribe link."""
    data = _load(token, _UNSUBSCRIBE_SALT, UNSUBSCRIBE_DAYS)
    try:
        return int(data["u"]), str(data["k"])
    except (KeyError, TypeError, ValueError):
        raise BadLink("Ce lien n'est pas valide.") from None

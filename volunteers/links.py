"""The links of the follow-up emails, which work without signing in.

A link carries a signed token bound to one person (and for the buttons, to one month): nobody
can make one for someone else, and a button link expires after ACTION_DAYS. Opening a link
(GET) only shows a page; acting takes a POST, so mail scanners that open links change nothing.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.urls import reverse

from heurecivique.links import BadLink, make_token, read_token

ACTION_DAYS = 45
UNSUBSCRIBE_DAYS = 400
# « Garder mon compte » in an inactivity warning: it must work until the anonymisation date,
# a month after the first warning, and a little beyond for a warning that went out late.
KEEP_DAYS = 60
_ACTION_SALT = "volunteers.links.action"
_UNSUBSCRIBE_SALT = "volunteers.links.unsubscribe"
_KEEP_SALT = "volunteers.links.keep"


class Action(models.TextChoices):
    DONE = "fait", "C'est fait !"
    SKIP = "pas-ce-mois", "Pas ce mois-ci"
    SUGGEST = "un-geste", "Proposez-moi un geste"


@dataclass(frozen=True)
class ActionLink:
    user_id: int
    action: Action
    month: datetime.date


def action_path(user_id: int, action: Action, month: datetime.date) -> str:
    token = make_token({"u": user_id, "a": str(action), "m": f"{month:%Y-%m}"}, _ACTION_SALT)
    return reverse("volunteers:email_action", args=[token])


def unsubscribe_path(user_id: int, kind: str) -> str:
    token = make_token({"u": user_id, "k": kind}, _UNSUBSCRIBE_SALT)
    return reverse("unsubscribe", args=[token])


def keep_path(user_id: int) -> str:
    token = make_token({"u": user_id}, _KEEP_SALT)
    return reverse("volunteers:keep_account", args=[token])


def read_action(token: str) -> ActionLink:
    data = read_token(token, _ACTION_SALT, ACTION_DAYS)
    try:
        year, month = (int(part) for part in data["m"].split("-"))
        return ActionLink(int(data["u"]), Action(data["a"]), datetime.date(year, month, 1))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise BadLink("Ce lien n'est pas valide.") from None


def read_unsubscribe(token: str) -> tuple[int, str]:
    """(user id, kind of email) of a one-click unsubscribe link."""
    data = read_token(token, _UNSUBSCRIBE_SALT, UNSUBSCRIBE_DAYS)
    try:
        return int(data["u"]), str(data["k"])
    except (KeyError, TypeError, ValueError):
        raise BadLink("Ce lien n'est pas valide.") from None


def read_keep(token: str) -> int:
    """The user id of a « Garder mon compte » link."""
    data = read_token(token, _KEEP_SALT, KEEP_DAYS)
    try:
        return int(data["u"])
    except (KeyError, TypeError, ValueError):
        raise BadLink("Ce lien n'est pas valide.") from None

"""The links of the follow-up emails, which work without signing in.

A link carries a signed token bound to one person (and for the buttons, to one month): nobody
can make one for someone else, and a button link expires after ACTION_DAYS. Opening a link
(GET) only shows a page; acting takes a POST, so mail scanners that open links change nothing.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.urls import reverse

from heurecivique.links import INVALID, BadLink, make_token, read_token

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
    data = read_token(token, _ACTION_SALT, ACTION_DAYS, {"u": int, "a": str, "m": str})
    try:
        month = datetime.date.fromisoformat(f"{data['m']}-01")
        return ActionLink(data["u"], Action(data["a"]), month)
    except ValueError:
        raise BadLink(INVALID) from None


def read_unsubscribe(token: str) -> tuple[int, str]:
    """(user id, kind of email) of a one-click unsubscribe link."""
    data = read_token(token, _UNSUBSCRIBE_SALT, UNSUBSCRIBE_DAYS, {"u": int, "k": str})
    return data["u"], data["k"]


def read_keep(token: str) -> int:
    """The user id of a « Garder mon compte » link."""
    return read_token(token, _KEEP_SALT, KEEP_DAYS, {"u": int})["u"]

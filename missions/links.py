"""The buttons of the missions' emails, which work without signing in: « Oui, je peux » / « Pas
cette fois » on an invitation, and the three answers of the day after.

A token carries one participation and the button pressed, signed (heurecivique/links.py): nobody
can answer for someone else, nor turn one button into another. Opening a link (GET) only shows
a page; its button (POST) acts, so mail scanners that open links change nothing.

A link serves as long as its mission leaves something to answer (answers.py says when that is
over); the signature's own age limit only bounds what an old email can still do.
"""

from django.urls import reverse

from heurecivique.links import INVALID, BadLink, make_token, read_token

# No mission is posted years ahead: a token older than this is refused whatever it carries.
MAX_DAYS = 730
_ANSWER_SALT = "missions.links.answer"
_OUTCOME_SALT = "missions.links.outcome"
YES, NO = "oui", "non"


def answer_path(participation_id: int, available: bool) -> str:
    token = make_token({"p": participation_id, "a": YES if available else NO}, _ANSWER_SALT)
    return reverse("missions:email_answer", args=[token])


def outcome_path(participation_id: int, outcome: str) -> str:
    token = make_token({"p": participation_id, "o": outcome}, _OUTCOME_SALT)
    return reverse("missions:email_outcome", args=[token])


def read_answer(token: str) -> tuple[int, bool]:
    """(participation id, whether the volunteer says yes) of an invitation's button."""
    data = read_token(token, _ANSWER_SALT, MAX_DAYS, {"p": int, "a": str})
    if data["a"] not in (YES, NO):
        raise BadLink(INVALID)
    return data["p"], data["a"] == YES


def read_outcome(token: str) -> tuple[int, str]:
    """(participation id, the answer given) of a button of the day after; the answer is one of
    services.Outcome.ALL when the link was made here (answers.py checks it)."""
    data = read_token(token, _OUTCOME_SALT, MAX_DAYS, {"p": int, "o": str})
    return data["p"], data["o"]

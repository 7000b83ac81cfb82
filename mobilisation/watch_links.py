"""The signed links of the watch's emails, which work without signing in (heurecivique/links.py):
a volunteer's answer to a pairing the mairie proposes, the three buttons of each person in the
morning email, and « Ne plus veiller ». Opening one (GET) only shows a page; its button (POST)
acts, so that mail scanners change nothing.

A call's link carries its pairing, its day and its answer: it serves that day only, and only
while the pairing and the watch last (watch_views.py checks them at each use)."""

import datetime

from django.urls import reverse

from heurecivique.links import INVALID, BadLink, make_token, read_token

from .models import WatchCall

# A proposal waits a few weeks at most for its answer; a call's link serves its own day.
PAIRING_DAYS = 60
CALL_DAYS = 2
STOP_DAYS = 365
_PAIRING_SALT = "mobilisation.watch.pairing"
_CALL_SALT = "mobilisation.watch.call"
_STOP_SALT = "mobilisation.watch.stop"
YES, NO = "oui", "non"


def pairing_path(pairing_id: int, accept: bool) -> str:
    token = make_token({"p": pairing_id, "a": YES if accept else NO}, _PAIRING_SALT)
    return reverse("mobilisation:watch_pairing", args=[token])


def call_path(pairing_id: int, day: datetime.date, outcome: str) -> str:
    token = make_token({"p": pairing_id, "d": day.isoformat(), "o": outcome}, _CALL_SALT)
    return reverse("mobilisation:watch_call", args=[token])


def stop_path(volunteer_id: int) -> str:
    return reverse("mobilisation:watch_stop", args=[make_token({"v": volunteer_id}, _STOP_SALT)])


def read_pairing(token: str) -> tuple[int, bool]:
    """(pairing id, whether the volunteer accepts)."""
    data = read_token(token, _PAIRING_SALT, PAIRING_DAYS, {"p": int, "a": str})
    if data["a"] not in (YES, NO):
        raise BadLink(INVALID)
    return data["p"], data["a"] == YES


def read_call(token: str) -> tuple[int, datetime.date, str]:
    """(pairing id, the day of the email, the answer: one of WatchCall.Outcome)."""
    data = read_token(token, _CALL_SALT, CALL_DAYS, {"p": int, "d": str, "o": str})
    try:
        day = datetime.date.fromisoformat(data["d"])
    except ValueError:
        raise BadLink(INVALID) from None
    if data["o"] not in WatchCall.Outcome.values:
        raise BadLink(INVALID)
    return data["p"], day, data["o"]


def read_stop(token: str) -> int:
    """The volunteer who no longer watches."""
    return read_token(token, _STOP_SALT, STOP_DAYS, {"v": int})["v"]

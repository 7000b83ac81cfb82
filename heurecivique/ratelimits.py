"""The rate limits of the portal's own forms, on allauth's limiter (its cache-backed history of
each client's submissions, rates in settings.ACCOUNT_RATE_LIMITS).

A form counts what it *sent* (record(), after the action), not what was tried: a resident who
makes five mistakes is not locked out. Before acting, a view asks wait_seconds(); when it is not
zero, the form is shown again with what was typed and the true waiting time (refuse()).
"""

import math
import time

from allauth.core import ratelimit
from allauth.core.internal.ratelimit import get_cache_key, get_rates
from django.core.cache import cache
from django.shortcuts import render

# allauth reads our rates under its own account settings (ACCOUNT_RATE_LIMITS).
APP = "allauth.account"


def wait_seconds(request, action: str, *, user=None) -> int:
    """How long before one more submission of `action` is accepted: 0 when it is now."""
    wait = 0.0
    now = time.time()
    for rate in get_rates(app=APP, action=action):
        key = get_cache_key(request, app=APP, action=action, rate=rate, user=user)
        # Newest first, as allauth keeps them; the ones older than the window no longer count.
        history = [at for at in cache.get(key, []) if at > now - rate.duration]
        if len(history) >= rate.amount:
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)


def record(request, action: str, *, user=None) -> None:
    """Count one submission of `action` that went through."""
    ratelimit.consume(request, action=action, user=user)


def in_words(seconds: int) -> str:
    """« dans 12 minutes », « dans 1 heure », « dans 1 heure et 5 minutes » (minutes rounded
    up: never sooner than true)."""
    minutes = max(1, math.ceil(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} heure{'s' if hours > 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes > 1 else ''}")
    return "dans " + " et ".join(parts)


def refuse(form, request, action: str, *, user=None) -> bool:
    """True, with a French error on the form (which keeps what was typed), when this valid
    submission is one too many; False when it may go ahead."""
    seconds = wait_seconds(request, action, user=user)
    if not seconds:
        return False
    form.add_error(
        None,
        "Vous avez fait beaucoup d'envois en peu de temps : pour protéger le site, celui-ci "
        f"n'est pas encore accepté. Vous pourrez l'envoyer {in_words(seconds)}, sans rien "
        "retaper : ce que vous avez saisi est resté dans le formulaire.",
    )
    return True


def too_many(request, action: str, *, user=None):
    """The 429 page of an action counted before it is tried, with the true waiting time."""
    seconds = wait_seconds(request, action, user=user)
    return render(request, "429.html", {"wait": in_words(seconds) if seconds else ""}, status=429)

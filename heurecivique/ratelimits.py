"""The rate limits of the portal's own forms, on allauth's limiter (its cache-backed history of
each client's submissions, rates in settings.ACCOUNT_RATE_LIMITS).

A form counts what it *sent* (limit.record(), after the action), not what was tried: a resident
who makes five mistakes is not locked out. Before acting, the view asks limit.refuses(form); when
it is one too many, the form is shown again with what was typed and the true waiting time, and
the page answers 429. Views get their `limit` from the rate_limited decorator, which also serves
the actions counted before they are tried (every_attempt).
"""

import math
import time
from functools import wraps

from allauth.core import ratelimit
from allauth.core.internal.ratelimit import get_cache_key, get_rates
from django.core.cache import cache
from django.shortcuts import render

# allauth reads our rates under its own account settings (ACCOUNT_RATE_LIMITS).
APP = "allauth.account"


def wait_seconds(request, action: str) -> int:
    """How long before one more submission of `action` is accepted: 0 when it is now."""
    wait = 0.0
    now = time.time()
    for rate in get_rates(app=APP, action=action):
        key = get_cache_key(request, app=APP, action=action, rate=rate)
        # Newest first, as allauth keeps them; the ones older than the window no longer count.
        history = [at for at in cache.get(key, []) if at > now - rate.duration]
        if len(history) >= rate.amount:
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)


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


class Limit:
    """The limit of one action for one request: asked before acting, told after."""

    def __init__(self, request, action: str):
        self.request, self.action = request, action
        self.refused = False

    def refuses(self, form) -> bool:
        """True, with a French error on the form (which keeps what was typed), when this valid
        submission is one too many; False when it may go ahead."""
        seconds = wait_seconds(self.request, self.action)
        if seconds:
            self.refused = True
            form.add_error(
                None,
                "Vous avez fait beaucoup d'envois en peu de temps : pour protéger le site, "
                f"celui-ci n'est pas encore accepté. Vous pourrez l'envoyer {in_words(seconds)}, "
                "sans rien retaper : ce que vous avez saisi est resté dans le formulaire.",
            )
        return self.refused

    def record(self) -> None:
        """Count this submission: it went through."""
        ratelimit.consume(self.request, action=self.action)


def too_many(request, action: str):
    """The 429 page of an action counted before it is tried, with the true waiting time."""
    seconds = wait_seconds(request, action)
    return render(request, "429.html", {"wait": in_words(seconds) if seconds else ""}, status=429)


def rate_limited(action: str, *, every_attempt: bool = False):
    """Limit a view's submissions of `action`, per account or per client address as its rate
    says (allauth counts a per-user rate on the signed-in user). The view receives `limit` (see
    Limit) and renders its form as usual: when it refused the submission, the page answers 429.
    With every_attempt, each request is counted before the view runs, and one too many gets the
    429 page instead."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if every_attempt:
                if not ratelimit.consume(request, action=action):
                    return too_many(request, action)
                return view(request, *args, **kwargs)
            limit = Limit(request, action)
            response = view(request, *args, limit=limit, **kwargs)
            if limit.refused:
                response.status_code = 429
            return response

        return wrapper

    return decorator

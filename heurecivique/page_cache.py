"""Whole public pages kept a few minutes for visitors who are not signed in.

A page of the showcase (home, gestes, initiatives, the Appel, the toolbox, missions…) reads the
same for every anonymous visitor of a portal, and most of the traffic of a national programme is
such visitors. A view marked `public_page` (in its app's urls.py) has its response kept in the
cache by PublicPageMiddleware, keyed by its full address (host, so the portal, path and query)
with the content's generation: saving or deleting any model of `PUBLIC_CONTENT` starts a new
generation, so a page never shows what staff have just changed or removed. What depends on the
clock alone (the counters, this week's missions, the month's theme) is at most
PUBLIC_PAGE_SECONDS old (settings; 0 turns the cache off), as the counters already were.

Never kept or served from the cache:
- a request that carries a session or messages cookie (a signed-in person, a flash message);
- a response that is not a plain 200, that sets a cookie, or whose page used the CSRF token
  (the token belongs to one visitor).
When the cache does not answer, the cache module falls back to memory (heurecivique/cache.py):
pages are then neither kept nor served, but computed from the database. A page kept in one
process's memory would miss what another process changed meanwhile (the banner of a crisis that
an agent has just switched on or off, an initiative just unpublished): the new generation goes
to the memory of the process that saved the change alone.
"""

import hashlib
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import Resolver404, resolve
from django.utils import timezone

GENERATION_KEY = "pages:generation"

# What public pages show: a change to one of these rows starts a new generation of pages.
PUBLIC_CONTENT = [
    "gestes.Theme",
    "gestes.Geste",
    "gestes.MonthTheme",
    "initiatives.Initiative",
    "initiatives.Photo",
    "initiatives.GoodPractice",
    "outils.Kit",
    "outils.Resource",
    "mobilisation.Appeal",
    "mobilisation.Signature",
    "mobilisation.Crisis",
    "missions.Association",
    "missions.Mission",
    "missions.Participation",
    "territories.Department",
    "territories.Commune",
    "territories.Territory",
    "territories.PortalHost",
    "territories.Quartier",
    "volunteers.Skill",
]


def new_generation(**kwargs) -> None:
    """Forget every kept page (a receiver of the PUBLIC_CONTENT models' signals)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def connect_signals() -> None:
    for label in PUBLIC_CONTENT:
        model = apps.get_model(label)
        post_save.connect(new_generation, sender=model, dispatch_uid=f"page_cache:{label}")
        post_delete.connect(new_generation, sender=model, dispatch_uid=f"page_cache:{label}:d")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                new_generation, sender=field.remote_field.through, dispatch_uid=f"pc:{field}"
            )


def public_page(view):
    """Mark a view whose page PublicPageMiddleware keeps for visitors not signed in."""
    view.public_page = True
    return view


class PublicPageMiddleware:
    """Serves and keeps the pages of the views marked `public_page` (see the module's
    docstring). It sits just before the portal's middleware: a kept page needs neither the
    portal nor the view, only one round trip to the cache, which reads the page and the content's
    generation together."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _wanted(request):
            return self.get_response(request)
        key = _key(request)
        found = cache.get_many([GENERATION_KEY, key])
        if _cache_is_local():
            return self.get_response(request)
        generation = found.get(GENERATION_KEY)
        if generation is None:
            generation = uuid.uuid4().hex
            if not cache.add(GENERATION_KEY, generation, None):
                generation = cache.get(GENERATION_KEY, generation)
        elif key in found and found[key][0] == generation:
            return found[key][1]
        response = self.get_response(request)
        if _keepable(request, response):
            cache.set(key, (generation, response), settings.PUBLIC_PAGE_SECONDS)
        return response


def _wanted(request) -> bool:
    cookies = request.COOKIES
    if not (
        settings.PUBLIC_PAGE_SECONDS
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
    ):
        return False
    try:
        return getattr(resolve(request.path_info).func, "public_page", False)
    except Resolver404:
        return False


def _cache_is_local() -> bool:
    """Whether the cache answers from this process's memory, Redis being away."""
    paused = getattr(caches["default"], "redis_is_paused", None)
    return bool(paused and paused())


def _key(request) -> str:
    # The day is part of the key: what changes at midnight (a crisis' banner goes on the day
    # after its end date, before beat ends it) never shows from a page kept the day before.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"pages:{timezone.localdate()}:{hashlib.sha256(address.encode()).hexdigest()}"


def _keepable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )

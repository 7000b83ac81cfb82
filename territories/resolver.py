"""Which portal a request is for, from its host name.

Every request needs it, so each web process keeps the map of hosts in its own memory, as long as
the version in the cache (a short key) is the one it built it for and for at most LOCAL_SECONDS:
a change to a portal gives a new version, which every process sees at its next request.
"""

import time
import uuid

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F
from django.http.request import split_domain_port

from .models import Territory

CACHE_KEY = "territories:by-host"
VERSION_KEY = "territories:by-host:version"
CACHE_SECONDS = 300
LOCAL_SECONDS = 60
FALLBACK = "*"
NO_NATIONAL_PORTAL = (
    "No active national portal: run `manage.py migrate` (its data migration creates it) "
    "and keep it online in the administration."
)


# This process's copy: (version, built at, map).
_local: tuple[str | None, float, dict] = (None, 0.0, {})


def _host_map() -> dict[str, Territory]:
    global _local
    version = cache.get(VERSION_KEY)
    local_version, built_at, local_hosts = _local
    if version is not None and version == local_version:
        if time.monotonic() - built_at < LOCAL_SECONDS:
            return local_hosts
    if version is None:
        version = uuid.uuid4().hex
        cache.set(VERSION_KEY, version, None)
    hosts = _shared_host_map()
    _local = (version, time.monotonic(), hosts)
    return hosts


def _shared_host_map() -> dict[str, Territory]:
    hosts = cache.get(CACHE_KEY)
    if hosts is None:
        hosts, own = {}, {}
        # One row per portal and custom domain (one query, a left join).
        rows = (
            Territory.objects.active()
            .select_related("department", "commune")
            .annotate(custom_host=F("custom_hosts__name"))
        )
        for row in rows:
            territory = own.setdefault(row.pk, row)
            if row.custom_host:
                hosts[row.custom_host] = territory
        # A portal's own address always wins (custom domains cannot take one anyway).
        for territory in own.values():
            for host in territory.own_hosts:
                hosts[host] = territory
            if territory.is_national:
                hosts[FALLBACK] = territory
        cache.set(CACHE_KEY, hosts, CACHE_SECONDS)
    return hosts


def forget_hosts() -> None:
    """Called whenever a territory changes, so its new name and colours show at once."""
    cache.delete(CACHE_KEY)
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def territory_for_host(host: str) -> Territory:
    """The portal for a host name; an unknown host gets the national portal."""
    domain, _port = split_domain_port(host)
    hosts = _host_map()
    territory = hosts.get(domain) or hosts.get(FALLBACK)
    if territory is None:
        # As django.contrib.sites does without its Site: no page can be served without the
        # portal it belongs to, so say at once what is missing rather than invent one.
        raise ImproperlyConfigured(NO_NATIONAL_PORTAL)
    return territory

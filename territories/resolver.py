"""Which portal a request is for, from its host name."""

from django.core.cache import cache
from django.http.request import split_domain_port

from .models import PortalHost, Territory

CACHE_KEY = "territories:by-host"
CACHE_SECONDS = 300
FALLBACK = "*"


def _host_map() -> dict[str, Territory]:
    hosts = cache.get(CACHE_KEY)
    if hosts is None:
        hosts = {}
        active = Territory.objects.active().select_related("department", "commune")
        for custom in PortalHost.objects.filter(territory__is_active=True).select_related(
            "territory__department", "territory__commune"
        ):
            hosts[custom.name] = custom.territory
        # A portal's own address always wins (custom domains cannot take one anyway).
        for territory in active:
            for host in territory.own_hosts:
                hosts[host] = territory
            if territory.is_national:
                hosts[FALLBACK] = territory
        cache.set(CACHE_KEY, hosts, CACHE_SECONDS)
    return hosts


def forget_hosts() -> None:
    """Called whenever a territory changes, so its new name and colours show at once."""
    cache.delete(CACHE_KEY)


def territory_for_host(host: str) -> Territory:
    """The portal for a host name; an unknown host gets the national portal."""
    domain, _port = split_domain_port(host)
    hosts = _host_map()
    territory = hosts.get(domain) or hosts.get(FALLBACK)
    # Before the first migration there is no national row yet: show an unsaved default.
    return territory or Territory(kind=Territory.Kind.NATIONAL, slug="national", name="France")

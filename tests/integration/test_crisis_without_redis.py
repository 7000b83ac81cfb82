"""Crisis mode with Redis away: the banner never waits on the cache. While Redis does not answer,
no process keeps pages in its own memory, so that the banner shows the moment an agent (in
another process) switches a crisis on, and goes the moment it is switched off."""

import datetime

from django.utils import timezone

from mobilisation import crises
from territories.models import Territory

from ..servers import Browser
from .test_redis_faults import pytestmark, redis_server, site  # noqa: F401

BANNER = 'class="crisis-banner"'


def test_with_redis_killed_the_banner_shows_and_goes_at_once(site, redis_server):  # noqa: F811
    redis_server.kill()
    visitor = Browser(site.url)
    for _visit in range(2):  # what a process would keep for the next visitors
        status, page, _seconds = visitor.get("/")
        assert status == 200 and BANNER not in page
    crisis = crises.start(
        territory=Territory.objects.get(kind=Territory.Kind.NATIONAL),
        kind="epidemie",
        message="Épidémie de grippe : prenez des nouvelles des personnes seules.",
        ends_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    for path in ("/", "/gestes/", "/outils/"):
        status, page, _seconds = visitor.get(path)
        assert status == 200 and BANNER in page, path
    crises.end(crisis)
    for path in ("/", "/gestes/", "/outils/"):
        status, page, _seconds = visitor.get(path)
        assert status == 200 and BANNER not in page, path

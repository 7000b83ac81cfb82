"""/sante/: for the load balancer, whether this web process can reach the database and the
cache, each on its own line. Answered before any other middleware: no host check, no HTTPS
redirect, no portal lookup (which would need the database it is checking)."""

import json

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse

PATH = "/sante/"


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        connection.close_if_unusable_or_obsolete()
        return False


def cache_state() -> str:
    if not settings.REDIS_URL:
        return "mémoire locale"
    return "ok" if cache.ping() else "en panne"


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != PATH:
            return self.get_response(request)
        database = database_answers()
        report = {"base_de_donnees": "ok" if database else "en panne", "cache": cache_state()}
        # Without its database the site cannot serve pages; without Redis it can (slower).
        response = HttpResponse(
            json.dumps(report, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
            status=200 if database else 503,
        )
        response["Cache-Control"] = "no-store"
        return response

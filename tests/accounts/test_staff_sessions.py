"""Staff sessions end after a spell without a request; residents' sessions do not."""

import html
import time

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.middleware import LAST_SEEN_SESSION_KEY
from accounts.models import Session


def _last_seen(client, seconds_ago: int) -> None:
    """Pretend the last request of this session was that long ago."""
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = int(time.time()) - seconds_ago
    session.save()


def _session_writes(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(
        query["sql"].startswith(("UPDATE", "INSERT"))
        and f'"{Session._meta.db_table}"' in query["sql"]
        for query in queries
    )


def test_a_staff_session_ends_after_half_an_hour_without_a_request(client, loiret_agent):
    assert settings.STAFF_SESSION_IDLE_MINUTES == 30
    client.force_login(loiret_agent)
    assert client.get(reverse("admin:index")).status_code == 200

    _last_seen(client, 29 * 60)
    assert client.get(reverse("admin:index")).status_code == 200

    _last_seen(client, 31 * 60)
    response = client.get(reverse("admin:territories_membership_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session
    page = html.unescape(client.get(response.url, follow=True).content.decode())
    assert "votre session a été fermée après 30 minutes sans activité" in page


def test_the_idle_limit_is_a_setting(client, loiret_agent, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 5
    client.force_login(loiret_agent)
    client.get(reverse("admin:index"))
    _last_seen(client, 6 * 60)
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_staff_session_is_written_at_most_once_a_minute(client, loiret_agent):
    client.force_login(loiret_agent)
    admin_index = reverse("admin:index")
    assert _session_writes(client, admin_index) == 1  # the first request starts the clock
    assert client.session.get_expiry_age() == 30 * 60
    assert _session_writes(client, admin_index) == 0
    _last_seen(client, 30)
    assert _session_writes(client, admin_index) == 0
    _last_seen(client, 61)
    assert _session_writes(client, admin_index) == 1
    assert int(time.time()) - client.session[LAST_SEEN_SESSION_KEY] <= 1
    # The database forgets the session at the same time.
    stored = Session.objects.get(session_key=client.session.session_key)
    assert 29 * 60 < (stored.expire_date.timestamp() - time.time()) <= 30 * 60


def test_a_residents_session_keeps_its_normal_lifetime(client, resident):
    client.force_login(resident)
    dashboard = reverse("volunteers:join")
    assert _session_writes(client, dashboard) == 0
    assert LAST_SEEN_SESSION_KEY not in client.session
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    # Even a stale last-seen time (say, from a role since removed) never signs a resident out.
    _last_seen(client, 3 * 60 * 60)
    assert client.get(dashboard).status_code == 200
    assert int(client.session["_auth_user_id"]) == resident.pk

import datetime

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from volunteers.stats import counters_for

from ..factories import CivicHourFactory, CommuneFactory, VolunteerFactory


def test_counters_for_the_nation_a_department_and_a_commune(
    orleans, loiret, gironde, orleans_commune, bordeaux_commune, national
):
    saint_jean = CommuneFactory(insee_code="45284", department=orleans_commune.department)
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=3)
    for commune, minutes_now, minutes_before in [
        (orleans_commune, 60, 120),
        (saint_jean, 90, 0),
        (bordeaux_commune, 60, 60),
    ]:
        volunteer = VolunteerFactory(commune=commune)
        CivicHourFactory(volunteer=volunteer, minutes=minutes_now)
        if minutes_before:
            CivicHourFactory(volunteer=volunteer, minutes=minutes_before, done_on=last_month)
    VolunteerFactory(commune=orleans_commune)  # pledged, no hour yet
    # Hours are counted whole: 390 minutes in all make 6 hours.

    assert counters_for(national).__dict__ == {
        "volunteers": 4, "communes": 3, "hours_this_month": 3, "hours_total": 6,
    }  # fmt: skip
    assert counters_for(loiret).__dict__ == {
        "volunteers": 3, "communes": 2, "hours_this_month": 2, "hours_total": 4,
    }  # fmt: skip
    assert counters_for(orleans).__dict__ == {
        "volunteers": 2, "communes": 1, "hours_this_month": 1, "hours_total": 3,
    }  # fmt: skip
    assert counters_for(gironde).volunteers == 1


def test_the_home_page_shows_its_portals_counters(client, loiret, orleans_commune):
    CivicHourFactory(volunteer=VolunteerFactory(commune=orleans_commune), minutes=120)
    page = client.get("/", HTTP_HOST="loiret.localhost").content.decode()
    assert "<dt>volontaire engagé</dt><dd>1</dd>" in page
    assert "<dt>heures données en tout</dt><dd>2</dd>" in page


def test_counters_are_cached_a_few_minutes(loiret, orleans_commune, django_assert_num_queries):
    counters_for(loiret)
    with django_assert_num_queries(0):
        counters_for(loiret)


def _hours(volunteer, count):
    start = volunteer.pledges.get().started_on
    for n in range(count):
        CivicHourFactory(volunteer=volunteer, done_on=start + datetime.timedelta(days=n % 360))


def test_dashboard_and_home_cost_the_same_with_ten_or_two_hundred_hours(
    volunteer_client, orleans_volunteer, django_assert_max_num_queries
):
    def queries(path):
        cache.clear()
        with django_assert_max_num_queries(100) as captured:
            assert volunteer_client.get(path, HTTP_HOST="loiret.localhost").status_code == 200
        return len(captured)

    _hours(orleans_volunteer, 10)
    few = {path: queries(path) for path in ("/", reverse("volunteers:dashboard"))}
    _hours(orleans_volunteer, 190)
    for _other in range(20):
        _hours(VolunteerFactory(commune=orleans_volunteer.commune), 5)
    many = {path: queries(path) for path in ("/", reverse("volunteers:dashboard"))}
    assert few == many
    assert many[reverse("volunteers:dashboard")] <= 10

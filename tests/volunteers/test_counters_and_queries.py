import datetime
import re
from html import unescape

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from territories.models import Territory
from volunteers.models import PledgePause, PortalFigures
from volunteers.services import anonymise_volunteer
from volunteers.stats import STALE_AFTER, counters_for, refresh

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
    expected = {t: counters_for(t) for t in (national, loiret, orleans, gironde)}
    # The task that counts every portal at once finds the same, and pages then read its rows.
    PortalFigures.objects.all().delete()
    assert refresh() == Territory.objects.count()
    assert {t: counters_for(t) for t in expected} == expected


def test_pages_read_the_kept_figures_and_count_again_once_they_are_stale(
    loiret, orleans_commune, django_assert_num_queries
):
    volunteer = VolunteerFactory(commune=orleans_commune)
    CivicHourFactory(volunteer=volunteer, minutes=120)
    assert counters_for(loiret).hours_total == 2
    CivicHourFactory(volunteer=volunteer, minutes=60)
    with django_assert_num_queries(1):
        assert counters_for(loiret).hours_total == 2  # kept: the task counts every 5 minutes
    refresh()
    assert counters_for(loiret).hours_total == 3
    CivicHourFactory(volunteer=volunteer, minutes=60)
    PortalFigures.objects.update(computed_at=timezone.now() - STALE_AFTER)
    assert counters_for(loiret).hours_total == 4  # the task stopped: the page counts


def _counter(page: str, label: str) -> str:
    return re.search(rf"<dt>{label}</dt><dd>([^<]*)</dd>", page)[1]


def test_each_counter_matches_a_hand_count_of_a_known_population(
    loiret, orleans_commune, bordeaux_commune, django_assert_max_num_queries, portal_client
):
    """Active, paused, stopped, deleted and pledge-less volunteers; hours this month and
    before. Counted by hand below, as the words under the counters define them."""
    department = orleans_commune.department
    communes = [CommuneFactory(insee_code=f"4530{n}", department=department) for n in range(4)]
    today = timezone.localdate()
    last_month = today.replace(day=1) - datetime.timedelta(days=3)
    active = VolunteerFactory(commune=orleans_commune)
    CivicHourFactory(volunteer=active, minutes=60)
    CivicHourFactory(volunteer=active, minutes=120, done_on=last_month)
    VolunteerFactory(commune=communes[0])  # active, no hour yet
    paused = VolunteerFactory(commune=communes[1])
    CivicHourFactory(volunteer=paused, minutes=90)
    PledgePause.objects.create(pledge=paused.pledges.get(), started_on=today)
    stopped = VolunteerFactory(commune=communes[2])
    CivicHourFactory(volunteer=stopped, minutes=60, done_on=last_month)
    stopped.pledges.update(ended_on=today)
    deleted = VolunteerFactory(commune=communes[3])
    CivicHourFactory(volunteer=deleted, minutes=60)
    deleted.user.delete()  # an account deleted without its pledge stopped (from the admin)
    VolunteerFactory(commune=orleans_commune, pledge=False)  # an account, never pledged
    CivicHourFactory(volunteer=VolunteerFactory(commune=bordeaux_commune), minutes=180)
    cache.clear()

    with django_assert_max_num_queries(30):
        page = portal_client("loiret").get("/").content.decode()
    # Engaged: the active two. Communes: theirs. This month: 60 + 90 + 60 minutes, whole hours.
    # In all: 60 + 120 + 90 + 60 + 60 minutes (the deleted account's hour is still an hour given).
    assert _counter(page, "volontaires engagés") == "2"
    assert _counter(page, "communes avec des volontaires") == "2"
    assert _counter(page, "heures données ce mois-ci") == "3"
    assert _counter(page, "heures données en tout") == "6"
    text = " ".join(unescape(page).split())
    assert "Volontaires engagés : les personnes dont l'engagement est en cours" in text
    assert "un compte supprimé n'y est plus compté" in text
    assert "mis à jour toutes les 5 minutes" in text


def test_a_deleted_account_leaves_the_count_of_volunteers(
    loiret, orleans_commune, resident, portal_client
):
    volunteer = VolunteerFactory(commune=orleans_commune, user=resident)
    VolunteerFactory(commune=orleans_commune)
    assert counters_for(loiret).volunteers == 2
    anonymise_volunteer(volunteer=volunteer)
    refresh()  # what the task does every 5 minutes
    page = portal_client("loiret").get("/").content.decode()
    assert _counter(page, "volontaire engagé") == "1"


def test_a_portal_without_kept_figures_counts_its_own_in_a_few_queries(
    loiret, orleans_commune, django_assert_num_queries
):
    VolunteerFactory(commune=orleans_commune)
    # Looking for the kept row, four counts, keeping them.
    with django_assert_num_queries(6):
        assert counters_for(loiret).volunteers == 1


def test_the_home_page_shows_its_portals_counters(loiret, orleans_commune, portal_client):
    CivicHourFactory(volunteer=VolunteerFactory(commune=orleans_commune), minutes=120)
    page = portal_client("loiret").get("/").content.decode()
    assert "<dt>volontaire engagé</dt><dd>1</dd>" in page
    assert "<dt>heures données en tout</dt><dd>2</dd>" in page


def _hours(volunteer, count):
    start = volunteer.pledges.get().started_on
    for n in range(count):
        CivicHourFactory(volunteer=volunteer, done_on=start + datetime.timedelta(days=n % 360))


def test_dashboard_and_home_cost_the_same_with_ten_or_two_hundred_hours(
    volunteer_client, orleans_volunteer, django_assert_max_num_queries, portal_client
):
    def queries(path):
        cache.clear()
        refresh()
        with django_assert_max_num_queries(100) as captured:
            assert portal_client("loiret", volunteer_client).get(path).status_code == 200
        return len(captured)

    _hours(orleans_volunteer, 10)
    few = {path: queries(path) for path in ("/", reverse("volunteers:dashboard"))}
    _hours(orleans_volunteer, 190)
    for _other in range(20):
        _hours(VolunteerFactory(commune=orleans_volunteer.commune), 5)
    many = {path: queries(path) for path in ("/", reverse("volunteers:dashboard"))}
    assert few == many
    assert many[reverse("volunteers:dashboard")] <= 11  # with the crises the portal tells of

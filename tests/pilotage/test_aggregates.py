"""The cockpit's aggregates and figures against a population counted by hand: volunteers
active, paused for a month, stopped, deleted, without a pledge; hours this month, last month and a
year ago; missions done and open."""

import pytest
from django.utils import timezone

from heurecivique.months import add_months, first_of_month
from missions.models import Mission
from mobilisation.models import Signature
from pilotage import aggregates
from pilotage.figures import Area, key_figures, last_months, top_gestes
from pilotage.models import MonthFigures
from volunteers.models import PledgePause, start_of_day
from volunteers.services import anonymise_volunteer

from ..factories import (
    CivicHourFactory,
    CommuneFactory,
    GesteFactory,
    MissionFactory,
    SignatureFactory,
    VolunteerFactory,
)


@pytest.fixture
def population(orleans_commune, bordeaux_commune):
    today = timezone.localdate()
    month = first_of_month(today)
    last_month = add_months(month, -1)
    year_ago = add_months(month, -12)
    two_years = add_months(month, -24)
    saint_jean = CommuneFactory(insee_code="45284", department=orleans_commune.department)
    geste, other_geste = GesteFactory(), GesteFactory()
    joined_long_ago = {"pledge": two_years, "created_at": start_of_day(two_years)}

    # Orléans: Anne logs this month twice (90 + 30 min) and last month once.
    anne = VolunteerFactory(commune=orleans_commune, **joined_long_ago)
    CivicHourFactory(volunteer=anne, done_on=month, minutes=90, geste=geste)
    CivicHourFactory(volunteer=anne, done_on=today, minutes=30, geste=geste)
    CivicHourFactory(volunteer=anne, done_on=last_month, minutes=60, geste=other_geste)
    # Bruno paused last month and is still paused: not engaged, but logged last month before it.
    bruno = VolunteerFactory(commune=orleans_commune, **joined_long_ago)
    PledgePause.objects.create(pledge=bruno.pledges.get(), started_on=last_month)
    CivicHourFactory(volunteer=bruno, done_on=year_ago, minutes=60, geste=geste)
    # Chloé stopped her pledge last month: engaged a year ago, not now; her hour stays.
    chloe = VolunteerFactory(commune=orleans_commune, **joined_long_ago)
    chloe.pledges.update(ended_on=last_month)
    CivicHourFactory(volunteer=chloe, done_on=year_ago, minutes=120)
    # Saint-Jean: Denis deleted his account this month after logging an hour: the hour stays,
    # he is not engaged any more, but he was last month.
    denis = VolunteerFactory(commune=saint_jean, **joined_long_ago)
    CivicHourFactory(volunteer=denis, done_on=month, minutes=60)
    anonymise_volunteer(volunteer=denis)
    # Saint-Jean: Emma joined this month, no hour yet.
    VolunteerFactory(commune=saint_jean, pledge=month)
    # Bordeaux: Fanny, engaged and active this month.
    fanny = VolunteerFactory(commune=bordeaux_commune, **joined_long_ago)
    CivicHourFactory(volunteer=fanny, done_on=month, minutes=60, geste=other_geste)

    MissionFactory(commune=orleans_commune, status=Mission.Status.DONE, done_at=timezone.now())
    MissionFactory(commune=orleans_commune, status=Mission.Status.OPEN)
    SignatureFactory(commune=orleans_commune, status=Signature.Status.VERIFIED)
    SignatureFactory(commune=orleans_commune, status=Signature.Status.PENDING)
    return {"month": month, "last_month": last_month, "year_ago": year_ago,
            "geste": geste, "other_geste": other_geste}  # fmt: skip


def test_figures_match_a_hand_count(population, national, loiret, orleans, django_db_blocker):
    assert aggregates.count_all() > 0
    month, last_month = population["month"], population["last_month"]

    nation = key_figures(Area.of_portal(national))
    # Engaged now: Anne, Emma, Fanny (Bruno paused, Chloé stopped, Denis deleted).
    assert nation.engaged == 3
    # Active this month: Anne, Denis (deleted since: he did log it), Fanny.
    assert nation.active == 3
    # Engaged and active: Anne and Fanny among the 3 engaged.
    assert nation.active_share == pytest.approx(2 / 3)
    # Minutes this month: 90 + 30 + 60 + 60 = 240 → 4 h; last month 60 → 1 h; a year ago 180 → 3 h.
    assert (nation.this_month.hours, nation.last_month.hours, nation.year_ago.hours) == (4, 1, 3)
    assert nation.missions["realisee"] == 1 and nation.missions["ouverte"] == 1
    assert nation.signatures == 1

    department = key_figures(Area.of_portal(loiret))
    assert (department.engaged, department.active, department.this_month.hours) == (2, 2, 3)
    commune = key_figures(Area.of_portal(orleans))
    assert (commune.engaged, commune.active, commune.this_month.hours) == (1, 1, 2)
    # Last month in Orléans: Anne engaged, Bruno paused from its 1st, Chloé stopped on its 1st.
    orleans_months = {m.month: m for m in last_months(Area.of_portal(orleans), 3)}
    assert orleans_months[last_month].engaged == 1
    assert orleans_months[last_month].hours == 1
    # Last month in the Loiret, Denis was still engaged (deleted this month).
    loiret_months = {m.month: m for m in last_months(Area.of_portal(loiret), 3)}
    assert loiret_months[last_month].engaged == 2
    assert loiret_months[month].new_volunteers == 1  # Emma

    # Most-done gestes over the year: the geste 3 times (2 this month, 1 a year ago), the other
    # twice (Orléans last month, Bordeaux this month).
    first = population["year_ago"]
    geste, other = population["geste"].pk, population["other_geste"].pk
    assert top_gestes(Area.of_portal(national), first, month) == [(geste, 3), (other, 2)]
    assert top_gestes(Area.of_portal(loiret), first, month) == [(geste, 3), (other, 1)]
    assert top_gestes(Area.of_portal(orleans), first, month) == [(geste, 3), (other, 1)]


def test_counting_a_month_again_replaces_its_rows(population, orleans_commune):
    month = population["month"]
    first = aggregates.count_month(month)
    assert aggregates.count_month(month) == first
    assert MonthFigures.objects.filter(month=month, commune=orleans_commune).count() == 1
    CivicHourFactory(volunteer__commune=orleans_commune, minutes=60)
    aggregates.count_recent()
    row = MonthFigures.objects.get(month=month, commune=orleans_commune)
    assert row.minutes == 180
    assert aggregates.count_month(add_months(month, 1)) == 0  # the future is not counted


def test_a_staff_area_covers_each_of_its_territories(population, loiret, gironde, national):
    from territories.scope import StaffScope

    scope = StaffScope(
        False, frozenset({"departement"}), frozenset({loiret.pk, gironde.pk}),
        frozenset({loiret.department_id, gironde.department_id}),
    )  # fmt: skip
    aggregates.count_all()
    area = Area.of_staff(scope, [loiret, gironde])
    assert key_figures(area).engaged == key_figures(Area.of_portal(national)).engaged
    assert area.place.in_ == "sur vos territoires"
    assert Area.of_staff(scope, [loiret]).place.in_ == "dans le Loiret"


def test_a_page_counts_the_recent_months_when_beat_has_not(
    population, orleans_commune, django_assert_num_queries
):
    month = population["month"]
    aggregates.ensure_recent()  # an empty table: every month is counted
    assert MonthFigures.objects.filter(month=population["year_ago"]).exists()
    CivicHourFactory(volunteer__commune=orleans_commune, minutes=60)
    with django_assert_num_queries(1):
        aggregates.ensure_recent()  # fresh: beat counts every 5 minutes
    MonthFigures.objects.update(computed_at=timezone.now() - aggregates.STALE_AFTER)
    aggregates.ensure_recent()
    assert MonthFigures.objects.get(month=month, commune=orleans_commune).minutes == 180

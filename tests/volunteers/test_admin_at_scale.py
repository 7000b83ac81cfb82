"""The staff's long lists on a table large enough for PostgreSQL's planner to care (60,000
hours, 60,000 follow-up emails, written by bulk SQL and analysed): each page is read through
an index, never by a sequential scan of the whole table, and counted by estimate past a
threshold. PostgreSQL only (CI runs on it): the plans and the estimates are its own."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from heurecivique import changelists
from heurecivique.months import first_of_month, previous_month
from volunteers.models import CivicHour, Delivery

from ..factories import CivicHourFactory, CommuneFactory, VolunteerFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the planner's choices are PostgreSQL's"
)

VOLUNTEERS = 400
ROWS_EACH = 150  # 60,000 hours and 60,000 emails
HOURS = reverse("admin:volunteers_civichour_changelist")
EMAILS = reverse("admin:volunteers_delivery_changelist")


def copies(original, select_from: str, params=None, **columns):
    """Rows like `original` (saved), one per row of the SQL `select_from`, each column as it
    is in `original` unless `columns` gives an SQL expression for it (`%(name)s` for the
    `params`): INSERT … SELECT, and whatever columns the model gains later are copied too."""
    table = original._meta.db_table
    names = [field.column for field in original._meta.concrete_fields if not field.primary_key]
    values = [columns.get(name, f'o."{name}"') for name in names]
    quoted = ", ".join(f'"{name}"' for name in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" ({quoted}) SELECT {", ".join(values)} '
            f'FROM "{table}" o CROSS JOIN {select_from} WHERE o.id = %(original)s',
            {**(params or {}), "original": original.pk},
        )


@pytest.fixture
def nation(orleans_commune, bordeaux_commune, loiret, gironde, national):
    """400 volunteers, one in twenty in Orléans and the others in Gironde's communes, each
    with 150 hours over two years and 150 follow-up emails; then ANALYZE, as autovacuum
    would."""
    gironde_communes = [bordeaux_commune] + [
        CommuneFactory(department=bordeaux_commune.department) for _ in range(29)
    ]
    volunteer = VolunteerFactory(commune=orleans_commune, pledge=False)
    places = {
        "orleans": orleans_commune.pk,
        "gironde": [commune.pk for commune in gironde_communes],
    }
    copies(
        volunteer.user,
        "generate_series(2, %(count)s) n",
        {"count": VOLUNTEERS},
        email="'v' || n || '@national.example.org'",
    )
    copies(
        volunteer,
        "(SELECT id, row_number() OVER (ORDER BY id) AS n FROM accounts_user "
        "WHERE email LIKE 'v%%@national.example.org') u",
        places,
        user_id="u.id",
        commune_id="CASE WHEN u.n %% 20 = 0 THEN %(orleans)s "
        "ELSE (%(gironde)s::bigint[])[1 + u.n %% 30] END",
    )
    today = timezone.localdate()
    hour = CivicHourFactory(volunteer=volunteer, done_on=today)
    copies(
        hour,
        "volunteers_volunteer v CROSS JOIN generate_series(1, %(rows)s) n",
        {"rows": ROWS_EACH},
        volunteer_id="v.id",
        done_on="o.done_on - (n * 5 + v.id %% 5)::integer",
        created_at="o.created_at - (n * 5 + v.id %% 5)::integer * interval '1 day'",
    )
    hour.delete()
    email = Delivery.objects.create(
        user=volunteer.user,
        kind=Delivery.Kind.REMINDER,
        month=first_of_month(today),
        territory=loiret,
        status=Delivery.Status.SENT,
    )
    copies(
        email,
        "volunteers_volunteer v CROSS JOIN generate_series(1, %(rows)s) n",
        {
            "rows": ROWS_EACH,
            "kinds": [Delivery.Kind.REMINDER, Delivery.Kind.NUDGE, Delivery.Kind.COMEBACK],
            "orleans": orleans_commune.pk,
            "loiret": loiret.pk,
            "gironde": gironde.pk,
        },
        user_id="v.user_id",
        kind="(%(kinds)s::text[])[1 + n %% 3]",
        month="(o.month - (n / 3) * interval '1 month')::date",
        created_at="o.created_at - (n / 3) * interval '1 month' + v.id * interval '1 second'",
        territory_id="CASE WHEN v.commune_id = %(orleans)s THEN %(loiret)s ELSE %(gironde)s END",
    )
    email.delete()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert CivicHour.objects.count() == Delivery.objects.count() == VOLUNTEERS * ROWS_EACH


@pytest.fixture
def as_staff(client, loiret_agent, national_admin):
    def sign_in(who):
        client.force_login({"loiret": loiret_agent, "national": national_admin}[who])
        return client

    return sign_in


def the_page_rows(client, url: str) -> str:
    """The query of a list that reads its page of rows, as it was sent to PostgreSQL."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    table = '"volunteers_civichour"' if url.startswith(HOURS) else '"volunteers_delivery"'
    rows = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT") and f"FROM {table}" in query["sql"]
        and "ORDER BY" in query["sql"]
    ]  # fmt: skip
    assert len(rows) == 1, (url, [query["sql"][:300] for query in captured.captured_queries])
    return rows[0]


def scanned_tables(sql: str) -> list[str]:
    """The tables PostgreSQL's plan for `sql` reads whole, by a sequential scan."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    scans, nodes = [], [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        if node["Node Type"] == "Seq Scan":
            scans.append(node["Relation Name"])
        nodes.extend(node.get("Plans", []))
    return scans


LAST_MONTH = f"{previous_month(first_of_month(timezone.localdate())):%Y-%m}"
PAGES = [
    HOURS,
    f"{HOURS}?mois={LAST_MONTH}",
    f"{HOURS}?p=20",
    EMAILS,
    f"{EMAILS}?mois={LAST_MONTH}",
    f"{EMAILS}?kind__exact=relance",
]


@pytest.mark.parametrize("who", ["national", "loiret"])
def test_each_page_of_hours_or_emails_is_read_through_an_index(nation, as_staff, who):
    client = as_staff(who)
    for url in PAGES:
        rows = the_page_rows(client, url)
        scans = scanned_tables(rows)
        assert "volunteers_civichour" not in scans, (url, rows)
        assert "volunteers_delivery" not in scans, (url, rows)


def the_count(client, url: str) -> str:
    """What the list says of its length, under its rows."""
    page = client.get(url).text
    paginator = page.split('<p class="paginator">')[1].split("</p>")[0]
    return re.sub(r"[ \n]+", " ", paginator)


def test_the_national_list_is_counted_by_estimate_a_departments_exactly(nation, as_staff):
    assert "</a> environ 60\u202f000 heures données" in the_count(as_staff("national"), HOURS)
    # Choosing every row across the pages names no false figure either.
    page = as_staff("national").get(EMAILS).text
    assert "Sélectionner toute la liste (environ 60\u202f000 courriels de suivi)" in page
    assert "Sélectionner les 6" not in page
    assert "</a> 3000 heures données" in the_count(as_staff("loiret"), HOURS)


def test_a_list_smaller_than_the_planner_thinks_is_counted_exactly(nation, as_staff):
    # The statistics still say 60,000 hours: the planner's estimate is stale.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM volunteers_civichour WHERE id NOT IN "
            "(SELECT id FROM volunteers_civichour ORDER BY id LIMIT 120)"
        )
    assert changelists.estimated_rows(CivicHour.objects.all()) > changelists.EXACT_COUNT_BELOW
    assert "</a> 120 heures données" in the_count(as_staff("national"), HOURS)

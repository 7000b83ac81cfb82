"""The staff dashboard (the admin's index) read as a mairie agent, a department officer, the
national team and an elected official would: each figure against the hand count of
test_aggregates' population, the scoping of every figure, the charts and the map drawn on the
server with their data, the communes' table sorted and paginated, and a constant number of
queries."""

import datetime
import json
import re
import subprocess
from pathlib import Path

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilotage import aggregates, charts, maps
from pilotage.figures import definition
from pilotage.models import Export
from territories.models import Commune, Membership, Territory

from ..factories import (
    CivicHourFactory,
    CommuneFactory,
    GesteFactory,
    TerritoryFactory,
    VolunteerFactory,
)
from .test_aggregates import population  # noqa: F401 (a fixture)

INDEX = reverse("admin:index")


def _figure(html: str, name: str) -> str:
    """The value printed for a key figure (its <li id="chiffre-…">)."""
    match = re.search(rf'id="chiffre-{name}">\s*<p class="figures__value">([^<]*)</p>', html)
    assert match, name
    return match.group(1)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u202f", " ")


@pytest.fixture
def counted(population):  # noqa: F811
    aggregates.count_all()
    return population


def test_the_national_team_reads_each_figure_of_the_hand_count(client, national_admin, counted):
    client.force_login(national_admin)
    html = client.get(INDEX).content.decode()
    # Engaged: Anne, Emma, Fanny; active this month: Anne, Denis (deleted since), Fanny; two of
    # the three engaged have noted an hour; 240 minutes this month, 60 last month, 180 a year ago.
    assert _figure(html, "engaged") == "3"
    assert _figure(html, "active") == "3"
    assert _figure(html, "active_share") == "67 %"
    assert _figure(html, "hours") == "4"
    last = charts.MONTHS_LONG[counted["last_month"].month - 1]
    text = _text(html)
    assert f"+300 % par rapport à {last}" in text
    assert f"+33 % par rapport à {charts.month_label(counted['year_ago'])}" in text
    assert _figure(html, "missions_open") == "1"
    assert "0 pourvue, 1 réalisée" in text
    assert _figure(html, "signatures") == "1"
    # Each figure is defined in words on the page.
    assert definition("active_share") in html.replace("&#x27;", "'")
    assert definition("median_match_days") in html.replace("&#x27;", "'")
    # The departments' table and map: the Loiret's 2 engaged and the Gironde's 1.
    assert re.search(r"Loiret <span class=\"cockpit__code\">\(45\)</span></th>\s*<td>2</td>", html)
    assert re.search(r"Gironde <span class=\"cockpit__code\">\(33\)</span></th>\s*<td>1</td>", html)
    assert "Loiret (45) : 2 volontaires engagés" in html


def test_a_commune_agent_sees_their_commune_only(client, orleans_agent, counted):
    client.force_login(orleans_agent)
    response = client.get(INDEX)
    html = response.content.decode()
    # Orléans: Anne engaged and active (Bruno paused, Chloé stopped), 120 minutes this month.
    assert _figure(html, "engaged") == "1"
    assert _figure(html, "active") == "1"
    assert _figure(html, "hours") == "2"
    assert _figure(html, "active_share") == "100 %"
    text = _text(html)
    assert "+100 % par rapport à" in text
    # Their quartiers, no table of communes; on the map, the Loiret only.
    assert "Où sont les volontaires : les quartiers" in html
    assert response.context["table"] is None
    assert "Gironde (33) :" not in html
    assert "map__band-" in html and "Loiret (45) : 1 volontaires engagés" in html
    assert "À faire" in html


def test_a_department_officer_sees_their_communes_not_others(
    client, loiret_agent, gironde_agent, counted
):
    client.force_login(loiret_agent)
    html = client.get(INDEX).content.decode()
    # The Loiret: Anne and Emma engaged, Anne and Denis active, 180 minutes this month.
    assert (_figure(html, "engaged"), _figure(html, "active"), _figure(html, "hours")) == (
        "2", "2", "3",
    )  # fmt: skip
    assert 'Orléans <span class="cockpit__code">(45234)</span>' in html
    assert "Bordeaux" not in html
    client.force_login(gironde_agent)
    html = client.get(INDEX).content.decode()
    assert (_figure(html, "engaged"), _figure(html, "hours")) == ("1", "1")
    assert "Orléans" not in html and "Loiret (45) :" not in html
    # Bordeaux gave no hour last month nor a year ago: no percentage made up from nothing.
    last = charts.MONTHS_LONG[counted["last_month"].month - 1]
    text = _text(html)
    assert f"pas de comparaison possible avec {last} (aucune heure)" in text
    year_ago = charts.month_label(counted["year_ago"])
    assert f"pas de comparaison possible avec {year_ago} (aucune heure)" in text
    assert 'Bordeaux <span class="cockpit__code">(33063)</span>' in html


def test_the_charts_are_svg_with_their_data_table(client, national_admin, counted):
    client.force_login(national_admin)
    html = client.get(INDEX).content.decode()
    assert html.count('role="img"') == 5  # hours, active, gestes, where, the map
    assert html.count("Voir les données du graphique") == 4
    assert "<script" not in html.split('id="graphiques"')[1].split("</section>")[0]
    # The gestes by their titles, the most done first: 3 hours then 2.
    first, second = counted["geste"].title, counted["other_geste"].title
    section = html.split('id="graphique-gestes-titre"')[1]
    assert section.index(first) < section.index(second)
    # Coordinates written with a dot, whatever the language of the page.
    assert not re.search(r'(?:x|y|width|height)="\d+,\d', html)
    assert "CC BY 4.0" in html and "Victor Cazanave" in html


def test_the_communes_table_sorts_and_pages(client, loiret_agent, loiret_department):
    communes = [
        CommuneFactory(insee_code=f"45{n:03}", name=f"Commune {n:03}", department=loiret_department)
        for n in range(1, 56)
    ]
    for n, commune in enumerate(communes, start=1):
        for _ in range(1 + n % 3):
            VolunteerFactory(commune=commune)
    CivicHourFactory(volunteer__commune=communes[7], minutes=120)
    aggregates.count_all()
    client.force_login(loiret_agent)
    response = client.get(INDEX, {"tri": "-heures"})
    html = response.content.decode()
    rows = re.findall(r'<th scope="row">([^<]+) <span class="cockpit__code">', html)
    assert len(rows) == 50 and rows[0] == "Commune 008"
    assert 'aria-sort="descending"' in html
    assert "Les communes, page 1 sur 2 (55 lignes)" in _text(html)
    rows = re.findall(
        r'<th scope="row">([^<]+) <span',
        client.get(INDEX, {"tri": "nom", "page": "2"}).content.decode(),
    )
    assert rows == [f"Commune {n:03}" for n in range(51, 56)]
    # A sort that does not exist, a page past the end: the default sort, the last page.
    response = client.get(INDEX, {"tri": "<script>", "page": "999"})
    assert response.status_code == 200 and "page 2 sur 2" in _text(response.content.decode())


def test_an_elected_official_reads_the_figures_without_anything_personal(
    client, orleans_elected, counted, orleans_commune
):
    client.force_login(orleans_elected)
    response = client.get(INDEX)
    html = response.content.decode()
    assert _figure(html, "engaged") == "1"
    assert "À faire" not in html and 'id="a-faire"' not in html
    assert response.context["waiting"] == []
    assert "app-volunteers" not in html and "Actions récentes" not in html
    # Every list of the admin answers a French refusal, but their files (the report and the
    # tables of figures: tests/pilotage/test_exports.py).
    for model in filter(admin.site.is_registered, __import__("django").apps.apps.get_models()):
        opts = model._meta
        if model is Export:
            continue
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Revenir au tableau de bord" in response.content.decode()
    # Nor a volunteer's record, whose name never shows.
    volunteer = VolunteerFactory(commune=orleans_commune, user__last_name="Zébulon")
    url = reverse("admin:volunteers_volunteer_change", args=[volunteer.pk])
    response = client.get(url)
    assert response.status_code == 403 and "Zébulon" not in response.content.decode()
    assert "Accès refusé" in response.content.decode()


def test_a_department_elected_official_sees_the_department(client, loiret_elected, counted):
    client.force_login(loiret_elected)
    html = client.get(INDEX).content.decode()
    assert _figure(html, "engaged") == "2"
    assert "Orléans" in html and "Bordeaux" not in html
    assert "À faire" not in html


def _dataset(department, size: int, first: int = 0):
    geste = GesteFactory()
    for n in range(first, first + size):
        commune = CommuneFactory(
            insee_code=f"{department.code}{n + 500:03}", department=department, population=1000
        )
        for volunteer in VolunteerFactory.create_batch(2, commune=commune, quartier=f"Q{n % 4}"):
            CivicHourFactory(volunteer=volunteer, geste=geste)
    aggregates.count_all()


# What the index costs besides the dashboard (session, account, 2FA, roles, the « à faire »
# counts) and the dashboard itself: the same with one commune as with many.
# Each with one query to see whether the aggregates are fresh (aggregates.ensure_recent).
# The watch's alerts add one COUNT for the staff who handle people helped; the running crises
# of the territory, with their counts, one query for everyone.
MAX_QUERIES = {"orleans_elected": 22, "orleans_agent": 32, "loiret_agent": 36, "national_admin": 33}


@pytest.mark.parametrize("persona", MAX_QUERIES)
def test_the_dashboard_costs_a_constant_number_of_queries(
    client, request, persona, loiret_department, orleans_commune, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(persona))
    _dataset(loiret_department, 1)
    client.get(INDEX)  # the departments' population, cached for the day
    with CaptureQueriesContext(connection) as small:
        client.get(INDEX)
    _dataset(loiret_department, 30, first=1)
    with django_assert_max_num_queries(MAX_QUERIES[persona]):
        response = client.get(INDEX)
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as larger:
        client.get(INDEX)
    assert len(larger) == len(small)


def test_an_association_referent_gets_no_territory_figures(client, association_referent):
    client.force_login(association_referent)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert "area" not in response.context and 'id="chiffres-cles"' not in response.content.decode()


def test_the_dashboard_is_valid_html(
    client, counted, national_admin, loiret_agent, orleans_elected, tmp_path
):
    from ..test_html_validity import VNU

    assert VNU, "vnu.jar is missing: `make test` installs it (npm package vnu-jar)"
    pages = {}
    for user in (national_admin, loiret_agent, orleans_elected):
        client.force_login(user)
        pages[user.email] = client.get(INDEX, {"tri": "-actifs"}).content
    pages["403"] = client.get(reverse("admin:volunteers_volunteer_changelist")).content
    for number, content in enumerate(pages.values()):
        (tmp_path / f"{number}.html").write_bytes(content)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    names = list(pages)
    errors = [
        f"{names[int(Path(m['url']).stem)]}, ligne {m.get('lastLine')} : {m['message']}"
        for m in json.loads(result.stderr or result.stdout)["messages"]
    ]
    assert errors == []


def test_the_map_names_each_department_by_its_insee_code():
    codes = [maps.insee_code(location["id"]) for location in maps.contours()["locations"]]
    metropolitan = {f"{n:02}" for n in range(1, 96) if n != 20} | {"2A", "2B"}
    assert len(codes) == 96 and set(codes) == metropolitan
    assert maps.band_of(None) == 0 and maps.band_of(0.4) == 1 and maps.band_of(25) == 4


def test_chart_scales_start_at_zero_and_name_the_months_in_french():
    assert charts.nice_ticks(0) == [0, 1]
    assert charts.nice_ticks(13) == [0, 5, 10, 15]
    assert charts.nice_ticks(1234) == [0, 500, 1000, 1500]
    months = [datetime.date(2025, m, 1) for m in range(1, 13)]
    chart = charts.month_chart(months, list(range(12)), title="Heures", unit="heures")
    assert [t.label for t in chart.x_ticks] == ["janv. 2025", "avr.", "juil.", "oct."]
    assert chart.rows[7] == ["août 2025", "7"]
    assert "le plus haut : 11 en décembre 2025" in chart.description
    # The tallest bar reaches the top of its scale's tick, a zero bar has no height.
    assert chart.bars[0].height == 0 and chart.bars[11].y > chart.plot_top


def test_an_agent_of_two_communes_gets_both_in_a_table(client, orleans_agent, counted):
    saint_jean = Commune.objects.get(insee_code="45284")
    portal = TerritoryFactory(
        kind=Territory.Kind.COMMUNE, slug="saint-jean", name="Saint-Jean-de-Braye",
        commune=saint_jean,
    )  # fmt: skip
    Membership.objects.create(user=orleans_agent, territory=portal, role="commune")
    client.force_login(orleans_agent)
    html = client.get(INDEX).content.decode()
    # Orléans: Anne; Saint-Jean: Emma (Denis deleted his account).
    assert _figure(html, "engaged") == "2"
    assert "Vos territoires : <strong>Orléans, Saint-Jean-de-Braye</strong>" in html
    rows = re.findall(r'<th scope="row">([^<]+) <span class="cockpit__code">', html)
    assert sorted(rows) == sorted(["Orléans", saint_jean.name])
    assert "quartier non renseigné (Orléans)" in html and "Bordeaux" not in html


def test_a_territory_without_any_activity_yet(client, gironde_agent):
    """Nothing counted yet: every chart says so, no comparison is made up, nothing fails."""
    client.force_login(gironde_agent)
    for query in ({}, {"page": "abc", "tri": "-"}, {"page": "-1", "tri": "--heures"}):
        response = client.get(INDEX, query)
        assert response.status_code == 200
    html = response.content.decode()
    assert _figure(html, "engaged") == "0" and _figure(html, "active_share") == "—"
    assert html.count("Aucune donnée pour l'instant.") >= 4
    assert "pas de comparaison possible" in _text(html)
    assert "Aucune activité depuis 12 mois." in html


def test_the_dashboard_leads_to_the_report_and_the_exports(
    client, orleans_agent, orleans_elected, national
):
    for person in (orleans_agent, orleans_elected):
        client.force_login(person)
        page = client.get("/admin/").content.decode()
        assert "Fichiers et bilans" in page
        assert "/admin/pilotage/export/add/?kind=bilan&amp;format=pdf" in page
        form = client.get("/admin/pilotage/export/add/?kind=bilan&format=pdf")
        assert form.status_code == 200
        # An élu(e) is never offered the list of people.
        offered = "volontaires ayant accepté d'être contactés" in page
        assert offered == (person == orleans_agent)

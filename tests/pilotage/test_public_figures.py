"""/chiffres/, its open data and the press page, against a population counted by hand (the one of
test_aggregates: stopped and paused pledges, a deleted account), with the rule of small counts."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from heurecivique.months import first_of_month
from pilotage import aggregates, public
from territories.models import Territory
from tests.factories import (
    CivicHourFactory,
    CommuneFactory,
    DepartmentFactory,
    TerritoryFactory,
)
from volunteers import stats

from .test_aggregates import population  # noqa: F401  (the fixture)

FIGURES, DATA = "/chiffres/", "/chiffres/donnees.csv"


def _figures(response):
    figures = response.context["figures"]
    return (
        figures.volunteers, figures.hours_this_month, figures.hours_total,
        figures.missions_done, figures.communes, figures.signatures,
    )  # fmt: skip


def _rows(response) -> list[list[str]]:
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _counters(html: str) -> str:
    return re.search(r'<dl class="counters[^"]*">.*?</dl>', html, re.S).group()


@pytest.mark.usefixtures("population")
def test_each_public_figure_against_a_hand_count(client, national, loiret, gironde, orleans):
    aggregates.count_all()
    # Engaged: Anne, Emma, Fanny (Bruno paused, Chloé stopped, Denis deleted). Hours this month:
    # 90 + 30 (Anne) + 60 (Denis, deleted since: his hour stays) + 60 (Fanny) = 4 h; in all,
    # with last month's 60 and a year ago's 180 = 8 h. One mission done, in Orléans. Communes
    # where an engaged volunteer lives: Orléans, Saint-Jean (Emma), Bordeaux. One signature
    # verified (the other waits).
    assert _figures(client.get(FIGURES)) == (3, 4, 8, 1, 3, 1)
    host = {"HTTP_HOST": "loiret.localhost"}
    assert _figures(client.get(FIGURES, **host)) == (2, 3, 7, 1, 2, 1)
    assert _figures(client.get(FIGURES, HTTP_HOST="gironde.localhost")) == (1, 1, 1, 0, 1, 0)
    # Orléans: Anne only is engaged; her 2 h this month, 3 h in all, Bruno's 1 h and Chloé's 2 h.
    assert _figures(client.get(FIGURES, HTTP_HOST="orleans.localhost")) == (1, 2, 6, 1, 1, 1)


@pytest.mark.usefixtures("population")
def test_the_home_page_the_press_page_and_the_figures_agree(client, national, loiret, orleans):
    aggregates.count_all()
    for host in ("testserver", "loiret.localhost", "orleans.localhost"):
        home = client.get("/", HTTP_HOST=host).context["counters"]
        figures = client.get(FIGURES, HTTP_HOST=host)
        said = figures.context["figures"]
        assert (said.volunteers, said.hours_this_month, said.hours_total, said.communes) == (
            home.volunteers, home.hours_this_month, home.hours_total, home.communes,
        )  # fmt: skip
        press = client.get(reverse("press"), HTTP_HOST=host)
        assert press.context["figures"] == said
        # The same words too.
        assert _counters(press.content.decode()) == _counters(figures.content.decode())
        assert 'href="/chiffres/"' in press.content.decode()


@pytest.mark.usefixtures("population")
def test_the_months_and_the_departments_are_said_with_their_place(
    client, national, loiret, gironde
):
    aggregates.count_all()
    page = client.get(FIGURES, HTTP_HOST="loiret.localhost")
    html = page.content.decode()
    assert "Les chiffres de l'Heure Civique dans le Loiret" in html
    assert "<title>Les chiffres du Loiret" in html
    assert (
        "Les chiffres de l'Heure Civique en Gironde"
        in client.get(FIGURES, HTTP_HOST="gironde.localhost").content.decode()
    )
    months = page.context["months"]
    assert len(months) == 24 and months[0].month == first_of_month(timezone.localdate())
    # Two volunteers engaged in the Loiret this month, three active: written « moins de 5 »,
    # and their hours are not published.
    assert (months[0].engaged, months[0].active, months[0].hours) == (
        public.FEW, public.FEW, public.HIDDEN,
    )  # fmt: skip
    assert months[0].missions_done == 1
    # The chart says it as the table does, and draws nothing for it.
    chart = page.context["hours_chart"]
    assert chart.rows[-1][1] == public.HIDDEN and chart.bars[-1].value == public.HIDDEN
    assert chart.bars[-1].height == 0
    assert page.context["departments"] == [] and page.context["map"] is None  # national only

    national_page = client.get(FIGURES)
    departments = {d.territory.slug: d for d in national_page.context["departments"]}
    assert set(departments) == {"loiret", "gironde"}
    assert departments["loiret"].communes == 2 and departments["loiret"].missions_done == 1
    assert departments["gironde"].engaged == public.FEW
    assert departments["gironde"].hours == public.HIDDEN
    assert f'href="{loiret.url("/chiffres/")}"' in national_page.content.decode()
    # On the map, the Gironde's one engaged volunteer is « moins de 5 » too.
    france = national_page.context["map"]
    assert ["Gironde (33)", public.FEW, public.HIDDEN] in france.rows
    gironde_contour = next(region for region in france.regions if region.code == "33")
    assert gironde_contour.title == "Gironde (33) : moins de 5 volontaires engagés"


def _active(commune, count, minutes=60):
    for _ in range(count):
        CivicHourFactory(volunteer__commune=commune, minutes=minutes)


def test_small_counts_are_not_published(client, national, loiret, orleans_commune):
    saint_jean = CommuneFactory(insee_code="45284", name="Saint-Jean-de-Braye",
                                department=orleans_commune.department)  # fmt: skip
    olivet = CommuneFactory(insee_code="45232", name="Olivet", department=saint_jean.department)
    _active(orleans_commune, 5)
    _active(saint_jean, 4, minutes=90)
    _active(olivet, 1)
    aggregates.count_recent()
    month = f"{timezone.localdate():%Y-%m}"
    header, *rows = _rows(client.get(DATA, HTTP_HOST="loiret.localhost"))
    rows = [row for row in rows if row[3] == month]  # last month they were engaged already
    assert header == [name for name, _definition in public.COLUMNS]
    assert rows == [
        ["45232", "Olivet", "45", month, "moins de 5", "moins de 5", "non publié", "0"],
        ["45234", "Orléans", "45", month, "5", "5", "5", "0"],
        ["45284", "Saint-Jean-de-Braye", "45", month,
          "moins de 5", "moins de 5", "non publié", "0"],
    ]  # fmt: skip


def test_a_single_hidden_commune_hides_the_next_one(client, national, loiret, orleans_commune):
    """Otherwise the Loiret's month, published on its portal, minus Orléans and Ingré would give
    Saint-Jean's hours."""
    saint_jean = CommuneFactory(insee_code="45284", name="Saint-Jean-de-Braye",
                                department=orleans_commune.department)  # fmt: skip
    ingre = CommuneFactory(insee_code="45169", name="Ingré", department=orleans_commune.department)
    _active(orleans_commune, 5)
    _active(saint_jean, 4, minutes=90)
    _active(ingre, 6, minutes=120)
    aggregates.count_recent()
    TerritoryFactory(kind=Territory.Kind.COMMUNE, slug="orleans", commune=orleans_commune)
    month = f"{timezone.localdate():%Y-%m}"
    rows = [row for row in _rows(client.get(DATA))[1:] if row[3] == month]
    assert rows == [
        ["45169", "Ingré", "45", month, "6", "6", "12", "0"],
        ["45234", "Orléans", "45", month, "non publié", "non publié", "non publié", "0"],
        ["45284", "Saint-Jean-de-Braye", "45", month,
          "moins de 5", "moins de 5", "non publié", "0"],
    ]  # fmt: skip
    # Orléans' own portal publishes what the file publishes, no more; its file has its rows only.
    orleans_page = client.get(FIGURES, HTTP_HOST="orleans.localhost")
    this_month = orleans_page.context["months"][0]
    assert (this_month.engaged, this_month.active, this_month.hours) == (public.HIDDEN,) * 3
    assert {row[0] for row in _rows(client.get(DATA, HTTP_HOST="orleans.localhost"))[1:]} == {
        "45234"
    }
    # The Loiret's month is published whole: 15 active volunteers, 5 + 6 + 12 = 23 hours.
    loiret_month = client.get(FIGURES, HTTP_HOST="loiret.localhost").context["months"][0]
    assert (loiret_month.active, loiret_month.hours) == (15, 23)


def test_each_portal_publishes_its_own_communes(client, national, loiret, gironde,
                                                 orleans_commune, bordeaux_commune):  # fmt: skip
    _active(orleans_commune, 5)
    _active(bordeaux_commune, 7)
    aggregates.count_recent()

    def codes(host):
        return sorted({row[0] for row in _rows(client.get(DATA, HTTP_HOST=host))[1:]})

    assert codes("testserver") == ["33063", "45234"]
    assert codes("loiret.localhost") == ["45234"]
    assert codes("gironde.localhost") == ["33063"]
    response = client.get(DATA, HTTP_HOST="gironde.localhost")
    assert 'filename="heure-civique-gironde-' in response["Content-Disposition"]


def test_the_page_costs_a_constant_number_of_queries(
    client, national, loiret, gironde, orleans_commune, django_assert_max_num_queries
):
    def queries(host):
        # Once before: what each process keeps a while (the map of hosts to portals, the
        # population of each department for the map) is read again after a change.
        client.get(FIGURES, HTTP_HOST=host)
        with django_assert_max_num_queries(12) as captured:
            assert client.get(FIGURES, HTTP_HOST=host).status_code == 200
        return len(captured)

    # As the beat keeps them: the aggregates, and the counters of every portal.
    _active(orleans_commune, 1)
    aggregates.count_recent()
    stats.refresh()
    small = {host: queries(host) for host in ("testserver", "loiret.localhost")}
    # More communes, volunteers, hours and department portals: not one query more.
    for number in range(3):
        department = DepartmentFactory(code=f"7{number}", name=f"Département {number}")
        TerritoryFactory(kind=Territory.Kind.DEPARTMENT, slug=f"dep{number}", department=department)
        commune = CommuneFactory(department=department)
        _active(commune, 6)
    _active(orleans_commune, 6)
    aggregates.count_all()
    stats.refresh()
    assert {host: queries(host) for host in small} == small
    with django_assert_max_num_queries(12):
        _rows(client.get(DATA))


def test_the_page_is_kept_for_visitors(client, national, settings, django_assert_num_queries):
    settings.PUBLIC_PAGE_SECONDS = 300
    first = client.get(FIGURES)
    with django_assert_num_queries(0):
        again = client.get(FIGURES)
    assert again.content == first.content


def test_only_reading_is_allowed(client, national):
    assert client.post(FIGURES).status_code == 405
    assert client.post(DATA).status_code == 405


def test_the_figures_are_in_the_sitemap_and_the_footer(client, national):
    assert "/chiffres/</loc>" in client.get("/sitemap-pages.xml").content.decode()
    assert 'href="/chiffres/"' in client.get("/").content.decode()
    page = client.get(FIGURES).content.decode()
    assert 'href="/chiffres/donnees.csv"' in page and "Licence Ouverte 2.0" in page
    for name, _definition in public.COLUMNS:
        assert f"<code>{name}</code>" in page
    assert "moins de 5" in page and "non publié" in page  # the rule, written down

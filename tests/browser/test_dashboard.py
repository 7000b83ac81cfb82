"""The dashboard in Chromium, for a mairie agent, a department officer, the national team and an
elected official: zero axe violation, nothing blocked by the CSP, the charts drawn without
JavaScript, and the page within the screen at 1280 and 390 px (screenshots under
/tmp/dashboard/ to look at)."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from heurecivique.months import add_months, first_of_month
from pilotage import aggregates
from tests.factories import (
    CivicHourFactory,
    CommuneFactory,
    GesteFactory,
    MissionFactory,
    VolunteerFactory,
)
from volunteers.models import start_of_day

from .test_admin_agent import _no_axe_violation, _sign_in_to_the_admin

SCREENSHOTS = Path("/tmp/dashboard")


@pytest.fixture
def activity(orleans_commune, bordeaux_commune, loiret_department):
    """Two years of hours in the Loiret and a little in the Gironde, with gestes and quartiers."""
    today = timezone.localdate()
    month = first_of_month(today)
    long_ago = add_months(month, -24)
    gestes = [
        GesteFactory(title=title)
        for title in (
            "Porter les courses d'un voisin âgé",
            "Arroser les jardinières de la rue pendant les vacances",
            "Lire le journal à une personne malvoyante",
        )
    ]
    saint_jean = CommuneFactory(
        insee_code="45284", name="Saint-Jean-de-Braye", department=loiret_department
    )
    quartiers = ["La Source", "Dunois", "Saint-Marceau", ""]
    for n in range(12):
        commune = orleans_commune if n < 8 else saint_jean
        volunteer = VolunteerFactory(
            commune=commune,
            quartier=quartiers[n % 4] if commune == orleans_commune else "",
            pledge=long_ago,
            created_at=start_of_day(long_ago),
        )
        for back in range(0, 24, 1 + n % 3):
            CivicHourFactory(
                volunteer=volunteer,
                done_on=add_months(month, -back),
                minutes=60,
                geste=gestes[(n + back) % 3],
            )
    bordeaux = VolunteerFactory(commune=bordeaux_commune, pledge=long_ago)
    CivicHourFactory(volunteer=bordeaux, done_on=month, minutes=60)
    MissionFactory(commune=orleans_commune)
    aggregates.count_all()


@pytest.mark.parametrize(
    "persona", ["orleans_agent", "loiret_agent", "national_admin", "orleans_elected"]
)
def test_the_dashboard_reads_well_for_each_persona(
    page, portal_url, request, persona, activity, national
):
    user = request.getfixturevalue(persona)
    _sign_in_to_the_admin(page, portal_url, user)
    expect(page.get_by_role("heading", name="Mois après mois")).to_be_visible()
    expect(
        page.get_by_role("img", name="Carte des volontaires engagés par département")
    ).to_be_visible()
    _no_axe_violation(page)
    assert page.console_errors == [], page.console_errors
    if persona == "orleans_elected":
        expect(page.get_by_role("heading", name="À faire")).to_have_count(0)
    # A definition opens without script, as a <details>.
    page.get_by_text("Définition", exact=False).first.click()
    expect(page.locator(".figures__definition p").first).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{persona}-1280.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, width
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=SCREENSHOTS / f"{persona}-390.png", full_page=True)
    _no_axe_violation(page)


def test_the_charts_are_drawn_without_javascript(browser, portal_url, loiret_agent, activity):
    with_script = browser.new_context(locale="fr-FR")
    page = with_script.new_page()
    _sign_in_to_the_admin(page, portal_url, loiret_agent)
    cookies = with_script.cookies()
    without = browser.new_context(locale="fr-FR", java_script_enabled=False)
    without.add_cookies(cookies)
    page = without.new_page()
    page.goto(portal_url(None, "/admin/"))
    chart = page.get_by_role("img", name="Heures données par mois dans le Loiret, sur 24 mois")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["height"] > 100
    assert page.locator(".chart__bar").count() >= 24
    # The table sorts through its links.
    page.get_by_role("link", name="Heures données sur 12 mois").click()
    expect(page.locator('th[aria-sort="descending"]')).to_have_text(
        "Heures données sur 12 mois (tri décroissant) ▼"
    )
    with_script.close()
    without.close()

"""A resident's missions once in a real browser: find one near home, offer, follow it in « Mes
missions », withdraw; axe on every page of the way, and a phone's width without scrolling
sideways."""

import re

from missions.models import Mission, Participation
from tests.factories import PASSWORD, BeneficiaryFactory, MissionFactory, VolunteerFactory

from .test_accessibility import AXE

PHONE = {"width": 375, "height": 800}


def _no_axe_violation(page):
    results = AXE.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def _fits_a_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_a_resident_finds_a_mission_offers_follows_it_and_withdraws(
    page, portal_url, resident, orleans_commune, loiret, national
):
    VolunteerFactory(user=resident, commune=orleans_commune, quartier="La Source")
    MissionFactory(commune=orleans_commune, title="Inventaire de la banque alimentaire",
                   kind=Mission.Kind.COLLECTIVE, places=8)  # fmt: skip
    need = MissionFactory(
        commune=orleans_commune, quartier="La Source", title="Courses du jeudi",
        summary="Porter les courses d'une dame âgée du quartier.",
        beneficiary=BeneficiaryFactory(commune=orleans_commune),
    )  # fmt: skip

    page.goto(portal_url("loiret", "/compte/login/"))
    page.get_by_label("Courriel").fill(resident.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_load_state()

    # The menu leads to the missions; the one of her quartier comes first.
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Missions", exact=True
    ).click()
    page.wait_for_url(re.compile("/missions/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Les missions près de chez vous"
    first = page.locator(".mission-card").first
    assert "Courses du jeudi" in first.inner_text()
    assert "Dans votre quartier" in first.inner_text()
    _no_axe_violation(page)

    # The filters work as a resident types: the script offers the commune.
    page.get_by_label("Commune").press_sequentially("45000", delay=30)
    page.get_by_role("radio", name=re.compile("Orléans")).wait_for()
    page.get_by_label("Type de mission").select_option(label="Entre voisins")
    page.get_by_role("button", name="Filtrer").click()
    assert page.locator(".mission-card").count() == 1
    _no_axe_violation(page)

    page.get_by_role("link", name="Courses du jeudi").click()
    assert "Porter les courses d'une dame âgée du quartier." in page.content()
    _no_axe_violation(page)
    page.get_by_role("button", name="Je me propose").click()
    assert "Votre proposition est transmise à l'équipe" in page.content()
    participation = Participation.objects.get(mission=need)
    assert participation.status == Participation.Status.OFFERED

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes missions"
    ).click()
    page.wait_for_url(re.compile("/mon-heure/missions/$"))
    assert page.get_by_role("heading", name="En attente d'une réponse").is_visible()
    assert "Courses du jeudi" in page.content()
    _no_axe_violation(page)

    page.get_by_role("link", name="Me retirer de « Courses du jeudi »").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Vous retirer de cette mission ?"
    _no_axe_violation(page)
    page.get_by_role("button", name="Oui, je me retire").click()
    page.wait_for_url(re.compile("/mon-heure/missions/$"))
    assert "Vous vous êtes retiré·e de « Courses du jeudi »" in page.content()
    participation.refresh_from_db()
    assert participation.status == Participation.Status.WITHDRAWN

    page.goto(portal_url("loiret", "/missions/coup-de-main/"))
    _no_axe_violation(page)
    page.get_by_role("button", name="Envoyer ma demande").click()
    assert "Le formulaire contient" in page.content()
    _no_axe_violation(page)
    page.console_errors.clear()  # the 400 of the form with errors

    # The same pages on a phone: nothing wider than the screen.
    page.set_viewport_size(PHONE)
    for path in ("/missions/", f"/missions/{need.pk}/", "/mon-heure/missions/",
                 "/missions/coup-de-main/"):  # fmt: skip
        page.goto(portal_url("loiret", path))
        _fits_a_phone(page)
    assert page.console_errors == []


def test_the_missions_list_filters_without_javascript(
    browser, portal_url, orleans_commune, loiret, national
):
    MissionFactory(commune=orleans_commune, title="Courses du jeudi")
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(portal_url("loiret", "/missions/"))
    page.get_by_label("Commune").fill("Orléans")
    page.get_by_role("button", name="Filtrer").click()
    assert page.locator(".mission-card").count() == 1
    assert page.get_by_label("Commune").input_value() == "Orléans"
    context.close()

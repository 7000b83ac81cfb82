"""Crisis mode in Chromium: a mairie agent switches it on in the admin, residents see the banner
and the call on a phone and a desktop (no axe violation, nothing wider than the screen), a
volunteer ticks « disponible en cas d'urgence » from the banner without JavaScript, and the
agent switches it off."""

import datetime
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from mobilisation import crises
from mobilisation.models import Crisis
from tests.factories import PASSWORD, VolunteerFactory

from .test_admin_agent import _no_axe_violation, _sign_in_to_the_admin

SHOTS = Path("/tmp/crisis")
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


def _fits(page, width):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url}: {scroll} px wide on a {width} px screen"


def test_an_agent_switches_crisis_mode_on_and_residents_see_it_everywhere(
    page, portal_url, orleans_agent, orleans, national
):
    SHOTS.mkdir(exist_ok=True)
    _sign_in_to_the_admin(page, portal_url, orleans_agent)
    page.goto(portal_url(None, "/admin/mobilisation/crisis/add/"))
    expect(page.get_by_role("heading", name="Déclencher le mode crise")).to_be_visible()
    page.get_by_label("Type de crise").select_option("canicule")
    page.get_by_label("Message aux habitants").fill(
        "Vigilance canicule orange jusqu'à jeudi. La salle Eiffel est rafraîchie de 10 h à "
        "18 h ; le CCAS appelle les personnes inscrites sur son registre."
    )
    ends_on = timezone.localdate() + datetime.timedelta(days=4)
    page.get_by_label("Fin prévue le").fill(ends_on.isoformat())
    page.screenshot(path=str(SHOTS / "admin-switch-on.png"), full_page=True)
    _no_axe_violation(page)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Le mode crise est déclenché à Orléans")).to_be_visible()
    expect(page.get_by_role("link", name="Arrêter le mode crise maintenant")).to_be_visible()
    page.screenshot(path=str(SHOTS / "admin-crisis-running.png"), full_page=True)
    _no_axe_violation(page)
    crisis = Crisis.objects.get()
    assert crisis.started_by == orleans_agent

    resident = page.context.browser.new_context(locale="fr-FR", viewport=DESKTOP)
    visitor = resident.new_page()
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        visitor.set_viewport_size(viewport)
        visitor.goto(portal_url("orleans"))
        expect(visitor.locator(".crisis-banner")).to_contain_text("Canicule à Orléans")
        expect(
            visitor.get_by_role("heading", level=1, name="Canicule à Orléans : veillons sur")
        ).to_be_visible()
        visitor.screenshot(path=str(SHOTS / f"home-{name}.png"), full_page=True)
        _no_axe_violation(visitor)
        _fits(visitor, viewport["width"])
        for path in ("/gestes/", "/outils/", "/missions/"):
            visitor.goto(portal_url("orleans", path))
            expect(visitor.locator(".crisis-banner")).to_be_visible()
            _no_axe_violation(visitor)
            _fits(visitor, viewport["width"])
    visitor.goto(portal_url("orleans", "/outils/"))
    visitor.screenshot(path=str(SHOTS / "outils-phone.png"), full_page=True)

    page.goto(portal_url(None, f"/admin/mobilisation/crisis/{crisis.pk}/change/"))
    page.get_by_role("link", name="Arrêter le mode crise maintenant").click()
    _no_axe_violation(page)
    page.get_by_role("button", name="Arrêter le mode crise").click()
    expect(page.get_by_text("Le mode crise est arrêté à Orléans")).to_be_visible()
    page.goto(portal_url(None, "/admin/mobilisation/crisis/"))
    expect(page.get_by_role("link", name="Déclencher le mode crise")).to_be_visible()
    expect(page.locator("#result_list")).to_contain_text("Terminé")
    page.screenshot(path=str(SHOTS / "admin-list.png"), full_page=True)
    _no_axe_violation(page)
    visitor.goto(portal_url("orleans"))
    expect(visitor.locator(".crisis-banner")).to_have_count(0)
    expect(
        visitor.get_by_role("heading", level=1, name="Donnez une heure par mois à vos voisins")
    ).to_be_visible()
    resident.close()


def test_a_volunteer_says_they_are_available_from_the_banner_without_javascript(
    browser, portal_url, loiret, orleans_commune, national, resident
):
    volunteer = VolunteerFactory(user=resident, commune=orleans_commune)
    crises.start(
        territory=loiret,
        kind=Crisis.Kind.COLD,
        message="Plan grand froid : le gymnase Gaston-Couté accueille la nuit.",
        ends_on=timezone.localdate() + datetime.timedelta(days=2),
    )
    context = browser.new_context(java_script_enabled=False, locale="fr-FR", viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(portal_url("loiret", "/gestes/"))
    page.locator(".crisis-banner").get_by_role(
        "link", name="Je suis disponible en cas d'urgence"
    ).click()
    page.get_by_label("Courriel").fill(resident.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    # Back on the page that asks, now signed in: one click.
    expect(page.get_by_role("heading", name="Disponible en cas d'urgence")).to_be_visible()
    page.locator("#contenu").get_by_role(
        "button", name="Je suis disponible en cas d'urgence"
    ).click()
    expect(page.get_by_text("C'est noté : vous êtes disponible en cas d'urgence.")).to_be_visible()
    volunteer.refresh_from_db()
    assert volunteer.emergency_available_at is not None

    page.goto(portal_url("loiret", "/gestes/"))
    banner = page.locator(".crisis-banner")
    expect(banner).to_contain_text("Vous êtes disponible en cas d'urgence.")
    page.screenshot(path=str(SHOTS / "gestes-phone-available.png"), full_page=True)
    banner.get_by_role("button", name="Je ne suis plus disponible").click()
    expect(page).to_have_url(portal_url("loiret", "/gestes/"))
    expect(page.get_by_text("vous n'êtes plus inscrit parmi les disponibles")).to_be_visible()
    volunteer.refresh_from_db()
    assert volunteer.emergency_available_at is None
    banner.get_by_role("button", name="Je suis disponible en cas d'urgence").click()
    volunteer.refresh_from_db()
    assert volunteer.emergency_available_at is not None
    context.close()


def test_the_agent_finds_the_switch_and_the_crisis_on_her_dashboard(
    page, portal_url, orleans_agent, orleans, national
):
    """Audit 5: « Déclencher le mode crise » from the index's « À faire », then the running
    crisis at the top of the dashboard, leading to its page; no axe violation."""
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(DESKTOP)
    _sign_in_to_the_admin(page, portal_url, orleans_agent)
    page.goto(portal_url(None, "/admin/"))
    page.get_by_role("link", name="Déclencher le mode crise").click()
    expect(page.get_by_role("heading", name="Déclencher le mode crise")).to_be_visible()
    crises.start(
        territory=orleans,
        kind=Crisis.Kind.OTHER,
        message="Coupure d'eau jusqu'à jeudi.",
        ends_on=timezone.localdate() + datetime.timedelta(days=2),
        by=orleans_agent,
    )
    page.goto(portal_url(None, "/admin/"))
    section = page.locator("#mode-crise")
    expect(section).to_contain_text("Alerte à Orléans, jusqu'au")
    expect(section).to_contain_text("0 volontaire disponible en cas d'urgence")
    page.screenshot(path=str(SHOTS / "admin-dashboard-crisis.png"), full_page=False)
    _no_axe_violation(page)
    _fits(page, DESKTOP["width"])
    section.get_by_role("link", name="Voir, prolonger ou arrêter le mode crise").click()
    expect(page.get_by_role("link", name="Arrêter le mode crise maintenant")).to_be_visible()

"""The admin walked by a mairie agent in Chromium: what waits for them on the index, moderation
with the buttons of an object's page, and every list within a 1280 px screen."""

import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from heurecivique.months import first_of_month
from initiatives.models import Initiative
from mobilisation.models import Signature
from tests.factories import (
    PASSWORD,
    CivicHourFactory,
    GesteFactory,
    InitiativeFactory,
    SignatureFactory,
    UserFactory,
    VolunteerFactory,
    totp_code,
)
from volunteers.models import Delivery

from .test_accessibility import AXE, WCAG

WIDTH = 1280


def _sign_in_to_the_admin(page, portal_url, agent):
    page.goto(portal_url(None, "/admin/"))
    page.get_by_label("Courriel").fill(agent.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.get_by_label("Code de vérification").fill(totp_code())
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


def _no_axe_violation(page):
    # The WCAG rules: Django's own tabular inlines break a best practice (an empty header).
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def _fits_the_screen(page) -> None:
    """Neither the page nor the table of results scrolls sideways."""
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= WIDTH, f"{page.url}: the page is {page_width} px wide"
    results = page.evaluate(
        "(() => { const r = document.querySelector('#changelist .results');"
        " return r ? [r.scrollWidth, r.clientWidth] : [0, 0]; })()"
    )
    assert results[0] <= results[1], f"{page.url}: the list is {results[0]} px in {results[1]}"


def test_a_commune_agent_moderates_from_the_index_and_every_list_fits_1280px(
    page, portal_url, orleans_agent, orleans_commune, orleans, national
):
    organiser = UserFactory(email="organisatrice@example.org", first_name="Odette")
    waiting = [
        InitiativeFactory(
            commune=orleans_commune,
            status=Initiative.Status.PROPOSED,
            organiser=organiser,
            title=f"Jardin partagé du quartier numéro {n}",
        )
        for n in (1, 2, 3)
    ]
    SignatureFactory(commune=orleans_commune, status=Signature.Status.PENDING)
    SignatureFactory(commune=orleans_commune, status=Signature.Status.PENDING)
    # Something in every list, with long words where people type them.
    GesteFactory(
        territory=orleans,
        status="propose",
        proposed_by=organiser,
        title="Accompagner-un-voisin-à-la-médiathèque-intercommunale-Jean-Zay-chaque-mercredi",
    )
    volunteer = VolunteerFactory(
        commune=orleans_commune,
        quartier="Saint-Marceau-Sud-Les-Jardins-de-la-Loire",
        user=UserFactory(email="un.volontaire.au.nom.tres.long.pour.la.liste@exemple-long.org"),
    )
    CivicHourFactory(volunteer=volunteer)
    Delivery.objects.create(
        user=volunteer.user,
        kind=Delivery.Kind.REMINDER,
        month=first_of_month(timezone.localdate()),
        territory=orleans,
        status=Delivery.Status.FAILED,
        detail="Le serveur de messagerie du destinataire n'a pas répondu après plusieurs essais.",
    )

    _sign_in_to_the_admin(page, portal_url, orleans_agent)
    expect(page.locator(".cockpit__territory")).to_contain_text("Votre territoire : Orléans")
    todo = page.locator("#a-faire")
    expect(todo.get_by_role("link", name="2 signatures à vérifier")).to_be_visible()
    expect(todo.get_by_role("link", name="1 courriel de suivi en échec")).to_be_visible()
    page.screenshot(path="/tmp/admin-index-commune-agent.png", full_page=True)
    _no_axe_violation(page)
    models = [
        link
        for link in page.locator("#content-main .app-list a, #content-main table a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        if re.fullmatch(r"/admin/\w+/\w+/", link)
    ]

    # From the index to the list of what waits, and to the first initiative.
    todo.get_by_role("link", name="3 initiatives à modérer").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    _fits_the_screen(page)
    page.get_by_role("link", name=waiting[0].title).click()
    expect(page.get_by_role("link", name="Voir comme le public")).to_be_visible()
    _no_axe_violation(page)
    page.get_by_role("button", name="Publier").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"L'initiative « {waiting[0].title} » est publiée"
    )
    expect(page.get_by_role("button", name="Publier")).to_have_count(0)

    # The second one is refused: without a reason, the browser asks for one.
    page.goto(
        portal_url(None, reverse("admin:initiatives_initiative_change", args=[waiting[1].pk]))
    )
    page.get_by_role("button", name="Refuser avec un motif").click()
    assert page.locator("#moderation-reason").evaluate("field => !field.validity.valid")
    page.get_by_label("Motif du refus, envoyé à l'auteur").fill(
        "Ce jardin est privé : la page ne peut pas inviter le public."
    )
    page.get_by_role("button", name="Refuser avec un motif").click()
    expect(page.locator(".messagelist")).to_contain_text("est refusée")

    # The preview of the third, not yet published, as the public would see it.
    page.goto(
        portal_url(None, reverse("admin:initiatives_initiative_change", args=[waiting[2].pk]))
    )
    page.get_by_role("link", name="Voir comme le public").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(waiting[2].title)
    expect(page.get_by_role("note")).to_contain_text("le public ne la voit pas")
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"

    page.goto(portal_url(None, "/admin/"))
    expect(todo.get_by_role("link", name="1 initiative à modérer")).to_be_visible()
    for initiative, status in zip(waiting, ("publie", "refuse", "propose"), strict=True):
        initiative.refresh_from_db()
        assert initiative.status == status

    # Every list the agent can open holds on a 1280 px screen.
    assert len(models) >= 10, models
    for path in models:
        page.goto(portal_url(None, path))
        expect(page.locator("#content h1")).to_be_visible()
        _fits_the_screen(page)

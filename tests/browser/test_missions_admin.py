"""The missions' admin walked by an Orléans agent in Chromium: post a need, find volunteers,
invite them; then every screen of the missions at 1280 px, without an axe violation (each one
photographed in SCREENSHOTS, as the agent sees it)."""

import datetime
import os
from pathlib import Path

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from missions.models import Association, DetailsView, HelpRequest, Mission, Participation
from tests.factories import (
    BeneficiaryFactory,
    MissionFactory,
    ParticipationFactory,
    UserFactory,
    VolunteerFactory,
)
from volunteers.models import Skill

from .test_admin_agent import _fits_the_screen, _no_axe_violation, _sign_in_to_the_admin

SCREENSHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/missions-admin"))


def _volunteer(commune, first_name, last_name, quartier="", skills=(), availability=()):
    user = UserFactory(first_name=first_name, last_name=last_name)
    volunteer = VolunteerFactory(
        user=user,
        commune=commune,
        quartier=quartier,
        availability=list(availability),
        contact_consent_at=timezone.now(),
    )
    volunteer.skills.set(skills)
    return volunteer


def _screen(page, name: str) -> None:
    """Neither the page nor its table scrolls sideways, axe finds nothing, and a photograph."""
    _fits_the_screen(page)
    _no_axe_violation(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_an_orleans_agent_posts_a_need_finds_volunteers_and_invites_them(
    page, portal_url, orleans_agent, orleans_commune, orleans, national
):
    bricolage = Skill.objects.get(slug="bricolage")
    hugo = _volunteer(
        orleans_commune, "Hugo", "Martel", "La Source", [bricolage], ["week-end", "semaine"]
    )
    ines = _volunteer(orleans_commune, "Inès", "Petit", "Argonne", availability=["semaine"])
    _volunteer(orleans_commune, "Jules", "Faure", "Saint-Marceau-Sud-Les-Jardins-de-la-Loire")
    # What already waits: an offer on a collective action, a request, a person helped.
    action = MissionFactory(
        commune=orleans_commune,
        kind=Mission.Kind.COLLECTIVE,
        title="Nettoyage des bords de Loire, quai du Châtelet et quai de Prague",
        quartier="Centre",
        places=6,
        starts_at=timezone.localtime() + datetime.timedelta(days=4),
    )
    ParticipationFactory(mission=action, volunteer=ines, status=Participation.Status.ACCEPTED)
    ParticipationFactory(
        mission=action,
        volunteer=_volunteer(orleans_commune, "Karim", "Benali"),
        status=Participation.Status.OFFERED,
    )
    marcelle = BeneficiaryFactory(commune=orleans_commune, quartier="La Source")
    DetailsView.objects.create(beneficiary=marcelle, user=orleans_agent, where="administration")
    request = HelpRequest.objects.create(
        commune=orleans_commune,
        quartier="Argonne",
        name="Jeanne Roy",
        phone="02 38 11 22 33",
        what="Je ne peux plus porter mes courses depuis mon opération : le jeudi matin, ce "
        "serait parfait.",
    )
    Association.objects.create(name="Les Restos du cœur", commune=orleans_commune)

    _sign_in_to_the_admin(page, portal_url, orleans_agent)
    todo = page.locator("#a-faire")
    expect(todo.get_by_role("link", name="1 demande de coup de main à traiter")).to_be_visible()
    expect(
        todo.get_by_role("link", name="1 mission avec des propositions à examiner")
    ).to_be_visible()
    expect(todo.get_by_role("link", name="1 mission à pourvoir d'ici 7 jours")).to_be_visible()
    _screen(page, "01-index")

    # The list, then a new need.
    page.goto(portal_url(None, reverse("admin:missions_mission_changelist")))
    expect(page.locator("#result_list")).to_contain_text("1 proposition à examiner")
    _screen(page, "02-missions")
    page.get_by_role("link", name="Ajouter mission").click()
    saturday = timezone.localdate() + datetime.timedelta(
        days=(5 - timezone.localdate().weekday()) % 7 or 7
    )
    page.get_by_label("Type de mission").select_option(label="Entre voisins")
    page.get_by_label("Titre").fill("Fixer une étagère chez une voisine")
    page.get_by_label("Ce qui est demandé").fill(
        "Une étagère à fixer au mur d'un salon, une heure environ. Outils sur place."
    )
    page.get_by_label("Quartier").fill("La Source")
    page.locator("#id_starts_at_0").fill(f"{saturday:%d/%m/%Y}")
    page.locator("#id_starts_at_1").fill("10:00")
    page.get_by_label("Bricolage et petites réparations").check()
    _screen(page, "03-mission-add")
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    expect(page.locator(".messagelist")).to_contain_text("a été ajouté")
    mission = Mission.objects.get(title="Fixer une étagère chez une voisine")
    assert (mission.commune, mission.posted_by) == (orleans_commune, orleans_agent)
    expect(page.locator("#participants")).to_contain_text("Personne pour l'instant")
    _screen(page, "04-mission-page")

    # Find volunteers: the handy neighbour first, with why.
    page.get_by_role("link", name="Trouver des volontaires").first.click()
    rows = page.locator(".find-volunteers__table tbody tr")
    expect(rows.first).to_contain_text("Hugo Martel")
    expect(rows.first).to_contain_text(
        "même quartier · Bricolage et petites réparations · disponible le week-end"
    )
    _screen(page, "05-find-volunteers")
    page.get_by_label(f"Hugo Martel ({hugo.user.email})").check()
    page.get_by_label(f"Inès Petit ({ines.user.email})").check()
    page.get_by_role("button", name="Inviter").click()
    expect(page.locator(".messagelist")).to_contain_text("2 volontaires invité·es par courriel")
    expect(page.locator("#participants")).to_contain_text(
        "Invités, sans réponse pour l'instant (2)"
    )
    assert set(mission.participations.values_list("status", flat=True)) == {"invitee"}

    # The offer on the collective action, accepted from its page.
    page.goto(portal_url(None, reverse("admin:missions_mission_change", args=[action.pk])))
    _screen(page, "06-mission-with-offer")
    page.get_by_role("button", name="Accepter").click()
    expect(page.locator(".messagelist")).to_contain_text("Karim Benali")
    expect(page.locator("#participants")).to_contain_text("Retenus (2)")

    # The other screens of the missions.
    screens = {
        "07-enter-hour": reverse("admin:missions_mission_enter_hour"),
        "08-people-helped": reverse("admin:missions_beneficiary_changelist"),
        "09-person-helped": reverse("admin:missions_beneficiary_change", args=[marcelle.pk]),
        "10-erase-confirmation": reverse("admin:missions_beneficiary_erase", args=[marcelle.pk]),
        "11-views-log": reverse("admin:missions_detailsview_changelist"),
        "12-requests": reverse("admin:missions_helprequest_changelist"),
        "13-request": reverse("admin:missions_helprequest_change", args=[request.pk]),
        "14-turn-into-mission": reverse("admin:missions_helprequest_turn", args=[request.pk]),
        "15-refuse-request": reverse("admin:missions_helprequest_refuse", args=[request.pk]),
        "16-associations": reverse("admin:missions_association_changelist"),
        "17-association-add": reverse("admin:missions_association_add"),
    }
    for name, path in screens.items():
        page.goto(portal_url(None, path))
        expect(page.locator("#content h1")).to_be_visible()
        _screen(page, name)
    # Nothing failed in the scripts. (Select2 and the admin's calendar write style attributes,
    # which the site's policy blocks, as on every admin page: their layout does not need them.)
    errors = [e for e in page.console_errors if not e.startswith("Applying inline style")]
    assert errors == []


def test_an_association_referent_sees_and_posts_only_their_associations_missions(
    page, portal_url, association_referent, orleans_commune, orleans, national
):
    restos = association_referent.associations.get()
    MissionFactory(commune=orleans_commune, title="Une visite de la mairie")
    _sign_in_to_the_admin(page, portal_url, association_referent)
    expect(
        page.locator("#content-main .app-list a, #content-main table a")
        .filter(has_text="Missions")
        .first
    ).to_be_visible()
    captions = page.locator("#content-main table caption").all_text_contents()
    assert [caption.strip() for caption in captions] == ["Missions"]
    _screen(page, "20-referent-index")
    page.goto(portal_url(None, reverse("admin:missions_mission_add")))
    expect(page.get_by_label("Type de mission")).to_have_count(0)
    expect(page.get_by_label("Association")).to_have_value(str(restos.pk))
    page.get_by_label("Titre").fill("Distribution alimentaire du samedi")
    page.get_by_label("Ce qui est demandé").fill("Préparer et distribuer les colis, 2 heures.")
    page.locator("#id_starts_at_0").fill(
        f"{timezone.localdate() + datetime.timedelta(days=9):%d/%m/%Y}"
    )
    page.locator("#id_starts_at_1").fill("09:30")
    page.get_by_label("Nombre de volontaires").fill("6")
    _screen(page, "21-referent-mission-add")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#result_list")).to_contain_text("Distribution alimentaire du samedi")
    expect(page.locator("#result_list")).not_to_contain_text("Une visite de la mairie")
    mission = Mission.objects.get(association=restos)
    assert (mission.kind, mission.commune) == (Mission.Kind.ASSOCIATION, orleans_commune)
    _screen(page, "22-referent-missions")

"""« Messages aux volontaires » in Chromium: a mairie agent writes a crisis message, checks whom
it reaches and how it reads, sends it and follows it; a volunteer answers from a phone,
without signing in; the agent sees the answer and invites the volunteer to a mission. Every
page without an axe violation."""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from missions.models import Participation
from mobilisation.models import CampaignDelivery, Crisis
from tests.factories import MissionFactory, VolunteerFactory

from .test_admin_agent import _no_axe_violation, _sign_in_to_the_admin

SHOTS = Path("/tmp/calls")


def test_a_crisis_message_from_writing_to_the_answers_and_a_mission(
    page, browser, portal_url, orleans_agent, orleans, orleans_commune, national
):
    SHOTS.mkdir(exist_ok=True)
    crisis = Crisis.objects.create(
        territory=orleans,
        kind=Crisis.Kind.HEATWAVE,
        message="Canicule : prenez des nouvelles de vos voisins.",
        ends_on=timezone.localdate() + datetime.timedelta(days=4),
    )
    helene = VolunteerFactory(
        commune=orleans_commune,
        quartier="La Source",
        contact_consent_at=timezone.now(),
        emergency_available_at=timezone.now(),
        user__first_name="Hélène",
    )
    VolunteerFactory(commune=orleans_commune, contact_consent_at=timezone.now())
    VolunteerFactory(commune=orleans_commune)  # no consent: never reached
    mission = MissionFactory(commune=orleans_commune, title="Porter de l'eau rue Dauphine")

    _sign_in_to_the_admin(page, portal_url, orleans_agent)
    page.goto(portal_url(None, "/admin/mobilisation/campaign/add/"))
    _no_axe_violation(page)
    page.get_by_label("Crise").select_option(label=str(crisis))
    page.get_by_label("Objet").fill("Canicule : qui peut passer voir un voisin ?")
    page.locator("#id_body").fill(
        "La chaleur dure jusqu'à dimanche.\n\nPouvez-vous passer voir une personne seule ?"
    )
    page.get_by_label("Demander une réponse").check()
    page.get_by_label("Seulement les volontaires « disponibles en cas d'urgence »").check()
    page.screenshot(path=SHOTS / "ecrire.png", full_page=True)
    page.get_by_role("button", name="Enregistrer et vérifier avant l'envoi").click()

    expect(page.get_by_text("Ce message partira à 1 volontaire.")).to_be_visible()
    frame = page.frame_locator("iframe")
    expect(frame.get_by_text("Bonjour Hélène,")).to_be_visible()
    expect(frame.get_by_role("link", name="Je suis disponible")).to_be_visible()
    page.locator("iframe").screenshot(path=SHOTS / "apercu.png")
    _no_axe_violation(page)
    send = page.get_by_role("button", name="Envoyer à 1 volontaire")
    send.scroll_into_view_if_needed()  # below the preview, as the agent reads it first
    # A real button, not 19 px of text: the admin's « form .button » rule (padding 2px 3px)
    # shrank a <button class="button"> in a form; a click at its centre sends.
    box = send.bounding_box()
    assert box["height"] >= 32
    page.screenshot(path=SHOTS / "verifier.png", full_page=True)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_text("Envoi lancé à 1 volontaire.")).to_be_visible()
    expect(page.get_by_role("row", name="Remis au serveur d'envoi 1")).to_be_visible()
    _no_axe_violation(page)

    [email] = mail.outbox
    assert email.to == [helene.user.email]
    delivery = CampaignDelivery.objects.get()
    link = email.body.split("Je suis disponible :")[1].split()[0]
    phone = browser.new_context(locale="fr-FR", viewport={"width": 375, "height": 740})
    resident = phone.new_page()
    errors = []  # nothing blocked by the Content-Security-Policy, no missing asset
    resident.on("console", lambda m: m.type == "error" and errors.append(m.text))
    resident.goto(portal_url("orleans", urlsplit(link).path))
    expect(resident.get_by_role("heading", name="Vous êtes disponible ?")).to_be_visible()
    _no_axe_violation(resident)
    resident.screenshot(path=SHOTS / "repondre.png", full_page=True)
    resident.get_by_role("button", name="Je suis disponible").click()
    thanks = resident.get_by_role("heading", name="Merci, votre réponse est transmise")
    expect(thanks).to_be_visible()
    _no_axe_violation(resident)
    assert errors == []
    phone.close()
    delivery.refresh_from_db()
    assert delivery.answer == CampaignDelivery.Answer.AVAILABLE

    page.reload()
    expect(page.get_by_role("heading", name="Disponibles (1)")).to_be_visible()
    page.get_by_role("combobox", name="Mission").click()
    page.keyboard.type("Porter")
    page.get_by_role("option", name=mission.title, exact=False).click()
    invite = page.get_by_role("button", name="Inviter le ou la disponible")
    assert invite.bounding_box()["height"] >= 32
    invite.click()
    invited = page.get_by_text("1 volontaire invité·e à « Porter de l'eau rue Dauphine »")
    expect(invited).to_be_visible()
    _no_axe_violation(page)
    page.screenshot(path=SHOTS / "suivi.png", full_page=True)
    assert mission.participations.get().status == Participation.Status.INVITED

"""One crisis in Chromium, from the switch to the thank-you (issue 17). A mairie agent of Orléans
switches on a heatwave; Hélène, on her phone, ticks « disponible en cas d'urgence » from the
home page's call; the agent writes to those available, checks whom and how, sends; Hélène
answers from the email; a person on the watch's list is paired with her, and her « Besoin
d'aide » of the morning reaches the CCAS; the agent switches it off: the banner goes and Hélène
is thanked. Every page with zero axe violation and within its screen; the emails are those the
SMTP server receives; screenshots in /tmp/journey/ to look at."""

from pathlib import Path
from urllib.parse import urlsplit

from django.utils import timezone
from playwright.sync_api import expect

from mobilisation.tasks import send_watch_mornings
from tests.factories import PASSWORD, BeneficiaryFactory, VolunteerFactory

from ..mobilisation.test_watch import at
from .test_admin_agent import _fits_the_screen, _no_axe_violation, _sign_in_to_the_admin
from .test_crisis import PHONE, _fits

SHOTS = Path("/tmp/journey")


def _check(page, shot: str) -> None:
    """What the person sees: no axe violation, nothing wider than their screen; a picture."""
    _no_axe_violation(page)
    _fits(page, page.viewport_size["width"])
    _fits_the_screen(page)
    page.screenshot(path=SHOTS / f"{shot}.png", full_page=True)


def _link(smtp_server, to: str, label: str) -> str:
    """The path of the link after `label` in the last email `to` received."""
    email = [message for message in smtp_server.messages if message["To"] == to][-1]
    text = email.get_body(("plain",)).get_content()
    return urlsplit(text.split(label, 1)[1].split()[0]).path


def test_a_heatwave_from_the_switch_to_the_thank_you(
    page, browser, portal_url, smtp_server, orleans_agent, orleans, orleans_commune, national
):
    SHOTS.mkdir(exist_ok=True)
    agent = orleans_agent.email
    helene = VolunteerFactory(
        commune=orleans_commune,
        quartier="La Source",
        contact_consent_at=timezone.now(),
        user__email="helene@example.org",
        user__first_name="Hélène",
    )
    VolunteerFactory(commune=orleans_commune, contact_consent_at=timezone.now())  # not available
    BeneficiaryFactory(
        commune=orleans_commune, quartier="La Source", name="Marcelle Dupuis", watched=True
    )

    # The agent switches Orléans into crisis mode.
    _sign_in_to_the_admin(page, portal_url, orleans_agent)
    page.goto(portal_url(None, "/admin/mobilisation/crisis/add/"))
    page.get_by_label("Type de crise").select_option("canicule")
    page.get_by_label("Message aux habitants").fill(
        "Vigilance canicule orange. La salle Eiffel est rafraîchie de 10 h à 18 h."
    )
    _check(page, "01-agent-declenche")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Le mode crise est déclenché à Orléans")).to_be_visible()
    _check(page, "02-agent-crise-en-cours")
    crisis_url = page.url

    # Hélène, on her phone, sees the banner and the call, and says she is available.
    phone = browser.new_context(locale="fr-FR", viewport=PHONE)
    phone.set_default_timeout(10_000)
    resident = phone.new_page()
    errors = []  # nothing blocked by the policy on her phone, no missing asset
    resident.on("console", lambda m: m.type == "error" and errors.append(m.text))
    resident.goto(portal_url("orleans"))
    expect(resident.locator(".crisis-banner")).to_contain_text("Canicule à Orléans")
    call = resident.locator("#que-faire")
    expect(call.get_by_role("heading", level=1)).to_contain_text("Canicule à Orléans")
    _check(resident, "03-habitante-accueil")
    call.get_by_role("link", name="Je suis disponible en cas d'urgence").click()
    resident.get_by_label("Courriel").fill(helene.user.email)
    resident.get_by_label("Mot de passe").fill(PASSWORD)
    resident.get_by_role("button", name="Connexion").click()
    expect(resident.get_by_role("heading", name="Disponible en cas d'urgence")).to_be_visible()
    _check(resident, "04-habitante-disponible-question")
    resident.locator("#contenu").get_by_role(
        "button", name="Je suis disponible en cas d'urgence"
    ).click()
    expect(
        resident.get_by_text("C'est noté : vous êtes disponible en cas d'urgence.")
    ).to_be_visible()
    _check(resident, "05-habitante-disponible")

    # The agent writes to those available, checks whom and how, and sends.
    page.goto(portal_url(None, "/admin/mobilisation/campaign/add/"))
    page.get_by_label("Crise").select_option(label="Canicule (Orléans)")
    page.get_by_label("Objet").fill("Canicule : qui peut passer voir un voisin ?")
    page.locator("#id_body").fill("Pouvez-vous passer voir une personne seule cette semaine ?")
    page.get_by_label("Demander une réponse").check()
    page.get_by_label("Seulement les volontaires « disponibles en cas d'urgence »").check()
    _check(page, "06-agent-ecrit")
    page.get_by_role("button", name="Enregistrer et vérifier avant l'envoi").click()
    expect(page.get_by_text("dont 1 a accepté d'être contacté par sa mairie")).to_be_visible()
    expect(page.get_by_text("Ce message partira à 1 volontaire.")).to_be_visible()
    expect(page.frame_locator("iframe").get_by_text("Bonjour Hélène,")).to_be_visible()
    _check(page, "07-agent-verifie")
    send = page.get_by_role("button", name="Envoyer à 1 volontaire")
    send.scroll_into_view_if_needed()  # below the preview, read first (as in test_calls)
    send.click()
    expect(page.get_by_text("Envoi lancé à 1 volontaire.")).to_be_visible()
    message_url = page.url
    assert smtp_server.recipients() == [helene.user.email]

    # Hélène answers from the email: the link shows a page, its button answers.
    resident.goto(
        portal_url("orleans", _link(smtp_server, helene.user.email, "Je suis disponible :"))
    )
    expect(resident.get_by_role("heading", name="Vous êtes disponible ?")).to_be_visible()
    _check(resident, "08-habitante-repond")
    resident.get_by_role("button", name="Je suis disponible").click()
    expect(
        resident.get_by_role("heading", name="Merci, votre réponse est transmise")
    ).to_be_visible()
    _check(resident, "09-habitante-a-repondu")
    page.goto(message_url)
    expect(page.get_by_role("heading", name="Disponibles (1)")).to_be_visible()
    expect(page.locator("#reponses")).to_contain_text("Hélène")
    _check(page, "10-agent-reponses")

    # Marcelle, on the watch's list, is given to Hélène, who accepts from the email.
    page.goto(portal_url(None, "/admin/mobilisation/watchedperson/"))
    page.get_by_role("link", name="Marcelle Dupuis").click()
    page.get_by_role("row", name="helene@example.org").get_by_role(
        "button", name="Proposer"
    ).click()
    expect(page.get_by_text("C'est proposé")).to_be_visible()
    _check(page, "11-agent-propose")
    resident.goto(
        portal_url("orleans", _link(smtp_server, helene.user.email, "Oui, j'appellerai :"))
    )
    _check(resident, "12-habitante-binome")
    resident.get_by_role("button", name="Oui, j'appellerai").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Merci, c'est noté !")

    # The morning email (beat, at 9 h); Hélène calls Marcelle, who needs help.
    assert send_watch_mornings(at(9).isoformat()) == 1
    resident.goto(portal_url("orleans", _link(smtp_server, helene.user.email, "Besoin d'aide :")))
    expect(resident.get_by_role("heading", level=1)).to_have_text(
        "Marcelle Dupuis a besoin d'aide ?"
    )
    _check(resident, "13-habitante-besoin")
    resident.get_by_label("Ce qu'il faut (facultatif)").fill("Elle n'a plus d'eau fraîche.")
    resident.get_by_role("button", name="Prévenir la mairie").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Merci, c'est transmis")

    # The CCAS is alerted: an email to the agent, whose link opens the board on the alert.
    assert smtp_server.recipients().count(agent) == 1
    page.goto(portal_url(None, _link(smtp_server, agent, "sur le tableau de la veille :")))
    expect(page.get_by_role("link", name="Alerte · Marcelle Dupuis")).to_be_visible()
    _check(page, "14-agent-tableau-de-la-veille")

    # The agent switches crisis mode off: the banner goes, Hélène is thanked.
    page.goto(crisis_url)
    page.get_by_role("link", name="Arrêter le mode crise maintenant").click()
    _check(page, "15-agent-arrete")
    page.get_by_role("button", name="Arrêter le mode crise").click()
    expect(page.get_by_text("Le mode crise est arrêté à Orléans")).to_be_visible()
    resident.goto(portal_url("orleans"))
    expect(resident.locator(".crisis-banner")).to_have_count(0)
    expect(resident.get_by_role("heading", level=1)).to_have_text(
        "Donnez une heure par mois à vos voisins"
    )
    _check(resident, "16-habitante-accueil-apres")
    thanks = smtp_server.messages[-1]
    assert (thanks["To"], thanks["Subject"]) == (
        helene.user.email,
        "Merci pour votre aide pendant la canicule",
    )
    thanked = " ".join(thanks.get_body(("plain",)).get_content().split())
    assert "Le mode crise « canicule » est terminé à Orléans." in thanked
    assert "Pendant ces jours-là, 1 appel de veille a été passé auprès des personnes" in thanked
    # Each email once: the message, the proposal, the morning, the thank-you; the alert.
    assert smtp_server.recipients().count(helene.user.email) == 4
    assert len(smtp_server.messages) == 5
    assert errors == []
    # (Select2 writes style attributes in the admin, which the policy blocks: test_missions_admin.)
    assert [e for e in page.console_errors if not e.startswith("Applying inline style")] == []
    phone.close()

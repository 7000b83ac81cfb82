"""The volunteer's path once in a real browser, with its script, and axe on every page of it."""

import io
import re

from django.core import mail
from pypdf import PdfReader

from tests.factories import PASSWORD as RESIDENT_PASSWORD

from .test_accessibility import AXE

PASSWORD = "Solidarite-de-quartier-2026"


def _no_axe_violation(page):
    results = AXE.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def test_a_resident_becomes_a_volunteer_and_logs_an_hour(
    page, portal_url, loiret, national, orleans_commune
):
    page.goto(portal_url("loiret"))
    page.locator("main").get_by_role("link", name="Je donne mon heure").click()
    page.get_by_label("Courriel").fill("zephirine@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Création de compte").click()
    assert "Vérifiez votre adresse" in page.content()

    link = re.search(r"https?://\S+/compte/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirmer").click()

    # The onboarding: the script offers the commune as soon as the postal code is typed.
    page.wait_for_url(re.compile("/mon-heure/rejoindre/"))
    _no_axe_violation(page)
    page.get_by_label("Prénom").fill("Zéphirine")
    page.locator("#id_last_name").fill("Quatrebarbes")
    page.get_by_label("Votre commune").press_sequentially("45000", delay=30)
    orleans = page.get_by_role("radio", name=re.compile("Orléans"))
    orleans.wait_for()
    assert orleans.is_checked()
    _no_axe_violation(page)
    page.get_by_label("Personnes âgées").check()
    page.get_by_label("J'accepte que la mairie").check()
    page.get_by_role("button", name="Je m'engage à donner une heure par mois").click()

    page.wait_for_url(re.compile("/mon-heure/$"))
    assert "reste à faire" in page.content()
    _no_axe_violation(page)
    page.get_by_label("Durée en minutes").fill("45")
    page.get_by_label("Le geste accompli").select_option(label="Ramasser les déchets dans sa rue")
    page.get_by_role("button", name="J'ai fait mon heure").click()
    assert "Merci ! Votre heure civique est enregistrée." in page.content()
    assert "est faite : 45 min" in page.content()
    assert "« Ramasser les déchets dans sa rue »" in page.content()

    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger l'attestation (PDF)").click()
    text = PdfReader(io.BytesIO(download.value.path().read_bytes())).pages[0].extract_text()
    assert "Zéphirine Quatrebarbes" in text and "Orléans" in text

    paths = ["/mon-heure/historique/", "/mon-heure/profil/", "/compte/donnees/"]
    paths += ["/mon-heure/engagement/pause/", "/mon-heure/engagement/arreter/"]
    for path in paths:
        page.goto(portal_url("loiret", path))
        _no_axe_violation(page)
    assert page.console_errors == []


def _sign_in(page, url, user):
    page.goto(url)
    page.get_by_label("Courriel").fill(user.email)
    page.get_by_label("Mot de passe").fill(RESIDENT_PASSWORD)
    page.get_by_role("button", name="Connexion").click()


def test_the_onboarding_works_without_javascript(
    browser, portal_url, national, orleans_commune, resident
):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    _sign_in(page, portal_url(None, "/compte/login/"), resident)
    page.goto(portal_url(None, "/mon-heure/rejoindre/"))
    page.get_by_label("Votre commune").fill("99999")
    page.get_by_role("button", name="Je m'engage à donner une heure par mois").click()
    assert "Aucune commune française ne correspond" in page.content()
    page.get_by_label("Votre commune").fill("45000")
    page.get_by_label("Prénom").fill("Hélène")
    page.locator("#id_last_name").fill("Robin")
    page.get_by_role("button", name="Je m'engage à donner une heure par mois").click()
    assert "Bienvenue !" in page.content()
    context.close()


def test_onboarding_errors_have_no_axe_violation(
    page, portal_url, national, orleans_commune, resident
):
    # (axe runs scripts: this is the page with JavaScript on.)
    _sign_in(page, portal_url(None, "/compte/login/"), resident)
    page.goto(portal_url(None, "/mon-heure/rejoindre/"))
    page.get_by_label("Prénom").fill("")
    page.get_by_label("Votre commune").fill("Bruxelles")
    page.get_by_role("button", name="Je m'engage à donner une heure par mois").click()
    assert "Ce champ est obligatoire" in page.content()
    assert "Aucune commune française ne correspond à « Bruxelles »" in page.content()
    _no_axe_violation(page)

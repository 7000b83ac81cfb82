"""Every public page, on the national and a department portal: zero axe-core violations."""

import io

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from heurecivique.months import first_of_month
from missions.models import Mission
from mobilisation.models import Signature
from mobilisation.services import confirm_url, withdraw_url
from tests.factories import (
    PASSWORD,
    MissionFactory,
    SignatureFactory,
    VolunteerFactory,
    attestation_facts,
)
from tests.public_pages import public_paths
from volunteers.follow_up.emails import preview
from volunteers.links import Action, action_path, unsubscribe_path

AXE = Axe()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _photo() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (800, 600), "#4f7942").save(output, format="JPEG")
    return output.getvalue()


def _assert_accessible(page, url, status=200):
    response = page.goto(url)
    assert response.status == status, url
    results = AXE.run(page)
    assert results.violations_count == 0, f"{url}\n{results.generate_report()}"
    # Nothing blocked by the Content-Security-Policy, no missing asset.
    errors = [e for e in page.console_errors if f"status of {status}" not in e or status == 200]
    assert errors == [], f"{url}: {errors}"


def test_every_public_page_has_no_axe_violation(
    page, portal_url, client, loiret, national, orleans_commune
):
    MissionFactory(commune=orleans_commune, kind=Mission.Kind.COLLECTIVE, places=10)
    paths = public_paths(client)
    assert "/missions/" in paths and "/missions/coup-de-main/" in paths
    assert len(paths) >= 7
    for slug in (None, "loiret"):
        for path in paths:
            _assert_accessible(page, portal_url(slug, path))


def test_error_pages_and_form_errors_have_no_axe_violation(page, portal_url, national):
    _assert_accessible(page, portal_url(None, "/cette-page-n-existe-pas/"), status=404)

    page.goto(portal_url(None, reverse("account_signup")))
    page.get_by_label("Courriel").fill("pas-une-adresse")
    page.get_by_label("Mot de passe", exact=False).first.fill("123")
    page.get_by_role("button", name="Création de compte").click()
    page.wait_for_load_state()
    assert "Saisissez une adresse de courriel valide" in page.content()
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_skip_link_is_the_first_stop_of_the_keyboard(page, portal_url, national):
    page.goto(portal_url())
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_pages_render_without_javascript(browser, portal_url, loiret, national):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(portal_url("loiret"))
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Donnez une heure par mois à vos voisins"
    )
    assert page.get_by_role("link", name="Je donne mon heure").first.is_visible()
    page.goto(portal_url("loiret", reverse("account_login")))
    assert page.get_by_label("Mot de passe").is_visible()
    context.close()


def test_the_loiret_portal_wears_its_colours(page, portal_url, loiret, national):
    page.goto(portal_url("loiret"))
    header_colour = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert header_colour == "rgb(0, 88, 124)"  # #00587c
    page.goto(portal_url())
    national_colour = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert national_colour == "rgb(27, 58, 107)"  # #1b3a6b


def test_the_account_pages_have_no_axe_violation(page, portal_url, resident, national):
    page.goto(portal_url(None, reverse("account_login")))
    page.get_by_label("Courriel").fill(resident.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_load_state()
    for name in (
        "account_email",
        "account_change_password",
        "gestes:propose",
        "gestes:my_proposals",
    ):
        _assert_accessible(page, portal_url(None, reverse(name)))
    # The idea box and the initiative form with their errors shown.
    for name, button in (
        ("gestes:propose", "Envoyer ma proposition"),
        ("initiatives:propose", "Envoyer pour publication"),
    ):
        page.goto(portal_url(None, reverse(name)))
        if name == "initiatives:propose":  # with the photo it keeps across the errors
            page.locator("input[name='form-0-image']").set_input_files(
                files=[{"name": "potager.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
            )
            page.locator("input[name='form-0-alt_text']").fill("Le potager")
        page.get_by_role("button", name=button).click()
        assert "Ce champ est obligatoire" in page.content()
        assert ("Photo n° 1 gardée" in page.content()) == (name == "initiatives:propose")
        results = AXE.run(page)
        assert results.violations_count == 0, results.generate_report()


def test_the_pages_of_the_email_links_have_no_axe_violation(
    page, portal_url, resident, orleans_commune, loiret, national
):
    volunteer = VolunteerFactory(user=resident, commune=orleans_commune)
    month = first_of_month(timezone.localdate())
    for action in Action:
        _assert_accessible(page, portal_url("loiret", action_path(resident.pk, action, month)))
    _assert_accessible(page, portal_url("loiret", unsubscribe_path(resident.pk, "rappel")))
    _assert_accessible(page, portal_url("loiret", "/mon-heure/courriel/abimé/"), status=400)

    # Confirming is one button, and the answer is accessible too.
    page.goto(portal_url("loiret", action_path(resident.pk, Action.DONE, month)))
    page.get_by_role("button", name="Oui, c'est fait !").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Merci, Hélène !"
    assert AXE.run(page).violations_count == 0
    assert volunteer.hours.count() == 1

    # The email itself, as a mail client shows it: the WCAG rules (the best practices of web
    # pages, such as landmarks, do not apply to an email).
    email = page.context.new_page()
    email.set_content(preview(volunteer, show_name=True).alternatives[0].content)
    results = AXE.run(email, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()
    page.console_errors.clear()  # the 400 of the damaged link, above

    page.goto(portal_url("loiret", reverse("account_login")))
    page.get_by_label("Courriel").fill(resident.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_load_state()
    _assert_accessible(page, portal_url("loiret", reverse("volunteers:email_preferences")))


def test_the_page_checking_an_attestation_has_no_axe_violation(page, portal_url, national):
    facts = attestation_facts()
    _assert_accessible(page, portal_url(None, reverse("attestation_check", args=[facts.reference])))
    bad = reverse("attestation_check", args=["inventee"])
    _assert_accessible(page, portal_url(None, bad), status=404)


def test_the_pages_of_the_appeal_have_no_axe_violation(
    page, portal_url, orleans_commune, loiret, orleans, national
):
    # The form with its errors, then a real signature through it.
    page.goto(portal_url("loiret", reverse("mobilisation:sign")))
    page.get_by_role("button", name="Signer l'Appel").click()
    assert "Cochez cette case pour signer." in page.content()
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()
    page.console_errors.clear()  # the 400 of the form with errors

    signature = SignatureFactory(commune=orleans_commune, status=Signature.Status.UNCONFIRMED)
    confirm = confirm_url(signature).split("lheurecivique.fr", 1)[1]
    withdraw = withdraw_url(signature).split("lheurecivique.fr", 1)[1]
    _assert_accessible(page, portal_url("orleans", confirm))
    page.get_by_role("button", name="Je confirme ma signature").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Merci, votre adresse est confirmée"
    assert AXE.run(page).violations_count == 0
    _assert_accessible(page, portal_url("orleans", withdraw))
    _assert_accessible(page, portal_url("orleans", reverse("mobilisation:sign_sent")))
    Signature.objects.filter(pk=signature.pk).update(status=Signature.Status.VERIFIED)
    _assert_accessible(page, portal_url("orleans", reverse("mobilisation:badge", args=["45234"])))


def test_signing_works_without_javascript(browser, portal_url, orleans_commune, loiret, national):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(portal_url("loiret", reverse("mobilisation:sign")))
    page.locator("#id_first_name").fill("Claire")
    page.locator("#id_last_name").fill("Morin")
    page.get_by_label("Votre adresse électronique").fill("claire.morin@example.org")
    page.locator("#id_mandate").select_option("maire")
    page.get_by_label("au féminin", exact=False).check()
    page.get_by_label("La commune de votre mandat").fill("Orléans")
    page.get_by_label("J'atteste exercer ce mandat", exact=False).check()
    page.get_by_role("button", name="Signer l'Appel").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Merci ! Confirmez votre signature"
    assert Signature.objects.get().commune == orleans_commune
    assert Signature.objects.get().title == "maire d'Orléans"
    context.close()

"""Two-factor authentication in a real browser: staff enrol before the admin, then sign in with a
code; a resident turns it on without JavaScript."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from territories.models import Membership
from tests.factories import PASSWORD, UserFactory, totp_code

from .test_accessibility import AXE


def _no_axe_violation_nor_blocked_asset(page):
    results = AXE.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    assert page.console_errors == [], f"{page.url}: {page.console_errors}"


def _sign_in(page, user):
    page.get_by_label("Courriel").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_load_state()


def _qr_code_is_drawn(page) -> bool:
    return page.locator("img.totp-qr").evaluate("img => img.complete && img.naturalWidth > 0")


def _wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def test_staff_enrol_before_the_admin_then_sign_in_with_a_code(page, portal_url, loiret, national):
    officer = UserFactory(email="agnes@loiret.example.org", first_name="Agnès")
    Membership.objects.create(
        user=officer, territory=loiret, role=Membership.Role.DEPARTMENT_OFFICER
    )

    # Signing in on the way to the admin leads to the activation page, which says why.
    page.goto(portal_url(None, "/admin/"))
    _sign_in(page, officer)
    page.wait_for_url(re.compile(re.escape(reverse("mfa_activate_totp")) + "$"))
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Activer la double authentification"
    )
    expect(
        page.get_by_role("status").get_by_text(
            "Pour accéder à l'administration, activez d'abord la double authentification."
        )
    ).to_be_visible()
    assert _qr_code_is_drawn(page)
    _no_axe_violation_nor_blocked_asset(page)

    # The key is read off the page, as a person without a camera would copy it.
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    code = totp_code(secret)
    page.get_by_label("Code affiché par l'application").fill(_wrong(code))
    page.get_by_role("button", name="Activer la double authentification").click()
    expect(
        page.locator(".invalid-feedback").get_by_text("Ce code n'est pas valable.")
    ).to_be_visible()
    assert _qr_code_is_drawn(page)
    _no_axe_violation_nor_blocked_asset(page)
    page.goto(portal_url(None, "/admin/"))
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Activer la double authentification"
    )

    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code affiché par l'application").fill(totp_code(secret))
    page.get_by_role("button", name="Activer la double authentification").click()

    # The recovery codes, shown and saved to a file.
    assert page.get_by_role("heading", level=1).inner_text() == "Vos codes de récupération"
    expect(page.get_by_text("Application d'authentification activée.")).to_be_visible()
    _no_axe_violation_nor_blocked_asset(page)
    shown = page.locator(".recovery-codes code").all_inner_texts()
    assert len(shown) == 10
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger les codes").click()
    saved = download.value.path().read_text()
    assert re.findall(r"^\d{8}$", saved, re.MULTILINE) == shown

    page.get_by_role("link", name="continuer vers l'administration").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()

    page.get_by_role("button", name="Déconnexion").click()
    page.goto(portal_url(None, "/admin/"))
    _sign_in(page, officer)

    # Signing in again asks for the code; a wrong one is refused, in French.
    page.wait_for_url(re.compile(re.escape(reverse("mfa_authenticate"))))
    assert page.get_by_role("heading", level=1).inner_text() == "Double authentification"
    _no_axe_violation_nor_blocked_asset(page)
    code = totp_code(secret)
    page.get_by_label("Code de vérification").fill(_wrong(code))
    page.get_by_role("button", name="Se connecter").click()
    expect(
        page.locator(".invalid-feedback").get_by_text("Ce code n'est pas valable.")
    ).to_be_visible()
    _no_axe_violation_nor_blocked_asset(page)
    page.get_by_label("Code de vérification").fill(code)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


def test_a_resident_turns_it_on_without_javascript(browser, portal_url, resident, national):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(portal_url(None, reverse("account_login")))
    _sign_in(page, resident)

    page.get_by_role("link", name="Mon compte").click()
    page.get_by_role("link", name="Double authentification").click()
    assert "Elle est facultative" in page.content()
    page.get_by_role("link", name="Activer la double authentification").click()
    assert _qr_code_is_drawn(page)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code affiché par l'application").fill(totp_code(secret))
    page.get_by_role("button", name="Activer la double authentification").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Vos codes de récupération"
    assert page.get_by_role("link", name="continuer vers l'administration").count() == 0

    page.get_by_role("link", name="Mon compte").click()
    page.get_by_role("link", name="Double authentification").click()
    assert "Il vous en reste 10 sur 10" in page.content()
    context.close()


def test_the_account_pages_of_two_factor_authentication_have_no_axe_violation(
    page, portal_url, resident, national
):
    page.goto(portal_url(None, reverse("account_login")))
    _sign_in(page, resident)
    page.goto(portal_url(None, reverse("mfa_index")))
    _no_axe_violation_nor_blocked_asset(page)
    page.get_by_role("link", name="Activer la double authentification").click()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code affiché par l'application").fill(totp_code(secret))
    page.get_by_role("button", name="Activer la double authentification").click()
    for name in ("mfa_index", "mfa_generate_recovery_codes", "mfa_deactivate_totp"):
        page.goto(portal_url(None, reverse(name)))
        _no_axe_violation_nor_blocked_asset(page)
    for name, heading in (
        ("mfa_reauthenticate", "Confirmez votre identité"),
        ("account_reauthenticate", "Confirmer l'accès"),
    ):
        page.goto(portal_url(None, reverse(name)))
        assert page.get_by_role("heading", level=1).inner_text() == heading
        _no_axe_violation_nor_blocked_asset(page)

"""« A phone and an eye »: the menu folds on a phone, form controls and text keep their contrast
in every portal's colours (WCAG 1.4.3 and 1.4.11, which axe does not measure on borders), and
long words never widen the page. Measured in Chromium, from the computed styles of real pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from territories.colors import contrast_ratio, validate_primary_color, validate_secondary_color
from tests.factories import (
    PASSWORD,
    CommuneFactory,
    GesteFactory,
    InitiativeFactory,
    TerritoryFactory,
    totp_code,
)

AXE = Axe()
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 800}
# Bootstrap's own blue and its focus shades: none may be left once the portal's colours apply.
BOOTSTRAP_BLUES = ("13, 110, 253", "134, 183, 254")
# The lightest primary colour and the darkest secondary colour a portal may choose (each just
# above 4.5:1 against its text): the hardest case for the shades derived from them.
EXTREME = {"primary_color": "#008a00", "secondary_color": "#808080"}

# The colours of an element, each blended over what lies under it, as "#rrggbb".
COLOURS_JS = """
(element) => {
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => top[3] >= 1 ? top : [0, 1, 2].map(
    (i) => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const backdrop = (node) => {
    const layers = [];
    for (; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour && colour[3] > 0) layers.push(colour);
      if (colour && colour[3] >= 1) break;
    }
    return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]);
  };
  const hex = (c) => "#" + c.slice(0, 3).map(
    (v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  const style = getComputedStyle(element);
  const around = backdrop(element.parentElement);
  const own = over(parse(style.backgroundColor) || [0, 0, 0, 0], around);
  const outline = parse(style.outlineColor);
  return {
    around: hex(around),
    background: hex(own),
    border: hex(over(parse(style.borderTopColor), own)),
    outline: style.outlineStyle === "none" || !outline ? null : hex(over(outline, around)),
    text: hex(over(parse(style.color), own)),
    weight: Number(style.fontWeight),
    all: [style.borderTopColor, style.backgroundColor, style.outlineColor, style.boxShadow]
      .join(" "),
  };
}
"""

# The texts that run past the right edge of the window, even when a box clips them.
OVERFLOWING_TEXT_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    if (node.parentElement.closest(".visually-hidden")) continue;  // read aloud, never shown
    const range = document.createRange();
    range.selectNodeContents(node);
    if ([...range.getClientRects()].some((rect) => rect.right > width + 1)) {
      found.push(node.textContent.trim().slice(0, 60));
    }
  }
  return found;
}
"""

CONTROLS = (
    "main input:not([type=hidden]):not([type=submit]):not([type=button]), main select, "
    "main textarea"
)


def _colours(locator):
    return locator.evaluate(COLOURS_JS)


def _no_bootstrap_blue(colours, what):
    assert not any(blue in colours["all"] for blue in BOOTSTRAP_BLUES), f"{what}: {colours}"


def _check_controls(page, what):
    """Every visible control's edge stands out at 3:1 from the page and from its own inside."""
    controls = [c for c in page.locator(CONTROLS).all() if c.is_visible()]
    assert controls, what
    for control in controls:
        colours = _colours(control)
        name = f"{what} #{control.get_attribute('id')}"
        assert contrast_ratio(colours["border"], colours["around"]) >= 3, (name, colours)
        if control.get_attribute("type") not in ("checkbox", "radio"):
            assert contrast_ratio(colours["border"], colours["background"]) >= 3, (name, colours)
        _no_bootstrap_blue(colours, name)


def _check_checked_and_focused(page, selector, what):
    """A ticked box or radio, and a focused control, in the portal's colours at 3:1."""
    control = page.locator(selector).first
    if control.get_attribute("type") in ("checkbox", "radio"):
        control.check()
        colours = _colours(control)
        assert contrast_ratio(colours["background"], colours["around"]) >= 3, (what, colours)
        assert contrast_ratio(colours["background"], "#ffffff") >= 3, (what, colours)  # tick
        _no_bootstrap_blue(colours, what)
    control.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focused from the keyboard: :focus-visible
    colours = _colours(control)
    assert colours["outline"], (what, colours)
    assert contrast_ratio(colours["outline"], colours["around"]) >= 3, (what, colours)
    _no_bootstrap_blue(colours, what)


def _check_text(page, what):
    """Body text is regular or bolder and at 4.5:1 from what it is written on."""
    body = _colours(page.locator("body"))
    assert contrast_ratio(body["text"], body["background"]) >= 4.5, (what, body)
    selector = "main p, main li, main dd, main dt, main label, main .form-text, main .lead"
    for element in page.locator(selector).all():
        if not element.is_visible() or not element.inner_text().strip():
            continue
        colours = _colours(element)
        text = element.inner_text()[:40]
        assert colours["weight"] >= 400, (what, text, colours)
        assert contrast_ratio(colours["text"], colours["background"]) >= 4.5, (what, text, colours)


def _sign_in(page, url, user, code=False):
    page.goto(url)
    page.get_by_label("Courriel").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_load_state()
    if code:
        page.get_by_label("Code de vérification").fill(totp_code())
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()


@pytest.fixture
def extreme(db):
    validate_primary_color(EXTREME["primary_color"])
    validate_secondary_color(EXTREME["secondary_color"])
    return TerritoryFactory(slug="contraste", name="Contraste", **EXTREME)


@pytest.mark.parametrize("slug", [None, "contraste"])
def test_form_controls_pagination_and_text_keep_their_contrast(
    page, portal_url, resident, national, extreme, slug
):
    GesteFactory.create_batch(30)  # two pages of gestes
    page.goto(portal_url(slug, reverse("gestes:list") + "?page=2"))
    _check_controls(page, "gestes")
    _check_text(page, "gestes")
    for link in page.locator(".page-link").all():
        colours = _colours(link)
        assert contrast_ratio(colours["border"], colours["around"]) >= 3, colours
        assert contrast_ratio(colours["text"], colours["background"]) >= 4.5, colours
        _no_bootstrap_blue(colours, "pagination")
    current = _colours(page.locator(".page-item.active .page-link"))
    assert contrast_ratio(current["background"], current["around"]) >= 3, current
    page.locator(".page-link").first.focus()
    page.keyboard.press("Tab")
    focused = _colours(page.locator(".page-link:focus"))
    assert contrast_ratio(focused["outline"], focused["around"]) >= 3, focused
    _no_bootstrap_blue(focused, "pagination focus")

    page.goto(portal_url(slug))
    _check_text(page, "accueil")

    # The sign-up form with its errors: red edges, still at 3:1.
    page.goto(portal_url(slug, reverse("account_signup")))
    page.get_by_role("button", name="Création de compte").click()
    page.wait_for_load_state()
    _check_controls(page, "inscription avec erreurs")
    _check_text(page, "inscription avec erreurs")

    # Radios and boxes, ticked and focused, in the idea box.
    _sign_in(page, portal_url(slug, reverse("account_login")), resident)
    page.goto(portal_url(slug, reverse("gestes:propose")))
    _check_controls(page, "proposer un geste")
    _check_checked_and_focused(page, "main input[type=radio]", "bouton radio")
    _check_checked_and_focused(page, "main input[type=checkbox]", "case à cocher")
    _check_checked_and_focused(page, "main input[type=text]", "champ texte")

    # The message to an organiser is written in a band of the secondary colour.
    initiative = InitiativeFactory(commune=extreme.commune)
    page.goto(portal_url(slug, reverse("initiatives:detail", args=[initiative.slug])))
    _check_controls(page, "initiative")
    _check_text(page, "initiative")
    _check_checked_and_focused(page, ".band textarea", "message dans un bandeau")


def test_the_staff_menu_folds_on_a_phone(page, portal_url, loiret_agent, loiret, national):
    _sign_in(page, portal_url("loiret", reverse("account_login")), loiret_agent, code=True)
    page.set_viewport_size(PHONE)
    page.goto(portal_url("loiret", reverse("gestes:list")))
    header = page.locator(".site-header")
    admin = page.get_by_role("link", name="Administration")
    menu = page.locator(".site-nav summary")
    # One line: the brand and « Menu »; the links wait behind it.
    assert header.bounding_box()["height"] <= 90
    assert menu.is_visible() and menu.inner_text().strip() == "Menu"
    assert not admin.is_visible()
    assert AXE.run(page).violations_count == 0

    # From the keyboard: skip link, brand, then « Menu », opened with Enter.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Menu"
    page.keyboard.press("Enter")
    assert admin.is_visible()
    assert page.get_by_role("button", name="Se déconnecter").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()
    page.keyboard.press("Enter")
    assert not admin.is_visible()

    # On a desktop, the same list is a row and « Menu » is gone.
    page.set_viewport_size(DESKTOP)
    assert not menu.is_visible()
    assert admin.is_visible()
    assert header.bounding_box()["height"] <= 90
    assert AXE.run(page).violations_count == 0


def test_the_menu_folds_without_javascript(browser, portal_url, loiret, national):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    page.goto(portal_url("loiret"))
    join = page.locator(".site-nav").get_by_role("link", name="Je donne mon heure")
    assert not join.is_visible()
    page.locator(".site-nav summary").click()
    assert join.is_visible()
    context.close()


def test_long_words_wrap_on_a_320_pixel_screen(page, portal_url, loiret, loiret_department):
    long_name = "Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson"
    # An address has no hyphen to break at: 70 characters in one piece.
    address = "https://www.mairie.fr/vieassociative/repaircafe/inscription?ref=ABCDEFGHIJ"
    commune = CommuneFactory(insee_code="45999", name=long_name, department=loiret_department)
    initiative = InitiativeFactory(
        title=f"Repair café {address}",
        summary=f"Tous les samedis à {long_name} : {address}",
        body=f"Le programme est sur {address}, et à la mairie de {long_name}.",
        place=f"Salle des fêtes de {long_name}",
        commune=commune,
    )
    geste = GesteFactory(
        title=f"Aider à {address}",
        summary=f"Voir {address} à {long_name}",
        how_to=f"Écrivez à {address}",
    )
    page.set_viewport_size({"width": 320, "height": 800})
    for path in (
        reverse("home"),
        reverse("initiatives:list"),
        reverse("initiatives:detail", args=[initiative.slug]),
        reverse("gestes:list") + f"?q={long_name}",
        reverse("gestes:detail", args=[geste.slug]),
    ):
        page.goto(portal_url("loiret", path))
        assert path == reverse("home") or long_name in page.content(), path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path}: {width} px wide"
        assert page.evaluate(OVERFLOWING_TEXT_JS) == [], path


def test_my_initiatives_fit_a_phone(page, portal_url, loiret, loiret_department, resident):
    commune = CommuneFactory(
        insee_code="45998", name="Saint-Denis-en-Val", department=loiret_department
    )
    InitiativeFactory(
        title="Repair café du quartier Saint-Marceau", commune=commune, organiser=resident
    )
    page.set_viewport_size({"width": 375, "height": 800})
    _sign_in(page, portal_url("loiret", reverse("account_login")), resident)
    page.goto(portal_url("loiret", reverse("initiatives:mine")))
    assert "Repair café du quartier Saint-Marceau" in page.content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"« Mes initiatives » is {width} px wide"

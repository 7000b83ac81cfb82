"""« Fichiers à télécharger » in Chromium: a Loiret officer sees a file being prepared (its
progress bar, the page reloading itself), asks for another with a mistake then without, and
downloads it; each screen without an axe violation, photographed in SCREENSHOTS."""

import os
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from heurecivique.months import add_months, first_of_month
from pilotage import exports
from pilotage.models import Export, MonthFigures
from pilotage.periods import Period

from .test_accessibility import AXE, WCAG
from .test_admin_agent import _fits_the_screen, _no_axe_violation, _sign_in_to_the_admin

SCREENSHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/exports"))


def _screen(page, name: str) -> None:
    _fits_the_screen(page)
    _no_axe_violation(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_loiret_officer_follows_a_file_being_prepared_then_asks_for_one_and_downloads_it(
    page, portal_url, loiret_agent, loiret, orleans, orleans_commune, national
):
    last_month = add_months(first_of_month(timezone.localdate()), -1)
    MonthFigures.objects.create(
        month=last_month,
        commune=orleans_commune,
        department=orleans_commune.department,
        minutes=9000,
        active=42,
        engaged=60,
        computed_at=timezone.now(),
    )
    # Beat has just counted this month (the nation's row): the dashboard counts nothing again.
    MonthFigures.objects.create(month=add_months(last_month, 1), computed_at=timezone.now())
    running = Export.objects.create(
        kind=Export.Kind.MISSIONS,
        format=Export.Format.XLSX,
        territory=loiret,
        requested_by=loiret_agent,
        status=Export.Status.RUNNING,
        done=1200,
        total=3000,
    )

    _sign_in_to_the_admin(page, portal_url, loiret_agent)
    page.goto(portal_url(None, "/admin/pilotage/export/"))
    expect(page.get_by_role("heading", name="Fichiers à télécharger")).to_be_visible()
    bar = page.get_by_role("progressbar", name="Préparation du fichier « Missions")
    expect(bar).to_have_attribute("value", "1200")
    expect(page.get_by_text("En préparation : 40 % (1\xa0200 lignes sur 3\xa0000)")).to_be_visible()
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)
    _screen(page, "1-en-preparation")

    # She chooses to follow it: the page reloads itself, and says how to stop it.
    page.get_by_role("link", name="Suivre la préparation").click()
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_attribute("content", "3")
    expect(page.get_by_role("link", name="Arrêter la mise à jour automatique")).to_be_visible()
    # axe reports any page that reloads itself; this one does because she asked, and offers
    # to stop (WCAG 2.2.1, RGAA 13.1.1): every other rule holds.
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG},
                                     "rules": {"meta-refresh": {"enabled": False}}})  # fmt: skip
    assert results.violations_count == 0, results.generate_report()
    page.screenshot(path=str(SCREENSHOTS / "1b-suivi.png"), full_page=True)

    # The worker finishes: the next reload shows the link, and the page stops reloading.
    exports.prepare(running.pk)
    page.wait_for_timeout(3500)
    expect(page.get_by_role("link", name="Télécharger Missions")).to_be_visible()
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)
    _screen(page, "2-pret")

    page.get_by_role("link", name="Demander un fichier").click()
    page.get_by_label("Contenu").select_option(label="Heures par mois et par commune")
    page.get_by_label("Format").select_option(label="CSV (tableur)")
    page.get_by_label("Territoire").select_option(label="Orléans")
    page.get_by_label("Du mois de").fill(f"{last_month:%m/%Y}")
    page.get_by_label("au mois de (inclus)").fill(f"{add_months(last_month, -2):%m/%Y}")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le premier mois est après le dernier")).to_be_visible()
    _screen(page, "3-periode-inversee")

    page.get_by_label("au mois de (inclus)").fill(f"{last_month:%m/%Y}")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("est en préparation")).to_be_visible()
    # Embedded and test mode: the task ran in-process as the request ended.
    link = page.get_by_role("link", name="Télécharger Heures par mois et par commune")
    expect(link).to_be_visible()
    _screen(page, "4-demande-prete")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == (
        f"heures-orleans-{last_month:%Y-%m}_{last_month:%Y-%m}.csv"
    )
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "45234;Orléans;150;0;42;60" in content

    # Its own page: what was asked, and the link again.
    label = Period.month(last_month).label
    page.get_by_role("link", name=f"Heures par mois et par commune — {label}", exact=True).click()
    expect(page.get_by_role("heading", name="Fichier demandé")).to_be_visible()
    expect(
        page.get_by_role("link", name="Télécharger Heures par mois et par commune")
    ).to_be_visible()
    _screen(page, "5-fiche")

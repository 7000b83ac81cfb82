"""The heatwave watch in Chromium: the volunteer's emails and one-click pages on a phone, the day's
board and a person's page for the mairie's agent; zero axe-core violation, nothing wider than
the screen. Screenshots under /tmp/watch/ to look at."""

import datetime
from pathlib import Path

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from mobilisation import watch, watch_links
from mobilisation.models import Crisis, WatchCall, WatchPairing
from tests.factories import BeneficiaryFactory

from ..mobilisation.test_watch import at, volunteer
from .test_admin_agent import WIDTH, _fits_the_screen, _no_axe_violation, _sign_in_to_the_admin
from .test_mission_emails import PHONE, _accessible, _html_of_emails

SHOTS = Path("/tmp/watch")


def _shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def _heatwave(territory):
    return Crisis.objects.create(
        territory=territory,
        kind=Crisis.Kind.HEATWAVE,
        message="Buvez de l'eau.",
        starts_at=timezone.now() - datetime.timedelta(hours=12),
        ends_on=timezone.localdate() + datetime.timedelta(days=2),
    )


def test_a_volunteer_accepts_then_reports_on_a_phone(
    browser, page, portal_url, orleans, orleans_commune, loiret, national
):
    _heatwave(loiret)
    helene = volunteer(orleans_commune, "helene@example.org")
    marcelle = BeneficiaryFactory(
        commune=orleans_commune, quartier="La Source", name="Marcelle Dupuis", watched=True
    )
    robert = BeneficiaryFactory(
        commune=orleans_commune, name="Robert Martin", phone="02 38 99 99 99", watched=True
    )
    proposed = watch.propose(beneficiary=marcelle, volunteer=helene, by=None)
    watch.answer_proposal(
        pairing=watch.propose(beneficiary=robert, volunteer=helene, by=None), accept=True
    )
    page.set_viewport_size(PHONE)

    _accessible(page, portal_url("orleans", watch_links.pairing_path(proposed.pk, True)))
    _shot(page, "binome-question")
    page.get_by_role("button", name="Oui, j'appellerai").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Merci, c'est noté !"
    _accessible(page)
    _shot(page, "binome-accepte-pendant-l-alerte")
    proposed.refresh_from_db()
    assert proposed.status == WatchPairing.Status.CONFIRMED

    watch.send_mornings(at(9))
    _html_of_emails(browser)  # the proposals and the morning email
    morning = mail.outbox[-1]
    assert "Marcelle Dupuis" in morning.body and "Robert Martin" in morning.body
    email_page = browser.new_page(viewport=PHONE)
    email_page.set_content(morning.alternatives[0][0])
    _shot(email_page, "courriel-du-matin")
    email_page.close()

    today = timezone.localdate()
    need = portal_url("orleans", watch_links.call_path(proposed.pk, today, "besoin"))
    _accessible(page, need)
    _shot(page, "appel-besoin-question")
    page.get_by_label("Ce qu'il faut (facultatif)").fill("Elle n'a plus d'eau fraîche.")
    page.get_by_role("button", name="Prévenir la mairie").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Merci, c'est transmis"
    _accessible(page)
    _shot(page, "appel-besoin-transmis")
    assert WatchCall.objects.get().alert

    pairing = WatchPairing.objects.get(beneficiary=robert)
    _accessible(page, portal_url("orleans", watch_links.call_path(pairing.pk, today, "bien")))
    _shot(page, "appel-tout-va-bien")
    _accessible(page, portal_url("orleans", watch_links.stop_path(helene.pk)))
    _accessible(page, portal_url("orleans", "/appel/veille/appel/abime/"), status=400)
    page.console_errors.clear()  # the 400 above


def test_the_agent_reads_the_board_and_gives_a_person_to_another_volunteer(
    page, portal_url, orleans_agent, orleans, orleans_commune, loiret, national
):
    _heatwave(loiret)
    today = timezone.localdate()
    names = ["Marcelle Dupuis", "Robert Martin", "Jeanne Roux", "Paul Fort"]
    pairings = {}
    for n, name in enumerate(names):
        person = BeneficiaryFactory(
            commune=orleans_commune, name=name, quartier="La Source", watched=True
        )
        helper = volunteer(orleans_commune, f"v{n}@example.org")
        pairing = watch.propose(beneficiary=person, volunteer=helper, by=None)
        pairings[name] = watch.answer_proposal(pairing=pairing, accept=True)
    watch.report_call(pairing=pairings["Robert Martin"], day=today, outcome="bien")
    watch.report_call(
        pairing=pairings["Paul Fort"], day=today, outcome="besoin", note="Il a très chaud."
    )
    spare = volunteer(orleans_commune, "spare@example.org", emergency=True)

    page.set_viewport_size({"width": WIDTH, "height": 900})
    _sign_in_to_the_admin(page, portal_url, orleans_agent)
    page.get_by_role("link", name="1 alerte de la veille canicule à traiter").click()
    expect(page.get_by_role("link", name="Alerte · Paul Fort")).to_be_visible()
    assert "Jeanne Roux" not in page.content()
    page.get_by_role("link", name="Tous").first.click()
    _no_axe_violation(page)
    _fits_the_screen(page)
    _shot(page, "tableau-de-la-veille")
    rows = page.locator("#result_list tbody tr").all_inner_texts()
    assert [next(n for n in names if n in row) for row in rows] == [
        "Paul Fort",
        "Jeanne Roux",
        "Marcelle Dupuis",
        "Robert Martin",
    ]

    page.get_by_role("link", name="Alerte · Paul Fort").click()
    _no_axe_violation(page)
    _fits_the_screen(page)
    _shot(page, "personne-de-la-veille")
    assert "Il a très chaud." in page.content()
    # Reassigning: withdraw the volunteer, propose the spare one, who is asked by email.
    page.get_by_role("button", name="Retirer").click()
    expect(page.get_by_text("C'est fait : proposez maintenant")).to_be_visible()
    page.get_by_role("row", name="spare@example.org").get_by_role("button", name="Proposer").click()
    expect(page.get_by_text("C'est proposé")).to_be_visible()
    assert (
        watch.active_pairings().get(beneficiary=pairings["Paul Fort"].beneficiary).volunteer
        == spare
    )
    page.get_by_role("button", name="Marquer l'alerte comme traitée").click()
    expect(page.get_by_text("L'alerte est marquée comme traitée.")).to_be_visible()
    _no_axe_violation(page)


def test_a_long_unbroken_note_wraps_on_the_person_s_page(
    page, portal_url, orleans_agent, orleans, orleans_commune, loiret, national
):
    """Audit 8: a 500-character note without a space widened the page to 4,226 px."""
    _heatwave(loiret)
    person = BeneficiaryFactory(commune=orleans_commune, name="Paul Fort", watched=True)
    pairing = watch.propose(
        beneficiary=person, volunteer=volunteer(orleans_commune, "v@example.org"), by=None
    )
    pairing = watch.answer_proposal(pairing=pairing, accept=True)
    watch.report_call(pairing=pairing, day=timezone.localdate(), outcome="besoin", note="A" * 500)
    page.set_viewport_size({"width": WIDTH, "height": 900})
    _sign_in_to_the_admin(page, portal_url, orleans_agent)
    page.goto(portal_url(path=f"/admin/mobilisation/watchedperson/{person.pk}/change/"))
    expect(page.get_by_text("A" * 500)).to_be_visible()
    _fits_the_screen(page)
    _shot(page, "note-longue")

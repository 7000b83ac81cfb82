"""The missions' emails and the pages behind their buttons, in Chromium: zero axe-core violation
(the pages as pages, the emails under the WCAG rules as a mail client shows them), the buttons
used as a volunteer would, and nothing wider than a phone."""

import datetime

from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import timezone

from missions import reminders, services
from missions.links import answer_path, outcome_path
from missions.models import Mission, Participation
from tests.missions.inbox import neighbour_need, volunteer

AXE = Axe()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 375, "height": 800}


def _accessible(page, url=None, status=200):
    if url:
        response = page.goto(url)
        assert response.status == status, url
    results = AXE.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _html_of_emails(browser) -> None:
    page = browser.new_page(viewport=PHONE)
    for message in mail.outbox:
        page.set_content(message.alternatives[0][0])
        results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
        assert results.violations_count == 0, f"{message.subject}\n{results.generate_report()}"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.close()


def test_the_buttons_pages_and_the_emails_have_no_axe_violation(
    browser, page, portal_url, orleans, orleans_commune, loiret, national
):
    need = neighbour_need(orleans_commune)
    alice = volunteer(orleans_commune, "alice@example.org", quartier="Saint-Marceau")
    [invited] = services.invite(mission=need, volunteers=[alice], by=None)
    page.set_viewport_size(PHONE)

    _accessible(page, portal_url("orleans", answer_path(invited.pk, False)))
    _accessible(page, portal_url("orleans", answer_path(invited.pk, True)))
    page.get_by_role("button", name="Oui, je peux").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Merci, vous êtes retenu·e !"
    _accessible(page)
    assert Participation.objects.get().status == Participation.Status.ACCEPTED

    # The reminder (due whatever the hour for a mission in two hours), then « ça s'est bien
    # passé ? » (due whatever the hour two days after: the day after, it waits for 9 h).
    Mission.objects.filter(pk=need.pk).update(
        starts_at=timezone.now() + datetime.timedelta(hours=2)
    )
    reminders.send_due()
    Mission.objects.filter(pk=need.pk).update(starts_at=timezone.now() - datetime.timedelta(days=2))
    reminders.send_due()
    assert [m.subject.split(" ")[0] for m in mail.outbox] == ["Un", "C'est", "Rappel", "Ça"]
    _html_of_emails(browser)

    _accessible(page, portal_url("orleans", outcome_path(invited.pk, services.Outcome.PROBLEM)))
    page.get_by_role("button", name="Envoyer à la mairie").click()
    assert "Dites en quelques mots ce qui s'est passé." in page.content()
    _accessible(page)
    page.get_by_label("Ce qui s'est passé").fill("Personne n'a ouvert la porte.")
    page.get_by_role("button", name="Envoyer à la mairie").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Merci, votre message est transmis"
    _accessible(page)

    _accessible(page, portal_url("orleans", "/missions/suite/abime/"), status=400)
    page.console_errors.clear()  # the 400s above

"""The pages and the email of an account about to be anonymised: zero axe-core violations."""

import datetime

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from tests.factories import UserFactory, VolunteerFactory
from volunteers.follow_up.emails import Composer
from volunteers.links import keep_path
from volunteers.models import Delivery

AXE = Axe()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def test_keep_my_account_and_the_warning_have_no_axe_violation(
    page, portal_url, orleans_commune, loiret, national
):
    long_ago = timezone.now() - datetime.timedelta(days=740)
    user = UserFactory(first_name="Hélène", date_joined=long_ago, last_login=long_ago)
    volunteer = VolunteerFactory(user=user, commune=orleans_commune, created_at=long_ago)
    warning = Delivery.objects.create(
        user=user, kind=Delivery.Kind.INACTIVE_SOON, month=timezone.localdate(), territory=loiret
    )

    page.goto(portal_url("loiret", keep_path(user.pk)))
    assert AXE.run(page).violations_count == 0
    page.get_by_role("button", name="Garder mon compte").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "C'est noté : votre compte est gardé"
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()
    volunteer.refresh_from_db()
    assert volunteer.kept_at is not None

    # The email, as a mail client shows it (the WCAG rules; landmarks do not apply to an email).
    email = page.context.new_page()
    email.set_content(Composer([warning]).message(warning).alternatives[0].content)
    results = AXE.run(email, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()
    assert page.console_errors == []

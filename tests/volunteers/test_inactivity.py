"""Accounts nobody uses: warned a month then a week before, anonymised at the date, kept by a
sign-in or by « Garder mon compte ».

Dates as in test_follow_up.py: the tasks take the day they run for, the people are made inactive
since a moment in the past, and age_warnings() moves the warnings back in time. The same warnings
on a real worker are in test_worker.py.
"""

import datetime
import io
import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from heurecivique.months import add_months
from heurecivique.text import long_date
from territories.models import Membership
from volunteers.links import Action, action_path, keep_path
from volunteers.models import (
    INACTIVITY_MONTHS,
    CivicHour,
    Delivery,
    Pledge,
    Volunteer,
    anonymisation_date,
    start_of_day,
)
from volunteers.stats import counters_for
from volunteers.stats import refresh as refresh_figures
from volunteers.tasks import anonymise_inactive, dispatch, send_deliveries

from ..factories import PASSWORD, CivicHourFactory, UserFactory, VolunteerFactory

TODAY = timezone.localdate()
Kind, Status = Delivery.Kind, Delivery.Status


def days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def noon(day: datetime.date) -> datetime.datetime:
    return start_of_day(day) + datetime.timedelta(hours=12)


def two_years_before(day: datetime.date) -> datetime.datetime:
    return noon(add_months(day, -INACTIVITY_MONTHS))


def inactive_since(moment, *, commune, email, **fields) -> Volunteer:
    """A volunteer whose every trace dates from `moment`: account, sign-in, profile, pledge
    (stopped the same day, so no monthly email gets in the way) and an hour with a note."""
    user = UserFactory(
        email=email,
        first_name=email.split("@")[0].capitalize(),
        date_joined=moment,
        last_login=moment,
    )
    volunteer = VolunteerFactory(
        user=user, commune=commune, created_at=moment, pledge=False, **fields
    )
    day = timezone.localdate(moment)
    Pledge.objects.create(volunteer=volunteer, started_on=day, ended_on=day)
    CivicHourFactory(
        volunteer=volunteer, done_on=day, created_at=moment, note="Courses de Mme Petit"
    )
    return volunteer


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a task for a day, and what it queued, as the worker would (in-process)."""

    def run(task, day):
        with django_capture_on_commit_callbacks(execute=True):
            return task(day.isoformat())

    return run


@pytest.fixture
def alice(orleans_commune, loiret):
    """Unused for two years forty days from now."""
    return inactive_since(
        two_years_before(TODAY + days(40)),
        commune=orleans_commune,
        email="alice@example.org",
        quartier="Argonne",
        contact_consent_at=two_years_before(TODAY + days(40)),
    )


def subject(message) -> str:
    return " ".join(str(message["Subject"]).split())  # a long subject is folded


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def keep_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/mon-heure/garder-mon-compte/[^\s]+/)", text_of(message))[1]


def age_warnings(count: int) -> None:
    """As if the warnings had been planned `count` days earlier."""
    Delivery.objects.update(created_at=F("created_at") - days(count))


def activity_of(volunteer) -> datetime.datetime:
    return Volunteer.objects.with_last_activity().get(pk=volunteer.pk).last_activity


def test_an_unused_account_is_warned_a_month_then_a_week_before_and_anonymised_at_its_date(
    alice, orleans_commune, loiret, national, smtp_server, run
):
    # « Garder mon compte » clicked in a warning of an earlier period, as long ago.
    Volunteer.objects.filter(pk=alice.pk).update(kept_at=alice.created_at)
    date = anonymisation_date(activity_of(alice))
    active = inactive_since(
        noon(TODAY - days(400)), commune=orleans_commune, email="bruno@example.org"
    )

    assert run(dispatch, date - days(31)) == 0
    assert run(dispatch, date - days(30)) == 1
    [warning] = smtp_server.messages
    assert warning["To"] == "alice@example.org"
    assert (
        subject(warning) == f"Votre compte de l'Heure Civique sera anonymisé le {long_date(date)}"
    )
    text, html = text_of(warning), warning.get_body(("html",)).get_content()
    assert "Bonjour Alice," in text
    assert f"Le {long_date(date)}, votre compte sera anonymisé." in text
    assert f"n'a pas servi depuis le {long_date(timezone.localdate(activity_of(alice)))}" in text
    assert "vous connecter à votre espace avant le" in text and reverse("account_login") in text
    assert "heures que vous avez données resteront comptées" in text
    assert "Garder mon compte</a>" in html and keep_link(warning) in html
    assert "#00587c" in html  # the Loiret's colours
    # Nobody unsubscribes from being told their data is about to be erased.
    assert warning["List-Unsubscribe"] is None and "Ne plus recevoir" not in html

    # Once per period: the next days plan nothing more, until the last week.
    for day in (date - days(30), date - days(29), date - days(8)):
        assert run(dispatch, day) == 0
    assert run(dispatch, date - days(7)) == 1
    last = smtp_server.messages[-1]
    assert subject(last) == f"Dernier rappel : votre compte sera anonymisé le {long_date(date)}"
    assert keep_link(last)
    assert run(dispatch, date - days(6)) == 0
    assert smtp_server.recipients() == ["alice@example.org"] * 2

    counters = {t: counters_for(t) for t in (loiret, national)}
    assert run(anonymise_inactive, date - days(1)) == 0
    assert run(anonymise_inactive, date) == 1
    assert run(anonymise_inactive, date) == 0

    # Nothing of the person is left; the hour stays in the counters (her pledge was stopped:
    # she was not counted among the engaged volunteers).
    assert not get_user_model().objects.filter(email="alice@example.org").exists()
    alice.refresh_from_db()
    assert (alice.user, alice.quartier, alice.contact_consent_at, alice.kept_at) == (
        None,
        "",
        None,
        None,
    )
    assert alice.commune == orleans_commune
    assert list(CivicHour.objects.filter(volunteer=alice).values_list("minutes", "note")) == [
        (60, "")
    ]
    assert not Delivery.objects.exclude(user=active.user).exists()
    refresh_figures()
    assert {t: counters_for(t) for t in (loiret, national)} == counters
    active.user.refresh_from_db()  # still there


def test_signing_in_keeps_the_account_for_two_more_years(alice, smtp_server, run):
    date = anonymisation_date(activity_of(alice))
    run(dispatch, date - days(30))
    response = Client().post(
        reverse("account_login"), {"login": "alice@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302

    assert run(dispatch, date - days(7)) == 0
    assert run(anonymise_inactive, date) == 0
    assert len(smtp_server.messages) == 1
    assert anonymisation_date(activity_of(alice)) == add_months(TODAY, INACTIVITY_MONTHS)


def test_keep_my_account_shows_a_page_then_keeps_it_on_post(alice, smtp_server, run):
    date = anonymisation_date(activity_of(alice))
    run(dispatch, date - days(30))
    link = keep_link(smtp_server.messages[0])
    browser = Client()

    # A mail scanner opens every link: it sees a page, and nothing changes.
    page = browser.get(link)
    assert page.status_code == 200
    assert "Garder mon compte ?" in page.text and 'type="submit">Garder mon compte<' in page.text
    alice.refresh_from_db()
    assert alice.kept_at is None

    kept = browser.post(link)
    assert kept.status_code == 200
    assert "votre compte est gardé" in kept.text
    new_date = add_months(TODAY, INACTIVITY_MONTHS)
    assert f"Il ne sera pas anonymisé avant le {long_date(new_date)}" in kept.text
    assert anonymisation_date(activity_of(alice)) == new_date

    assert run(dispatch, date - days(7)) == 0
    assert run(anonymise_inactive, date) == 0
    assert len(smtp_server.messages) == 1
    # The link opened again later: nothing left to do.
    again = browser.get(link)
    assert "Votre compte est gardé" in again.text
    assert 'type="submit">Garder mon compte<' not in again.text

    # Two more years without activity: a new period, new warnings.
    assert run(dispatch, new_date - days(30)) == 1
    assert len(smtp_server.messages) == 2


def test_an_hour_logged_from_an_email_button_keeps_the_account(alice, smtp_server, run):
    date = anonymisation_date(activity_of(alice))
    alice.pledges.update(ended_on=None)  # pledged all along, without the monthly emails
    Volunteer.objects.filter(pk=alice.pk).update(
        reminders_enabled=False, reengagement_enabled=False
    )
    # « C'est fait ! » in an old reminder, without signing in.
    Client().post(action_path(alice.user_id, Action.DONE, TODAY.replace(day=1)))
    assert alice.hours.count() == 2
    assert run(dispatch, date - days(30)) == 0
    assert smtp_server.messages == []


def test_a_sign_in_between_planning_and_sending_stops_the_warning(alice, smtp_server, client):
    date = anonymisation_date(activity_of(alice))
    dispatch((date - days(30)).isoformat())  # planned; the sending waits for the commit
    client.force_login(alice.user)
    send_deliveries(list(Delivery.objects.values_list("pk", flat=True)))
    assert smtp_server.messages == []
    warning = Delivery.objects.get()
    assert warning.status == Status.SKIPPED and "gardé" in warning.detail


def test_a_bouncing_address_is_anonymised_at_its_date_all_the_same(alice, smtp_server, run):
    alice.user.email_bounced_at = timezone.now()
    alice.user.save()
    date = anonymisation_date(activity_of(alice))
    run(dispatch, date - days(30))
    run(dispatch, date - days(7))
    assert smtp_server.messages == []
    assert set(Delivery.objects.values_list("kind", "status")) == {
        (Kind.INACTIVE_SOON, Status.SKIPPED),
        (Kind.INACTIVE_LAST, Status.SKIPPED),
    }
    assert run(anonymise_inactive, date - days(1)) == 0
    assert run(anonymise_inactive, date) == 1


def test_nobody_is_anonymised_without_a_months_notice(orleans_commune, loiret, smtp_server, run):
    """Unused for three years when the rule starts: the date is a month after the first
    warning, and the anonymisation waits for the last warning to be settled."""
    gone = inactive_since(
        noon(TODAY - days(3 * 365)), commune=orleans_commune, email="g@example.org"
    )
    assert run(anonymise_inactive, TODAY) == 0  # never warned

    assert run(dispatch, TODAY) == 1
    assert long_date(TODAY + days(30)) in subject(smtp_server.messages[0])
    age_warnings(22)
    assert run(dispatch, TODAY) == 0
    age_warnings(1)
    assert run(dispatch, TODAY) == 1
    assert long_date(TODAY + days(7)) in subject(smtp_server.messages[1])

    age_warnings(6)
    assert run(anonymise_inactive, TODAY) == 0
    age_warnings(1)
    # Still waiting for a retry: not yet.
    Delivery.objects.filter(kind=Kind.INACTIVE_LAST).update(status=Status.QUEUED)
    assert run(anonymise_inactive, TODAY) == 0
    # Failed after every retry: the retention period is the rule.
    Delivery.objects.filter(kind=Kind.INACTIVE_LAST).update(status=Status.FAILED)
    assert run(anonymise_inactive, TODAY) == 1
    gone.refresh_from_db()
    assert gone.user is None


def test_staff_accounts_are_left_to_their_roles(loiret, orleans_commune, smtp_server, run):
    agent = inactive_since(
        noon(TODAY - days(3 * 365)), commune=orleans_commune, email="agent@example.org"
    )
    Membership.objects.create(
        user=agent.user, territory=loiret, role=Membership.Role.DEPARTMENT_OFFICER
    )
    agent.user.refresh_from_db()
    assert agent.user.is_staff
    run(dispatch, TODAY)
    run(dispatch, TODAY + days(30))
    assert not Delivery.objects.filter(kind__in=[Kind.INACTIVE_SOON, Kind.INACTIVE_LAST]).exists()


def test_an_account_active_on_the_29th_of_february_reaches_its_date_on_the_28th(
    orleans_commune,
):
    leap = inactive_since(
        noon(datetime.date(2024, 2, 29)), commune=orleans_commune, email="leap@example.org"
    )
    day_before = inactive_since(
        noon(datetime.date(2024, 2, 28)), commune=orleans_commune, email="veille@example.org"
    )
    assert anonymisation_date(activity_of(leap)) == datetime.date(2026, 2, 28)

    def inactive_on(day):
        return set(Volunteer.objects.inactive_by(day).values_list("pk", flat=True))

    assert inactive_on(datetime.date(2026, 2, 27)) == set()
    assert inactive_on(datetime.date(2026, 2, 28)) == {leap.pk, day_before.pk}


def test_a_bad_or_expired_keep_link_gets_a_french_page(alice, client):
    good = keep_path(alice.user_id)
    response = client.post(good.replace(":", "x:", 1))
    assert response.status_code == 400 and "Ce lien n&#x27;est pas valide" in response.text
    long_ago = timezone.now() - days(61)
    with mock.patch("django.core.signing.time.time", return_value=long_ago.timestamp()):
        old = keep_path(alice.user_id)
    response = client.post(old)
    assert response.status_code == 400 and "Ce lien a expiré" in response.text
    alice.refresh_from_db()
    assert alice.kept_at is None


def test_the_keep_link_of_an_anonymised_account_says_so(alice, client, run):
    link = keep_path(alice.user_id)
    Delivery.objects.create(
        user=alice.user, kind=Kind.INACTIVE_LAST, month=TODAY, status=Status.SENT
    )
    age_warnings(7)
    run(anonymise_inactive, anonymisation_date(activity_of(alice)))
    response = client.get(link)
    assert response.status_code == 404
    assert "ne correspond plus à aucun compte" in response.text


def test_the_keep_page_costs_a_constant_number_of_queries(
    alice, client, django_assert_max_num_queries
):
    for month in range(12):
        CivicHourFactory(volunteer=alice, done_on=TODAY - days(31 * month))
    # Host map, the volunteer with their last activity, the crises the portal tells of (its
    # banner); then the click itself.
    with django_assert_max_num_queries(3):
        assert client.get(keep_path(alice.user_id)).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.post(keep_path(alice.user_id)).status_code == 200


def test_the_anonymisation_can_be_run_by_hand(orleans_commune):
    gone = inactive_since(noon(TODAY - days(800)), commune=orleans_commune, email="g@example.org")
    Delivery.objects.create(
        user=gone.user, kind=Kind.INACTIVE_LAST, month=TODAY, status=Status.SENT
    )
    age_warnings(7)
    out = io.StringIO()
    call_command("anonymise_inactive", stdout=out)
    assert out.getvalue() == "1 compte(s) inactif(s) anonymisé(s).\n"
    call_command("anonymise_inactive", stdout=out)
    assert out.getvalue().endswith("0 compte(s) inactif(s) anonymisé(s).\n")


def test_the_privacy_page_states_the_rule(client, national):
    page = client.get(reverse("privacy")).text
    assert "après deux ans sans activité" in page
    assert "un mois puis une semaine avant" in page


# --- Staff ------------------------------------------------------------------------------------


@pytest.fixture
def inactive_people(orleans_commune, bordeaux_commune, loiret, gironde):
    """In Orléans, two accounts anonymised within a month and one within two; in Bordeaux, one."""
    soon = two_years_before(TODAY + days(20))
    return [
        inactive_since(soon, commune=orleans_commune, email="a@example.org", quartier="Argonne"),
        inactive_since(soon, commune=orleans_commune, email="b@example.org", quartier="Dunois"),
        inactive_since(
            two_years_before(TODAY + days(60)),
            commune=orleans_commune,
            email="c@example.org",
            quartier="La Source",
        ),
        inactive_since(soon, commune=bordeaux_commune, email="d@example.org", quartier="Bastide"),
    ]


CHANGELIST = "admin:volunteers_volunteer_changelist"


@pytest.mark.parametrize(
    ("persona", "line"),
    [
        ("loiret_agent", "2 comptes inactifs seront anonymisés d'ici 30 jours."),
        ("gironde_agent", "1 compte inactif sera anonymisé d'ici 30 jours."),
        ("national_admin", "3 comptes inactifs seront anonymisés d'ici 30 jours."),
    ],
)
def test_staff_see_how_many_accounts_of_their_territory_will_be_anonymised(
    persona, line, inactive_people, client, request
):
    client.force_login(request.getfixturevalue(persona))
    assert line in client.get(reverse(CHANGELIST)).text


def test_the_filter_lists_the_volunteers_inactive_for_almost_two_years(
    inactive_people, client, loiret_agent
):
    client.force_login(loiret_agent)
    page = client.get(reverse(CHANGELIST)).text
    assert "Inactif depuis près de 2 ans" in page
    filtered = client.get(reverse(CHANGELIST), {"inactif": "oui"}).text
    rows = re.findall(r'<td class="field-quartier">([^<]*)</td>', filtered)
    assert sorted(rows) == ["Argonne", "Dunois"]


def test_the_count_costs_the_same_whatever_the_number_of_volunteers(
    inactive_people, client, loiret_agent, orleans_commune
):
    client.force_login(loiret_agent)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(CHANGELIST), {"inactif": "oui"}).status_code == 200
        return len(captured)

    client.get(reverse(CHANGELIST))  # what is read once and cached (the host map…)
    before = queries()
    for n in range(5):
        inactive_since(
            two_years_before(TODAY + days(10)), commune=orleans_commune, email=f"x{n}@example.org"
        )
    assert queries() == before
    assert "7 comptes inactifs" in client.get(reverse(CHANGELIST)).text

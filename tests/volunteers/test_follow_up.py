"""The year's follow-up, tasks run in-process: who gets which email, what it says, its links.

The same tasks on a real Celery worker, killed mid-batch, are in test_worker.py.
"""

import datetime
import io
import re
from unittest import mock

import pytest
from django.core import signing
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from heurecivique.celery import app as celery_app
from heurecivique.months import first_of_month, previous_month
from heurecivique.text import long_date
from territories.models import Membership
from volunteers import services
from volunteers.follow_up.emails import Composer
from volunteers.follow_up.rules import COMEBACK_GAPS, nudge_day
from volunteers.links import Action, action_path, read_action, unsubscribe_path
from volunteers.models import CivicHour, Delivery, GesteChoice
from volunteers.tasks import dispatch, send_deliveries

from ..factories import (
    CivicHourFactory,
    CommuneFactory,
    GesteFactory,
    InitiativeFactory,
    UserFactory,
    VolunteerFactory,
)

MONTH = first_of_month(timezone.localdate())
DAY = MONTH.replace(day=12)
Kind, Status = Delivery.Kind, Delivery.Status


@pytest.fixture
def run_dispatch(django_capture_on_commit_callbacks):
    """Dispatch a day and send what it queued, as the worker would (tasks run in-process)."""

    def run(day=DAY):
        with django_capture_on_commit_callbacks(execute=True):
            return dispatch(day.isoformat())

    return run


@pytest.fixture
def volunteers(orleans_commune, loiret, smtp_server):
    """Who is due on DAY and who is not."""

    def make(email, **fields):
        pledge = fields.pop("pledge", None)
        return VolunteerFactory(
            user=UserFactory(email=email, first_name=email.split("@")[0].capitalize()),
            commune=orleans_commune,
            reminder_day=fields.pop("reminder_day", DAY.day),
            pledge=pledge,
            **fields,
        )

    people = {
        "due": make("alice@example.org"),
        "due_too": make("bruno@example.org"),
        "other_day": make("chloe@example.org", reminder_day=3),
        "no_reminders": make("denis@example.org", reminders_enabled=False),
        "no_pledge": make("emma@example.org", pledge=False),
        "paused": make("farid@example.org"),
        "bouncing": make("gael@example.org"),
        "stopped": make("hugo@example.org"),
    }
    services.pause_pledge(volunteer=people["paused"])
    services.stop_pledge(volunteer=people["stopped"])
    people["bouncing"].user.email_bounced_at = timezone.now()
    people["bouncing"].user.save()
    for volunteer in people.values():
        if volunteer.pledges.exists():  # active, hence no « vous nous manquez »
            CivicHourFactory(volunteer=volunteer, done_on=previous_month(MONTH))
    return people


def months_before(month, count):
    for _month in range(count):
        month = previous_month(month)
    return month


def subject(message) -> str:
    return str(message["Subject"]).strip()  # a long subject is folded after « Subject: »


def links_of(message) -> dict:
    """The buttons of an email's plain-text part, by action."""
    text = message.get_body(("plain",)).get_content()
    paths = re.findall(r"https?://[^/\s]+(/mon-heure/courriel/[^\s]+/)", text)
    return {read_action(path.split("/")[-2]).action: path for path in paths} | {"text": text}


def test_a_day_sends_one_reminder_to_each_volunteer_due_and_nobody_else(
    volunteers, smtp_server, run_dispatch, settings
):
    settings.PORTAL_SCHEME = "https"
    run_dispatch()
    assert sorted(smtp_server.recipients()) == ["alice@example.org", "bruno@example.org"]
    message = next(m for m in smtp_server.messages if m["To"] == "alice@example.org")
    assert re.match(r"Votre heure (de |d')", subject(message))
    assert "L'Heure Civique · Loiret" in message["From"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<(.+)>", str(message["List-Unsubscribe"]).strip())[1]
    assert unsubscribe.startswith("https://loiret.lheurecivique.fr/desinscription/")
    assert message["Message-ID"].startswith("<suivi-")
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "Bonjour Alice," in text and "Bonjour Alice," in html
    for button in ["C'est fait&nbsp;!", "Pas ce mois-ci", "Proposez-moi un geste"]:
        assert button in html
    assert "#00587c" in html  # the Loiret's colours
    deliveries = Delivery.objects.filter(month=MONTH)
    assert deliveries.count() == 2
    assert set(deliveries.values_list("status", "kind")) == {(Status.SENT, Kind.REMINDER)}


def test_running_the_day_twice_sends_nothing_more(volunteers, smtp_server, run_dispatch):
    assert run_dispatch() == 2
    assert run_dispatch() == 0
    assert len(smtp_server.messages) == 2
    # The next day's run catches up on the days before it, without sending again.
    assert run_dispatch(DAY + datetime.timedelta(days=1)) == 0
    assert len(smtp_server.messages) == 2


def test_a_missed_day_is_caught_up_the_next_morning(volunteers, smtp_server, run_dispatch):
    run_dispatch(DAY + datetime.timedelta(days=2))
    assert sorted(smtp_server.recipients()) == ["alice@example.org", "bruno@example.org"]


def test_the_reminder_suggests_gestes_of_the_month_and_nearby_initiatives(
    volunteers, smtp_server, run_dispatch
):
    done = GesteFactory(title="Déjà fait le mois dernier")
    CivicHour.objects.filter(volunteer=volunteers["due"]).update(geste=done)
    run_dispatch()
    message = next(m for m in smtp_server.messages if m["To"] == "alice@example.org")
    text = links_of(message)["text"]
    assert text.count("/gestes/") == 3
    assert "Déjà fait le mois dernier" not in text


def nearby(message) -> list[str]:
    """The initiatives under « Près de chez vous » in an email's plain text: « titre (commune) »."""
    text = links_of(message)["text"]
    section = text.split("Près de chez vous :")[1] if "Près de chez vous :" in text else ""
    return re.findall(r"^- (.+?) : ", section, flags=re.MULTILINE)


def test_each_volunteer_of_a_batch_sees_their_communes_initiatives_first(
    orleans_commune, saint_jean, bordeaux_commune, loiret, smtp_server, run_dispatch
):
    fleury = CommuneFactory(
        insee_code="45147", name="Fleury-les-Aubrais", department=saint_jean.department
    )
    olivet = CommuneFactory(insee_code="45232", name="Olivet", department=saint_jean.department)
    now = timezone.now()
    for title, commune, days_ago in [
        ("La plus récente", olivet, 1),
        ("Récente", orleans_commune, 20),
        ("Ancienne", orleans_commune, 30),
        ("Plus ancienne", orleans_commune, 40),
        ("La seule", saint_jean, 50),
        ("En Gironde", bordeaux_commune, 0),  # another portal's
    ]:
        InitiativeFactory(
            title=title, commune=commune, published_at=now - datetime.timedelta(days=days_ago)
        )
    InitiativeFactory(title="Pas encore publiée", commune=orleans_commune, status="propose")
    for name, commune in [("orleans", orleans_commune), ("stjean", saint_jean), ("fleury", fleury)]:
        VolunteerFactory(
            user=UserFactory(email=f"{name}@example.org"), commune=commune, reminder_day=DAY.day
        )
    run_dispatch()  # one batch
    seen = {message["To"]: nearby(message) for message in smtp_server.messages}
    assert seen == {
        "orleans@example.org": ["Récente (Orléans)", "Ancienne (Orléans)"],
        "stjean@example.org": ["La seule (Saint-Jean-de-Braye)", "La plus récente (Olivet)"],
        "fleury@example.org": ["La plus récente (Olivet)", "Récente (Orléans)"],
    }


def test_a_batch_is_read_in_a_few_queries_then_each_email_costs_one_update(
    orleans_commune, saint_jean, loiret, smtp_server
):
    theme = GesteFactory().themes.create(name="Voisinage", slug="voisinage")
    for n in range(12):
        volunteer = VolunteerFactory(
            commune=[orleans_commune, saint_jean][n % 2], reminder_day=DAY.day
        )
        volunteer.interests.add(theme)
        CivicHourFactory(volunteer=volunteer, done_on=previous_month(MONTH), geste=GesteFactory())
        InitiativeFactory(commune=volunteer.commune)
    dispatch(DAY.isoformat())  # planned; the sending waits for a commit that never comes here
    ids = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))

    def statements(batch) -> dict:
        with CaptureQueriesContext(connection) as queries:
            send_deliveries(batch)
        verbs = [query["sql"].split()[0] for query in queries.captured_queries]
        return {verb: verbs.count(verb) for verb in ("SELECT", "UPDATE", "INSERT", "DELETE")}

    small, large = statements(ids[:3]), statements(ids[3:])
    assert len(smtp_server.messages) == 12
    # The reads of a batch (deliveries, volunteers, pledges, pauses, interests, hours, the
    # month's theme and gestes, initiatives) do not grow with it.
    assert small["SELECT"] == large["SELECT"] <= 12
    assert (small["UPDATE"], large["UPDATE"]) == (3, 9)
    assert small["INSERT"] == small["DELETE"] == large["INSERT"] == large["DELETE"] == 0
    # The same batch again, as a redelivered task: only the read, nothing sent.
    assert statements(ids)["UPDATE"] == 0
    assert len(smtp_server.messages) == 12


def test_a_day_is_queued_portal_by_portal(
    orleans_commune, bordeaux_commune, loiret, gironde, settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_BATCH_SIZE = 5
    for n in range(10):  # one after the other, as the planning reads them
        VolunteerFactory(commune=[orleans_commune, bordeaux_commune][n % 2], reminder_day=DAY.day)
    with (
        mock.patch("volunteers.follow_up.sending.publish") as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert dispatch(DAY.isoformat()) == 10
    batches = [call.args[1] for call in publish.call_args_list]
    portals = [
        tuple(set(Delivery.objects.filter(pk__in=batch).values_list("territory", flat=True)))
        for batch in batches
    ]
    assert sorted(portals) == sorted([(loiret.pk,), (gironde.pk,)])


def test_done_logs_the_hour_on_post_only_and_once(volunteers, smtp_server, run_dispatch):
    run_dispatch()
    message = next(m for m in smtp_server.messages if m["To"] == "alice@example.org")
    done = links_of(message)[Action.DONE]
    volunteer = volunteers["due"]
    anonymous = Client(HTTP_HOST="loiret.localhost")

    # A mail scanner opens every link: it sees a page, and nothing is logged.
    page = anonymous.get(done)
    assert page.status_code == 200
    assert "Oui, c'est fait !" in page.text
    assert not volunteer.hours.in_month(MONTH).exists()

    anonymous.post(done)
    anonymous.post(done)
    hours = volunteer.hours.in_month(MONTH)
    assert hours.count() == 1 and hours.get().minutes == 60
    assert "était déjà notée" in anonymous.post(done).text


def test_done_names_the_geste_chosen_for_the_month(orleans_volunteer, client):
    geste = GesteFactory()
    GesteChoice.objects.create(volunteer=orleans_volunteer, geste=geste, month=MONTH)
    client.post(action_path(orleans_volunteer.user_id, Action.DONE, MONTH))
    assert orleans_volunteer.hours.get().geste == geste


def test_not_this_month_means_no_nudge(volunteers, smtp_server, run_dispatch):
    run_dispatch()
    message = next(m for m in smtp_server.messages if m["To"] == "alice@example.org")
    skip = links_of(message)[Action.SKIP]
    page = Client().get(skip).text
    month = date_format(MONTH, "F").lower()
    assert f"nous ne vous relancerons pas en {month} : rendez-vous le mois prochain" in page
    assert not Delivery.objects.filter(kind=Kind.NUDGE).exists()  # a GET changes nothing
    assert "C'est noté" in Client().post(skip).text

    run_dispatch(MONTH.replace(day=nudge_day(DAY.day)))
    assert smtp_server.recipients().count("alice@example.org") == 1
    assert smtp_server.recipients().count("bruno@example.org") == 2  # nudged
    nudge = smtp_server.messages[-1]
    assert subject(nudge).startswith("Avez-vous pu donner votre heure")


def test_the_nudge_spares_those_who_logged_their_hour(volunteers, smtp_server, run_dispatch):
    run_dispatch()
    CivicHourFactory(volunteer=volunteers["due"], done_on=MONTH)
    run_dispatch(MONTH.replace(day=nudge_day(DAY.day)))
    assert smtp_server.recipients().count("alice@example.org") == 1
    assert smtp_server.recipients().count("bruno@example.org") == 2


def test_suggest_shows_three_gestes_without_signing_in(orleans_volunteer, client):
    page = client.get(action_path(orleans_volunteer.user_id, Action.SUGGEST, MONTH))
    assert page.status_code == 200
    assert page.text.count('class="geste-card"') == 3


@pytest.mark.parametrize("gap", COMEBACK_GAPS)
def test_after_months_without_an_hour_the_reminder_becomes_a_word_to_come_back(
    gap, orleans_commune, loiret, smtp_server, run_dispatch
):
    long_ago = MONTH - datetime.timedelta(days=400)
    away = VolunteerFactory(commune=orleans_commune, reminder_day=DAY.day, pledge=long_ago)
    CivicHourFactory(volunteer=away, done_on=months_before(MONTH, gap + 1))
    steady = VolunteerFactory(commune=orleans_commune, reminder_day=DAY.day, pledge=long_ago)
    CivicHourFactory(volunteer=steady, done_on=previous_month(MONTH))
    run_dispatch()
    kinds = dict(Delivery.objects.values_list("user_id", "kind"))
    assert kinds == {away.user_id: Kind.COMEBACK, steady.user_id: Kind.REMINDER}
    comeback = next(m for m in smtp_server.messages if m["To"] == away.user.email)
    assert subject(comeback) == "Une heure pour vos voisins ce mois-ci ?"


def test_no_comeback_word_for_those_who_turned_it_off(orleans_commune, smtp_server, run_dispatch):
    away = VolunteerFactory(
        commune=orleans_commune, reminder_day=DAY.day, reengagement_enabled=False
    )
    CivicHourFactory(volunteer=away, done_on=months_before(MONTH, 4))
    run_dispatch()
    assert Delivery.objects.get().kind == Kind.REMINDER


def test_staff_get_the_summary_of_the_previous_month_once(
    loiret, orleans, loiret_agent, orleans_volunteer, smtp_server, run_dispatch
):
    Membership.objects.create(
        user=loiret_agent, territory=orleans, role=Membership.Role.COMMUNE_AGENT
    )
    last_month = previous_month(MONTH)
    geste = GesteFactory(title="Faire les courses")
    CivicHourFactory(volunteer=orleans_volunteer, done_on=last_month, geste=geste, minutes=90)
    run_dispatch(MONTH)
    run_dispatch(MONTH + datetime.timedelta(days=1))
    summaries = [m for m in smtp_server.messages if m["To"] == loiret_agent.email]
    assert len(summaries) == 1
    text = summaries[0].get_body(("plain",)).get_content()
    assert "Loiret" in text and "Orléans" in text
    assert "Temps donné : 1 h 30 (1 action)" in text
    assert "Faire les courses (1 fois)" in text


def test_a_451_is_retried_and_delivered_once(volunteers, smtp_server, run_dispatch):
    smtp_server.answers["alice@example.org"] = ["451 4.7.1 Greylisted, come back later"]
    run_dispatch()
    assert sorted(smtp_server.recipients()) == ["alice@example.org", "bruno@example.org"]
    delivery = Delivery.objects.get(user=volunteers["due"].user)
    assert (delivery.status, delivery.attempts) == (Status.SENT, 2)


def test_a_550_marks_the_address_and_stops(volunteers, smtp_server, run_dispatch):
    smtp_server.answers["alice@example.org"] = ["550 5.1.1 No such user"]
    run_dispatch()
    assert smtp_server.recipients() == ["bruno@example.org"]
    delivery = Delivery.objects.get(user=volunteers["due"].user)
    assert delivery.status == Status.BOUNCED and "550" in delivery.detail
    volunteers["due"].user.refresh_from_db()
    assert volunteers["due"].user.email_bounced_at is not None
    run_dispatch(MONTH.replace(day=nudge_day(DAY.day)))
    assert "alice@example.org" not in smtp_server.recipients()


def test_temporary_failures_stop_after_the_last_attempt(
    volunteers, smtp_server, run_dispatch, settings
):
    settings.REMINDER_MAX_ATTEMPTS = 3
    smtp_server.answers["alice@example.org"] = ["452 4.2.2 Mailbox full"] * 5
    run_dispatch()
    delivery = Delivery.objects.get(user=volunteers["due"].user)
    assert (delivery.status, delivery.attempts) == (Status.FAILED, 3)
    assert "alice@example.org" not in smtp_server.recipients()


def test_a_pause_between_planning_and_sending_sends_nothing(volunteers, smtp_server):
    dispatch(DAY.isoformat())  # planned; the sending waits for the commit that never comes here
    services.pause_pledge(volunteer=volunteers["due"])
    send_deliveries(list(Delivery.objects.values_list("pk", flat=True)))
    assert smtp_server.recipients() == ["bruno@example.org"]
    delivery = Delivery.objects.get(user=volunteers["due"].user)
    assert delivery.status == Status.SKIPPED


# --- Links ------------------------------------------------------------------------------------


def test_a_forged_or_damaged_link_gets_a_french_page(orleans_volunteer, client):
    good = action_path(orleans_volunteer.user_id, Action.DONE, MONTH)
    forged = good.replace(":", "x:", 1)
    for path in [forged, good[:-8] + "/", reverse("volunteers:email_action", args=["nimporte"])]:
        response = client.post(path)
        assert response.status_code == 400, path
        assert "Ce lien n&#x27;est pas valide" in response.text, path
    assert not orleans_volunteer.hours.exists()
    # Someone else's token cannot be made from mine: the signature covers the user.
    payload = signing.loads(good.split("/")[-2], salt="volunteers.links.action")
    assert payload["u"] == orleans_volunteer.user_id


def test_an_expired_link_says_so(orleans_volunteer, client):
    long_ago = timezone.now() - datetime.timedelta(days=60)
    with mock.patch("django.core.signing.time.time", return_value=long_ago.timestamp()):
        old = action_path(orleans_volunteer.user_id, Action.DONE, MONTH)
    response = client.post(old)
    assert response.status_code == 400
    assert "Ce lien a expiré" in response.text
    assert not orleans_volunteer.hours.exists()


def test_one_click_unsubscribe_takes_a_bare_post(orleans_volunteer):
    path = unsubscribe_path(orleans_volunteer.user_id, Kind.REMINDER)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(path)
    assert "Me désinscrire" in page.text
    orleans_volunteer.refresh_from_db()
    assert orleans_volunteer.reminders_enabled  # a GET changes nothing

    # What a mail client sends: no cookie, no CSRF token, this body.
    mail_client = Client(enforce_csrf_checks=True)
    for _twice in range(2):
        response = mail_client.post(
            path,
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert "désinscription enregistrée" in response.text
    orleans_volunteer.refresh_from_db()
    assert not orleans_volunteer.reminders_enabled
    assert orleans_volunteer.nudges_enabled  # only this kind


def test_unsubscribing_from_the_summary_stops_it_for_every_territory(loiret_agent, orleans):
    Membership.objects.create(
        user=loiret_agent, territory=orleans, role=Membership.Role.COMMUNE_AGENT
    )
    Client().post(unsubscribe_path(loiret_agent.pk, Kind.SUMMARY))
    assert not Membership.objects.filter(user=loiret_agent, summary_enabled=True).exists()


def test_a_paused_or_unsubscribed_volunteer_gets_nothing(volunteers, smtp_server, run_dispatch):
    Client().post(unsubscribe_path(volunteers["due_too"].user_id, Kind.REMINDER))
    run_dispatch()
    assert smtp_server.recipients() == ["alice@example.org"]


# --- Preferences -------------------------------------------------------------------------------


def test_the_preferences_page_lists_each_kind_and_saves_them(volunteer_client, orleans_volunteer):
    url = reverse("volunteers:email_preferences")
    page = volunteer_client.get(url).text
    for label in ["Le rappel mensuel", "La relance de fin de mois", "longue absence"]:
        assert label in page
    assert "bilan mensuel" not in page  # not staff
    volunteer_client.post(url, {Kind.REMINDER: "on", Kind.COMEBACK: "on"})
    orleans_volunteer.refresh_from_db()
    assert orleans_volunteer.reminders_enabled
    assert not orleans_volunteer.nudges_enabled
    assert orleans_volunteer.reengagement_enabled


def test_staff_choose_the_summary_there_too(client, loiret_agent):
    client.force_login(loiret_agent)
    url = reverse("volunteers:email_preferences")
    assert "Le bilan mensuel de mon territoire" in client.get(url).text
    client.post(url, {})
    assert not Membership.objects.get(user=loiret_agent).summary_enabled


def test_a_bouncing_address_is_explained_and_can_be_retried(volunteer_client, resident):
    resident.email_bounced_at = timezone.now()
    resident.save()
    url = reverse("volunteers:email_preferences")
    assert "ont été refusés par votre messagerie" in volunteer_client.get(url).text
    volunteer_client.post(url, {"action": "retry"})
    resident.refresh_from_db()
    assert resident.email_bounced_at is None


def test_new_volunteers_spread_over_the_reminder_days(client, orleans_commune):
    days = set()
    for n in range(6):
        user = UserFactory(email=f"nouveau{n}@example.org")
        client.force_login(user)
        form = client.get(reverse("volunteers:join")).context["form"]
        days.add(form.initial["reminder_day"])
    assert len(days) == 6


def test_the_link_pages_cost_a_constant_number_of_queries(
    orleans_volunteer, client, django_assert_max_num_queries
):
    for n in range(12):
        CivicHourFactory(volunteer=orleans_volunteer, done_on=months_before(MONTH, n + 1))
        GesteFactory()
    user_id = orleans_volunteer.user_id
    # Host map, the volunteer, then what the page says: the hour of the month; or the theme of
    # the month and its gestes, the portal's gestes and their themes, the volunteer's interests
    # and recent gestes.
    for action, queries in [(Action.DONE, 4), (Action.SKIP, 4), (Action.SUGGEST, 8)]:
        with django_assert_max_num_queries(queries):
            assert client.get(action_path(user_id, action, MONTH)).status_code == 200
    with django_assert_max_num_queries(2):
        client.get(unsubscribe_path(user_id, Kind.REMINDER))


def test_an_email_that_cannot_be_written_fails_alone(volunteers, smtp_server, run_dispatch):
    original = Composer.message

    def broken_for_alice(self, delivery, *args, **kwargs):
        if delivery.user.email == "alice@example.org":
            raise ValueError("a bug")
        return original(self, delivery, *args, **kwargs)

    with mock.patch.object(Composer, "message", broken_for_alice):
        run_dispatch()
    assert smtp_server.recipients() == ["bruno@example.org"]
    failed = Delivery.objects.get(user=volunteers["due"].user)
    assert failed.status == Status.FAILED and "ValueError" in failed.detail


def test_beat_runs_the_day_every_morning_in_paris_time(settings):
    celery_app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in celery_app.tasks
    daily = settings.CELERY_BEAT_SCHEDULE["daily-follow-up"]["schedule"]
    assert (daily.hour, daily.minute) == ({8}, {0})
    assert celery_app.conf.timezone == "Europe/Paris"


def test_a_day_can_be_sent_by_hand(
    volunteers, smtp_server, django_capture_on_commit_callbacks, caplog
):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True), caplog.at_level("INFO"):
        call_command("send_reminders", "--date", DAY.isoformat(), stdout=out)
    # What the operator reads, the command's output and the log beside it, is all French.
    said = f"Suivi du {long_date(DAY)} : 2 courriels prévus."
    assert out.getvalue().strip() == said
    assert said in [r.getMessage() for r in caplog.records if r.name == "volunteers.tasks"]
    assert len(smtp_server.messages) == 2
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("send_reminders", "--date", "12/11/2026")

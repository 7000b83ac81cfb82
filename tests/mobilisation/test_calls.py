"""« Messages aux volontaires »: written in the admin, counted against a hand count, previewed,
confirmed, sent once each, answered through one-click links, turned into a mission's
invitations; the volunteers' own controls (preference, unsubscribe, monthly cap); crisis
messages and the thank-you when a crisis ends."""

import contextlib
import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gestes.models import Theme
from heurecivique.models import OutgoingEmail
from heurecivique.personal_data import collect
from heurecivique.text import long_date
from missions.models import Mission, Participation
from mobilisation import calls, crises
from mobilisation.demo import load_demo_calls
from mobilisation.models import Campaign, CampaignDelivery, Crisis, WatchCall, WatchPairing
from mobilisation.tasks import requeue_calls
from volunteers.links import unsubscribe_path
from volunteers.models import MONTHLY_CAP, Availability, Skill, Volunteer

from ..conftest import PortalClient
from ..factories import (
    BeneficiaryFactory,
    CommuneFactory,
    MissionFactory,
    UserFactory,
    VolunteerFactory,
)

Status = CampaignDelivery.Status
NOW = timezone.now


def text(response) -> str:
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html).replace("&#x27;", "'").replace("&quot;", '"')


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def consenting(commune, **fields) -> Volunteer:
    return VolunteerFactory(commune=commune, contact_consent_at=NOW(), **fields)


def already_sent(volunteer, count: int, *, crisis=None) -> None:
    """`count` messages of this month already written to the volunteer."""
    for n in range(count):
        campaign = Campaign.objects.create(
            territory=crisis.territory if crisis else _territory_of(volunteer),
            crisis=crisis,
            subject=f"Déjà envoyé {n}",
            body="Bonjour.",
            status=Campaign.Status.SENT,
        )
        CampaignDelivery.objects.create(
            campaign=campaign, volunteer=volunteer, status=Status.WRITTEN, sent_at=NOW()
        )


def _territory_of(volunteer):
    from territories.models import Territory

    return Territory.objects.for_commune(volunteer.commune)


@pytest.fixture
def agent(client, orleans_agent):
    client.force_login(orleans_agent)
    return client


@pytest.fixture
def people(orleans, orleans_commune, bordeaux_commune):
    """The volunteers of Orléans, each left out for one reason but the first two."""
    User = UserFactory._meta.model
    reached = [consenting(orleans_commune), consenting(orleans_commune, quartier="La Source")]
    capped = consenting(orleans_commune)
    already_sent(capped, MONTHLY_CAP)
    once = consenting(orleans_commune)  # one message this month: still reached
    already_sent(once, MONTHLY_CAP - 1)
    inactive = consenting(orleans_commune)
    User.objects.filter(pk=inactive.user_id).update(is_active=False)
    bounced = consenting(orleans_commune)
    User.objects.filter(pk=bounced.user_id).update(email_bounced_at=NOW())
    return {
        "reached": [*reached, once],
        "capped": capped,
        "no_consent": VolunteerFactory(commune=orleans_commune),
        "turned_off": consenting(orleans_commune, calls_enabled=False),
        "no_account": consenting(orleans_commune, user=None),
        "inactive": inactive,
        "bounced": bounced,
        "elsewhere": consenting(bordeaux_commune),
    }


def write(agent, orleans, **fields):
    data = {"territory": orleans.pk, "subject": "Un coup de main samedi ?",
            "body": "Nous cherchons des bras.\n\nRendez-vous place du marché.",
            "pledge": "", **fields}  # fmt: skip
    response = agent.post(reverse("admin:mobilisation_campaign_add"), data)
    assert response.status_code == 302, text(response)
    return Campaign.objects.latest("pk")


def send_page(campaign) -> str:
    return reverse("admin:mobilisation_campaign_send", args=[campaign.pk])


def test_the_count_before_sending_matches_a_hand_count(agent, orleans, people):
    campaign = write(agent, orleans)
    page = text(agent.get(send_page(campaign)))
    # 3 reached, plus the capped one, the one without consent, the one who turned the messages
    # off, the one without account, the inactive and the bouncing ones: 9 live in Orléans.
    assert "9 volontaires du territoire répondent aux conditions choisies" in page
    assert "dont 4 ont accepté d'être contactés par leur mairie" in page
    assert "moins 1 qui a déjà reçu 2 messages" in page
    assert "Ce message partira à 3 volontaires." in page
    expected = {v.pk for v in people["reached"]}
    assert set(calls.recipients(campaign).values_list("pk", flat=True)) == expected


def test_each_condition_narrows_the_segment(agent, orleans, orleans_commune):
    olivet = CommuneFactory(
        insee_code="45232", name="Olivet", department=orleans_commune.department
    )
    theme, skill = Theme.objects.first(), Skill.objects.first()
    interested = consenting(orleans_commune)
    interested.interests.add(theme)
    handy = consenting(orleans_commune, availability=[Availability.WEEKENDS])
    handy.skills.add(skill)
    evenings = consenting(orleans_commune, availability=[Availability.EVENINGS], pledge=False)
    quartier = consenting(orleans_commune, quartier="La Source")
    in_olivet = consenting(olivet)

    def reached(**fields):
        campaign = write(agent, orleans, **fields)
        return set(calls.recipients(campaign).values_list("pk", flat=True))

    everyone = {interested.pk, handy.pk, evenings.pk, quartier.pk}
    if orleans.communes().filter(pk=olivet.pk).exists():
        everyone.add(in_olivet.pk)
    assert reached() == everyone
    assert reached(interests=[theme.pk]) == {interested.pk}
    assert reached(skills=[skill.pk]) == {handy.pk}
    assert reached(availability=[Availability.WEEKENDS, Availability.EVENINGS]) == {
        handy.pk,
        evenings.pk,
    }
    assert reached(quartier="la source") == {quartier.pk}
    assert evenings.pk not in reached(pledge=Campaign.Pledge.RUNNING)
    assert reached(pledge=Campaign.Pledge.NOT_RUNNING) == {evenings.pk}


def test_sent_once_each_in_the_portal_colours_with_the_one_click_unsubscribe(
    agent, orleans, people, smtp_server, django_capture_on_commit_callbacks
):
    campaign = write(agent, orleans, asks_availability="on")
    with django_capture_on_commit_callbacks(execute=True):
        response = agent.post(send_page(campaign), follow=True)
    assert messages_of(response) == ["Envoi lancé à 3 volontaires."]
    assert sorted(smtp_server.recipients()) == sorted(v.user.email for v in people["reached"])
    message = smtp_server.messages[0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/desinscription/" in message["List-Unsubscribe"]
    html = message.get_body(("html",)).get_content()
    assert orleans.primary_color in html and "Rendez-vous place du marché." in html
    assert "Je suis disponible" in message.get_body(("plain",)).get_content()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT and campaign.recipient_count == 3
    assert not OutgoingEmail.objects.exists()
    page = text(agent.get(reverse("admin:mobilisation_campaign_change", args=[campaign.pk])))
    assert "Remis au serveur d'envoi 3" in page
    assert "Échecs 0" in page

    # Confirmed twice (a second tab): nothing more goes out.
    with django_capture_on_commit_callbacks(execute=True):
        agent.post(send_page(campaign))
    assert len(smtp_server.messages) == 3
    # A batch run again (a task redelivered) finds its rows written.
    ids = list(campaign.deliveries.values_list("pk", flat=True))
    assert calls.send_batch(ids) == 0


def test_the_cap_and_the_consent_are_checked_again_at_send_time(
    orleans, orleans_agent, orleans_commune, smtp_server, django_capture_on_commit_callbacks
):
    first, second, third = (consenting(orleans_commune) for _ in range(3))
    campaign = Campaign.objects.create(territory=orleans, subject="Samedi", body="Venez.")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        calls.send(campaign=campaign, by=orleans_agent)
    # Between the confirmation and the batch: two other messages reach the first, the second
    # withdraws their consent, the third turns these messages off.
    already_sent(first, MONTHLY_CAP)
    Volunteer.objects.filter(pk=second.pk).update(contact_consent_at=None)
    Volunteer.objects.filter(pk=third.pk).update(calls_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert smtp_server.messages == []
    details = dict(campaign.deliveries.values_list("volunteer_id", "detail"))
    assert details == {
        first.pk: f"A déjà reçu {MONTHLY_CAP} messages de sa mairie ce mois-ci.",
        second.pk: "N'accepte plus d'être contacté par sa mairie.",
        third.pk: "Désinscrit des messages de sa mairie.",
    }


@pytest.fixture
def heatwave(orleans, orleans_agent):
    return Crisis.objects.create(
        territory=orleans,
        kind=Crisis.Kind.HEATWAVE,
        message="Canicule : prenez des nouvelles de vos voisins.",
        ends_on=timezone.localdate() + datetime.timedelta(days=5),
        started_by=orleans_agent,
    )


def test_a_crisis_message_is_exempt_from_the_cap_never_from_consent(
    agent, orleans, orleans_commune, people, heatwave
):
    emergency = consenting(orleans_commune, emergency_available_at=NOW())
    campaign = write(agent, orleans, crisis=heatwave.pk)
    reached = set(calls.recipients(campaign).values_list("pk", flat=True))
    assert reached == {v.pk for v in people["reached"]} | {people["capped"].pk, emergency.pk}
    page = text(agent.get(send_page(campaign)))
    assert "la limite de 2 messages par mois ne s'applique pas" in page

    campaign = write(agent, orleans, crisis=heatwave.pk, emergency_only="on")
    assert list(calls.recipients(campaign)) == [emergency]
    # Without a crisis, « disponibles en cas d'urgence » is not offered.
    response = agent.post(
        reverse("admin:mobilisation_campaign_add"),
        {"territory": orleans.pk, "subject": "S", "body": "B", "emergency_only": "on"},
    )
    assert "Réservé aux messages d'une crise" in text(response)


def on_orleans() -> PortalClient:
    """A visitor on the Orléans portal, the messages' own."""
    return PortalClient(Client(), "orleans.localhost")


def answered(campaign, volunteer, available=True):
    delivery = campaign.deliveries.get(volunteer=volunteer)
    return calls.answer_path(delivery.pk, available)


@pytest.fixture
def sent_call(orleans, orleans_agent, people, smtp_server, django_capture_on_commit_callbacks):
    campaign = Campaign.objects.create(
        territory=orleans, subject="Samedi", body="Venez.", asks_availability=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        calls.send(campaign=campaign, by=orleans_agent)
    return campaign


def test_the_answer_buttons_act_only_on_post_without_signing_in(
    sent_call, people, django_assert_max_num_queries
):
    first, second, third = people["reached"]
    visitor = on_orleans()
    with django_assert_max_num_queries(8):
        response = visitor.get(answered(sent_call, first))
    assert "Je suis disponible" in text(response)
    assert not CampaignDelivery.objects.exclude(answer="").exists()  # a mail scanner's GET

    response = visitor.post(answered(sent_call, first))
    assert "Merci, votre réponse est transmise" in text(response)
    visitor.post(answered(sent_call, second, available=False))
    answers = dict(sent_call.deliveries.exclude(answer="").values_list("volunteer_id", "answer"))
    assert answers == {first.pk: "disponible", second.pk: "indisponible"}
    assert "Vous avez déjà répondu" in text(visitor.get(answered(sent_call, first)))

    forged = answered(sent_call, first).replace("/message/", "/message/x")
    assert visitor.get(forged).status_code == 400
    assert visitor.post(forged).status_code == 400
    assert sent_call.deliveries.get(volunteer=third).answer == ""


def test_an_answer_link_opened_on_another_portal_leads_to_the_message_s_own(sent_call, people):
    first = people["reached"][0]
    link = answered(sent_call, first)
    elsewhere = PortalClient(Client(), "loiret.localhost")
    for method in (elsewhere.get, elsewhere.post):
        response = method(link + "?via=courriel")
        assert response.status_code == 302
        assert response["Location"] == sent_call.territory.url(link + "?via=courriel")
    assert sent_call.deliveries.get(volunteer=first).answer == ""  # nothing recorded there
    page = on_orleans().get(link).content.decode()
    assert "Le message de votre mairie&nbsp;: <strong>Samedi</strong></p>" in page


def test_the_message_says_the_link_asks_for_a_confirmation(sent_call, smtp_server):
    email = smtp_server.messages[0]
    for part in ("plain", "html"):
        content = " ".join(email.get_body((part,)).get_content().split())
        assert "Un clic suffit" not in content
        assert "ouvre une page où vous confirmez votre réponse" in content


def test_the_board_and_the_invitation_of_those_available_to_a_mission(
    agent, sent_call, people, orleans_commune, django_capture_on_commit_callbacks
):
    first, second, third = people["reached"]
    on_orleans().post(answered(sent_call, first))
    on_orleans().post(answered(sent_call, second))
    on_orleans().post(answered(sent_call, third, available=False))
    page = text(agent.get(reverse("admin:mobilisation_campaign_change", args=[sent_call.pk])))
    assert "Disponibles (2)" in page
    assert first.user.email in page and third.user.email not in page.split("Disponibles")[1]

    mission = MissionFactory(commune=orleans_commune, places=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = agent.post(
            reverse("admin:mobilisation_campaign_invite", args=[sent_call.pk]),
            {"mission": mission.pk},
            follow=True,
        )
    assert messages_of(response)[0].startswith("2 volontaires invité·es à « ")
    invited = set(
        mission.participations.filter(status=Participation.Status.INVITED).values_list(
            "volunteer_id", flat=True
        )
    )
    assert invited == {first.pk, second.pk}


def test_the_mairie_messages_are_turned_off_on_my_emails_and_in_one_click(
    client, orleans_volunteer
):
    client.force_login(orleans_volunteer.user)
    page = reverse("volunteers:email_preferences")
    shown = text(client.get(page))
    assert "Les messages de ma mairie" in shown and "au plus 2 par mois" in shown
    assert "deux ou trois fois par mois" not in shown  # the mairie's messages come on top
    client.post(page, {"rappel": "on", "relance": "on", "retour": "on"})
    orleans_volunteer.refresh_from_db()
    assert not orleans_volunteer.calls_enabled and orleans_volunteer.reminders_enabled
    client.post(page, {"rappel": "on", "relance": "on", "retour": "on", "mairie": "on"})
    orleans_volunteer.refresh_from_db()
    assert orleans_volunteer.calls_enabled

    link = unsubscribe_path(orleans_volunteer.user_id, "mairie")
    visitor = Client()
    shown = visitor.get(link).content.decode()
    assert (
        "Vous ne recevrez plus les courriels «&nbsp;<strong>Messages de ma mairie</strong>" in shown
    )
    assert "Vous ne recevrez plus :" not in shown
    orleans_volunteer.refresh_from_db()
    assert orleans_volunteer.calls_enabled  # a GET changes nothing
    visitor.post(link)
    orleans_volunteer.refresh_from_db()
    assert not orleans_volunteer.calls_enabled and orleans_volunteer.reminders_enabled


def _watch_call(volunteer, commune, at):
    person = BeneficiaryFactory(commune=commune)
    pairing = WatchPairing.objects.create(
        beneficiary=person, volunteer=volunteer, status=WatchPairing.Status.CONFIRMED
    )
    return WatchCall.objects.create(
        pairing=pairing, beneficiary=person, day=at.date(), at=at, outcome=WatchCall.Outcome.FINE
    )


def test_the_thank_you_goes_once_to_those_who_answered_available_with_what_was_done(
    orleans, orleans_agent, orleans_commune, bordeaux_commune, people, heatwave, smtp_server,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    first, second, third = people["reached"]
    campaign = Campaign.objects.create(
        territory=orleans, crisis=heatwave, subject="Canicule", body="Qui peut ?",
        asks_availability=True,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        calls.send(campaign=campaign, by=orleans_agent)
    on_orleans().post(answered(campaign, first))
    on_orleans().post(answered(campaign, second))
    on_orleans().post(answered(campaign, third, available=False))
    done = MissionFactory(commune=orleans_commune)
    Mission.objects.filter(pk=done.pk).update(
        status=Mission.Status.DONE, starts_at=NOW() - datetime.timedelta(hours=2)
    )
    Crisis.objects.filter(pk=heatwave.pk).update(starts_at=NOW() - datetime.timedelta(days=3))
    heatwave.refresh_from_db()
    # Three calls of the watch during the crisis in Orléans; one before it, one in Bordeaux.
    for hours in (1, 5, 30):
        _watch_call(third, orleans_commune, NOW() - datetime.timedelta(hours=hours))
    _watch_call(third, orleans_commune, NOW() - datetime.timedelta(days=5))
    _watch_call(third, bordeaux_commune, NOW() - datetime.timedelta(hours=1))
    smtp_server.messages.clear()

    # The agent switches the crisis off, days before its end: the thank-you goes with it.
    with django_capture_on_commit_callbacks(execute=True):
        assert crises.end(heatwave, by=orleans_agent)
    thanks = Campaign.objects.get(crisis=heatwave, kind=Campaign.Kind.THANKS)
    assert sorted(smtp_server.recipients()) == sorted([first.user.email, second.user.email])
    body = " ".join(smtp_server.messages[0].get_body(("plain",)).get_content().split())
    assert "Le mode crise « canicule » est terminé à Orléans." in body
    assert "La canicule est terminée" not in body  # only the mode was switched off
    assert (
        "Pendant ces jours-là, vous avez été 2 volontaires à vous dire disponibles, 1 mission a "
        "été réalisée et 3 appels de veille ont été passés auprès des personnes fragiles." in body
    )
    assert thanks.kind == Campaign.Kind.THANKS

    # Ended again (beat at its end date, a second click), or thanked again: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert not crises.end(heatwave)
        assert calls.thank(heatwave) is None
    assert len(smtp_server.messages) == 2


def test_the_thank_you_prints_no_zero(
    orleans, orleans_agent, people, heatwave, smtp_server, django_capture_on_commit_callbacks
):
    first = people["reached"][0]
    campaign = Campaign.objects.create(
        territory=orleans, crisis=heatwave, subject="Canicule", body="Qui peut ?",
        asks_availability=True,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        calls.send(campaign=campaign, by=orleans_agent)
    on_orleans().post(answered(campaign, first))
    smtp_server.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        crises.end(heatwave, by=orleans_agent)
    [email] = smtp_server.messages
    body = " ".join(email.get_body(("plain",)).get_content().split())
    assert "Le mode crise « canicule » est terminé à Orléans." in body
    assert " 0 " not in body and "Pendant ces jours-là" not in body
    assert "Merci pour ce que vous avez fait pour vos voisins." in body


def test_only_the_territory_s_staff_write_messages(
    client, orleans, orleans_elected, association_referent, gironde_agent, loiret_agent
):
    campaign = Campaign.objects.create(territory=orleans, subject="Samedi", body="Venez.")
    for user in (orleans_elected, association_referent, gironde_agent):
        client.force_login(user)
        assert client.get(send_page(campaign)).status_code in (302, 403, 404)
        assert client.post(send_page(campaign)).status_code in (302, 403, 404)
        if user is not gironde_agent:  # who writes to the Gironde
            assert client.get(reverse("admin:mobilisation_campaign_add")).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    client.force_login(loiret_agent)  # the department, above Orléans
    assert client.get(send_page(campaign)).status_code == 200


def test_a_commune_agent_cannot_pick_another_territory_s_communes(agent, orleans, bordeaux_commune):
    response = agent.post(
        reverse("admin:mobilisation_campaign_add"),
        {"territory": orleans.pk, "subject": "S", "body": "B", "communes": [bordeaux_commune.pk]},
    )
    assert response.status_code == 200
    assert not Campaign.objects.exists()


def test_my_data_export_holds_the_messages_of_my_mairie_and_my_answers(sent_call, people):
    first = people["reached"][0]
    on_orleans().post(answered(sent_call, first))
    data = collect(first.user)
    assert data["volontaire"]["messages de ma mairie"] is True
    assert [(m["objet"], m["réponse"]) for m in data["messages de ma mairie"]] == [
        ("Samedi", "Je suis disponible")
    ]


@contextlib.contextmanager
def counted():
    """The SQL statements run within, in a list."""
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield statements


def test_the_message_s_pages_cost_the_same_queries_whatever_its_size(
    agent, orleans, orleans_commune, orleans_agent, django_capture_on_commit_callbacks
):
    def queries(count: int) -> tuple[int, int]:
        volunteers = [consenting(orleans_commune) for _ in range(count)]
        campaign = Campaign.objects.create(
            territory=orleans, subject="Samedi", body="Venez.", asks_availability=True
        )
        with counted() as before:
            assert agent.get(send_page(campaign)).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            calls.send(campaign=campaign, by=orleans_agent)
        for volunteer in volunteers:
            on_orleans().post(answered(campaign, volunteer))
        change = reverse("admin:mobilisation_campaign_change", args=[campaign.pk])
        with counted() as after:
            assert f"Disponibles ({len(volunteers)})" in text(agent.get(change))
        Volunteer.objects.all().delete()
        return len(before), len(after)

    queries(1)  # the first pages read what the admin keeps for the next ones
    small = queries(2)
    assert queries(12) == small
    assert small[0] <= 25 and small[1] <= 30, small


def test_the_demo_message_shows_its_answers_and_loads_once(
    agent, orleans, orleans_agent, orleans_commune
):
    for _ in range(7):
        consenting(orleans_commune)
    VolunteerFactory(commune=orleans_commune)  # no consent: not in the demo's message
    assert load_demo_calls(commune_staff=orleans_agent) == 7
    assert load_demo_calls(commune_staff=orleans_agent) == 0
    sent = Campaign.objects.get(status=Campaign.Status.SENT)
    page = text(agent.get(reverse("admin:mobilisation_campaign_change", args=[sent.pk])))
    assert "Remis au serveur d'envoi 7" in page
    assert "Disponibles (5)" in page  # the 1st, 2nd and 3rd of each five
    draft = Campaign.objects.get(status=Campaign.Status.DRAFT)
    assert agent.get(send_page(draft)).status_code == 200


def test_a_refused_address_counts_as_failed_and_a_lost_batch_is_queued_again(
    agent, orleans, orleans_agent, orleans_commune, smtp_server, django_capture_on_commit_callbacks
):
    refused, fine, late = (consenting(orleans_commune) for _ in range(3))
    smtp_server.answers[refused.user.email] = ["550 5.1.1 No such user here"]
    campaign = Campaign.objects.create(territory=orleans, subject="Samedi", body="Venez.")
    with django_capture_on_commit_callbacks(execute=False):  # the broker lost the batches
        calls.send(campaign=campaign, by=orleans_agent)
    CampaignDelivery.objects.update(enqueued_at=NOW() - calls.STALE_AFTER)
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_calls() == 3
    assert sorted(smtp_server.recipients()) == sorted([fine.user.email, late.user.email])
    page = text(agent.get(reverse("admin:mobilisation_campaign_change", args=[campaign.pk])))
    assert "Remis au serveur d'envoi 2" in page
    assert "Échecs 1" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_calls() == 0


def test_an_email_that_cannot_be_written_holds_up_no_other(
    orleans, orleans_agent, orleans_commune, smtp_server, django_capture_on_commit_callbacks,
    monkeypatch,
):  # fmt: skip
    broken, fine = consenting(orleans_commune), consenting(orleans_commune)
    write_message = calls.message

    def message(delivery, **options):
        if delivery.volunteer_id == broken.pk:
            raise KeyError("a bug")
        return write_message(delivery, **options)

    monkeypatch.setattr(calls, "message", message)
    campaign = Campaign.objects.create(territory=orleans, subject="Samedi", body="Venez.")
    with django_capture_on_commit_callbacks(execute=True):
        calls.send(campaign=campaign, by=orleans_agent)
    assert smtp_server.recipients() == [fine.user.email]
    assert campaign.deliveries.get(volunteer=broken).detail == (
        "Courriel impossible à écrire : KeyError"
    )
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT


def test_the_message_s_page_follows_the_sending_only_when_asked_and_while_it_lasts(
    agent, orleans, orleans_agent, orleans_commune, django_capture_on_commit_callbacks
):
    consenting(orleans_commune)
    campaign = Campaign.objects.create(territory=orleans, subject="Samedi", body="Venez.")
    with django_capture_on_commit_callbacks(execute=False):  # the batch not run yet
        calls.send(campaign=campaign, by=orleans_agent)
    change = reverse("admin:mobilisation_campaign_change", args=[campaign.pk])
    refresh = 'http-equiv="refresh"'
    page = agent.get(change).content.decode()
    assert refresh not in page and "Suivre l'envoi" in page
    assert "0 % traités (0 sur 1)" in text(agent.get(change))
    assert refresh in agent.get(change + "?suivre=1").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        calls.send_batch(list(campaign.deliveries.values_list("pk", flat=True)))
    assert refresh not in agent.get(change + "?suivre=1").content.decode()


def test_the_check_page_speaks_of_one_recipient_and_of_the_crisis_in_plain_french(
    agent, orleans, orleans_commune, heatwave
):
    consenting(orleans_commune)
    page = text(agent.get(send_page(write(agent, orleans, crisis=heatwave.pk))))
    assert "dont 1 a accepté d'être contacté par sa mairie et n'a pas désactivé" in page
    assert "message lié au mode crise en cours à Orléans : la limite" in page
    assert "Le courriel tel qu'il sera reçu" in page
    assert "(Canicule (Orléans))" not in page and "tel qu'ils" not in page


def test_when_everyone_reached_the_monthly_limit_the_page_says_so_and_when_it_resets(
    agent, orleans, orleans_commune
):
    for _ in range(3):
        already_sent(consenting(orleans_commune), MONTHLY_CAP)
    page = text(agent.get(send_page(write(agent, orleans))))
    assert "Ce message partira à 0 volontaire" in page
    assert (
        f"les 3 volontaires qui pourraient le recevoir ont déjà reçu {MONTHLY_CAP} messages de "
        "leur mairie ce mois-ci, la limite par personne. Elle repart à zéro le 1er " in page
    )
    assert "élargissez les conditions" not in page


def test_the_message_pages_speak_a_mairie_agent_s_words_with_one_button(
    agent, orleans, orleans_commune, heatwave, sent_call
):
    page = agent.get(reverse("admin:mobilisation_campaign_add")).content.decode()
    assert "<h1>Nouveau message aux volontaires</h1>" in page
    buttons = re.findall(r'<input type="submit"[^>]*>', page)
    assert buttons == [
        '<input type="submit" value="Enregistrer et vérifier avant l&#x27;envoi" class="default" '
        'name="_save">'
    ]
    # Territoire and Crise are chosen here, never edited or added in a popup.
    for field in ("territory", "crisis"):
        assert f'id="change_id_{field}"' not in page and f'id="add_id_{field}"' not in page
        assert f'id="view_id_{field}"' not in page
    assert "Ajout de" not in page and "Ajouter message" not in page

    listing = agent.get(reverse("admin:mobilisation_campaign_changelist")).content.decode()
    assert "Nouveau message aux volontaires</a>" in listing
    assert 'name="action"' not in listing  # no bulk « Envoyer » that only deletes

    draft = write(agent, orleans)
    page = agent.get(reverse("admin:mobilisation_campaign_change", args=[draft.pk]))
    assert "<h1>Modifier le message aux volontaires</h1>" in page.content.decode()
    assert "Rien ne part à l'enregistrement" in text(page)
    # Sent, without answers asked: neither the advice of writing nor « dernières réponses ».
    Campaign.objects.filter(pk=sent_call.pk).update(asks_availability=False)
    page = agent.get(reverse("admin:mobilisation_campaign_change", args=[sent_call.pk]))
    assert "<h1>Message aux volontaires</h1>" in page.content.decode()
    assert "Rien ne part à l'enregistrement" not in text(page)
    assert "dernières réponses" not in text(page)
    assert "Affichage" not in text(page) and 'name="_save"' not in page.content.decode()


def test_a_line_break_counts_as_one_character_as_in_the_browser(agent, orleans):
    body = "x" * 1499 + "\r\n\r\n" + "x" * 1499  # 3,000 characters as the browser counts them
    campaign = write(agent, orleans, body=body)
    assert campaign.body == body.replace("\r\n", "\n") and len(campaign.body) == 3000


def test_the_invitation_offers_only_the_territory_s_open_missions_to_come_with_their_date(
    agent, sent_call, people, orleans_commune, bordeaux_commune, django_assert_max_num_queries
):
    on_orleans().post(answered(sent_call, people["reached"][0]))
    later = NOW() + datetime.timedelta(days=3)
    soon = MissionFactory(commune=orleans_commune, title="Mise en rayon", starts_at=later)
    sooner = MissionFactory(
        commune=orleans_commune, title="Mise en rayon", starts_at=later - datetime.timedelta(1)
    )
    past = MissionFactory(commune=orleans_commune, title="Mise en rayon")
    Mission.objects.filter(pk=past.pk).update(starts_at=NOW() - datetime.timedelta(days=2))
    done = MissionFactory(commune=orleans_commune, title="Mise en rayon", starts_at=later)
    Mission.objects.filter(pk=done.pk).update(status=Mission.Status.DONE)
    MissionFactory(commune=bordeaux_commune, title="Mise en rayon", starts_at=later)
    for n in range(25):
        MissionFactory(commune=orleans_commune, title=f"Atelier {n}", starts_at=later)

    page = agent.get(reverse("admin:mobilisation_campaign_change", args=[sent_call.pk]))
    url = reverse("admin:mobilisation_campaign_missions", args=[sent_call.pk])
    assert f'data-ajax--url="{url}"' in page.content.decode()
    with django_assert_max_num_queries(12):
        found = agent.get(url, {"term": "rayon"}).json()
    assert [row["id"] for row in found["results"]] == [str(sooner.pk), str(soon.pk)]
    when = timezone.localtime(sooner.starts_at)
    assert found["results"][0]["text"].startswith(f"Mise en rayon · {calls_date(when)}")
    assert found["results"][0]["text"].endswith(" · Orléans")
    first = agent.get(url).json()
    assert len(first["results"]) == 20 and first["pagination"]["more"]
    rest = agent.get(url, {"page": "2"}).json()
    assert len(rest["results"]) == 7 and not rest["pagination"]["more"]
    assert agent.get(url, {"page": "x²"}).json() == first

    # A finished mission, posted all the same, is refused with a message that says why.
    response = agent.post(
        reverse("admin:mobilisation_campaign_invite", args=[sent_call.pk]),
        {"mission": done.pk},
        follow=True,
    )
    assert messages_of(response) == [
        "Choisissez une mission ouverte et à venir du territoire du message."
    ]
    assert not done.participations.exists()


def calls_date(when) -> str:
    return f"{long_date(when, 'l j F')}, {when:%H} h {when:%M}"

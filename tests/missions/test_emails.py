"""The emails of a mission's life, through the real SMTP test server: what each says, in whose
colours, its buttons followed as a volunteer would (GET shows, POST acts), its .ics read by an
iCalendar library, and the helped person's phone in the accepted volunteer's reminder only."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from missions import reminders, services
from missions.models import DetailsView, Mission, Participation
from tests.factories import AssociationFactory, CommuneFactory, MissionFactory, UserFactory
from volunteers.models import CivicHour, Volunteer

from .inbox import (
    PHONE,
    calendar_of,
    html,
    neighbour_need,
    path_of,
    subject,
    text,
    to,
    volunteer,
    whole,
)

Status = Participation.Status


@pytest.fixture
def need(orleans, orleans_commune):
    return neighbour_need(orleans_commune)


@pytest.fixture
def alice(orleans_commune):
    return volunteer(orleans_commune, "alice@example.org", quartier="saint-marceau")


@pytest.fixture
def bruno(orleans_commune):
    return volunteer(orleans_commune, "bruno@example.org", quartier="Argonne")


def _past(mission, days=1):
    Mission.objects.filter(pk=mission.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=days)
    )
    mission.refresh_from_db()


def _tomorrow_at_ten(mission):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    moment = datetime.datetime.combine(tomorrow, datetime.time(10), timezone.get_current_timezone())
    Mission.objects.filter(pk=mission.pk).update(starts_at=moment)
    mission.refresh_from_db()


def _morning(days=0) -> datetime.datetime:
    """Half past nine (the emails of the day go out from nine), `days` from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(9, 30), timezone.get_current_timezone())


def test_the_invitation_says_what_where_when_and_why_in_the_portals_colours(
    need, alice, orleans, smtp_server, sent
):
    sent(services.invite, mission=need, volunteers=[alice], by=None)
    [message] = smtp_server.messages
    assert message["To"] == "alice@example.org"
    assert message["From"] == "L'Heure Civique · Orléans <ne-pas-repondre@lheurecivique.fr>"
    day = need.starts_at.astimezone(timezone.get_current_timezone())
    assert subject(message).startswith("Un coup de main à Orléans le ")
    body = text(message)
    assert "Bonjour Alice," in body
    assert "Courses pour une voisine" in body and "le samedi matin" in body
    assert "À Orléans, quartier Saint-Marceau" in body
    assert f"à {day.hour}\u00a0h, pendant 1\u00a0h" in body
    assert "Nous avons pensé à vous : vous habitez le même quartier." in body
    assert "vous avez accepté que votre mairie vous propose des actions" in body
    assert orleans.primary_color in html(message)
    # Nothing private in an invitation: neither the details nor who is helped.
    assert PHONE not in whole(message) and "Marcelle" not in whole(message)
    assert "Sonnez deux fois" not in whole(message)
    assert calendar_of(message) is None


def test_the_invitation_names_shared_skills_and_a_nearby_commune(
    loiret, orleans_commune, smtp_server, sent
):
    # A commune without a portal of its own: the emails wear the Loiret's colours.
    olivet = CommuneFactory(name="Olivet", department=orleans_commune.department)
    need = MissionFactory(commune=olivet, title="Réparer une étagère")
    helper = volunteer(orleans_commune, "carla@example.org")
    helper.skills.set(need.skills.model.objects.filter(slug="bricolage"))
    need.skills.set(need.skills.model.objects.filter(slug__in=["bricolage", "jardinage"]))
    sent(services.invite, mission=need, volunteers=[helper], by=None)
    [message] = smtp_server.messages
    assert message["From"].startswith("L'Heure Civique · Loiret")
    assert "#00587c" in html(message)
    assert (
        "vous habitez tout près, à Orléans ; elle demande ce que vous savez faire : "
        "« Bricolage et petites réparations »" in text(message)
    )


def test_nobody_is_invited_by_email_without_agreeing_to_it_or_at_a_bouncing_address(
    need, orleans_commune, smtp_server, sent
):
    shy = volunteer(orleans_commune, "discret@example.org", contact_consent_at=None)
    bouncing = volunteer(orleans_commune, "rebond@example.org")
    bouncing.user.email_bounced_at = timezone.now()
    bouncing.user.save()
    welcome = volunteer(orleans_commune, "oui@example.org")
    invitations = sent(services.invite, mission=need, volunteers=[shy, bouncing, welcome], by=None)
    assert len(invitations) == 3  # all invited: the others see it in « Mes missions »
    assert smtp_server.recipients() == ["oui@example.org"]


def test_yes_on_an_invitation_gives_the_place_and_sends_it_with_the_ics(
    need, alice, client, smtp_server, sent
):
    sent(services.invite, mission=need, volunteers=[alice], by=None)
    yes = path_of(smtp_server.messages[0], "reponse", 0)
    page = client.get(yes)
    assert "Vous pouvez donner ce coup de main ?" in page.text
    assert Participation.objects.get().status == Status.INVITED  # opening the link did nothing

    page = sent(client.post, yes)
    assert "Merci, vous êtes retenu·e !" in page.text
    assert Participation.objects.get().status == Status.ACCEPTED
    confirmation = smtp_server.messages[-1]
    assert subject(confirmation).startswith("C'est confirmé : Courses pour une voisine, le ")
    assert "vous êtes retenu·e" in text(confirmation)
    event = calendar_of(confirmation)
    assert event["SUMMARY"] == "Courses pour une voisine"
    assert event.decoded("DTSTART") == need.starts_at
    assert event.decoded("DTEND") == need.starts_at + datetime.timedelta(minutes=60)
    assert str(event["LOCATION"]) == "Orléans, Saint-Marceau"
    assert PHONE not in whole(confirmation)


def test_a_yes_once_the_places_are_taken_is_the_waiting_list_then_the_place_when_one_frees(
    need, alice, bruno, client, smtp_server, sent
):
    sent(services.invite, mission=need, volunteers=[alice, bruno], by=None)
    alice_yes = path_of(to(smtp_server, alice.user.email)[0], "reponse", 0)
    bruno_yes = path_of(to(smtp_server, bruno.user.email)[0], "reponse", 0)
    sent(client.post, alice_yes)
    page = sent(client.post, bruno_yes)
    assert "Les places sont prises : vous êtes sur la liste d&#x27;attente" in page.text
    waiting = to(smtp_server, bruno.user.email)[-1]
    assert subject(waiting).startswith("Liste d'attente : Courses pour une voisine")
    assert calendar_of(waiting) is None

    # Alice steps back: Bruno gets the place, and the email that says so.
    sent(services.withdraw, participation=Participation.objects.get(volunteer=alice))
    promoted = to(smtp_server, bruno.user.email)[-1]
    assert subject(promoted).startswith("C'est confirmé")
    assert calendar_of(promoted)["SUMMARY"] == "Courses pour une voisine"


def test_a_collective_offer_and_an_offer_accepted_by_staff_each_send_the_place(
    orleans, orleans_commune, alice, bruno, smtp_server, sent
):
    clean_up = MissionFactory(
        commune=orleans_commune, kind=Mission.Kind.COLLECTIVE, places=10, title="Nettoyage"
    )
    sent(services.offer_help, volunteer=alice, mission=clean_up)
    assert subject(to(smtp_server, alice.user.email)[0]).startswith("C'est confirmé : Nettoyage")

    visit = MissionFactory(commune=orleans_commune, title="Visite")
    offer = sent(services.offer_help, volunteer=bruno, mission=visit)
    assert to(smtp_server, bruno.user.email) == []  # an offer waits for the staff
    sent(services.accept_offer, participation=offer)
    assert subject(to(smtp_server, bruno.user.email)[0]).startswith("C'est confirmé : Visite")


def test_the_reminder_gives_the_accepted_volunteer_the_contact_and_logs_that_view(
    need, alice, bruno, orleans_commune, smtp_server, sent
):
    services.offer_help(volunteer=bruno, mission=need)  # waits for the staff: no reminder
    accepted = services.answer_invitation(
        participation=services.invite(mission=need, volunteers=[alice], by=None)[0],
        available=True,
    )
    _tomorrow_at_ten(need)
    smtp_server.messages.clear()

    assert sent(reminders.send_due, _morning()) == 1
    [reminder] = smtp_server.messages
    assert reminder["To"] == alice.user.email
    assert subject(reminder) == "Rappel : Courses pour une voisine, demain à 10\u00a0h"
    body = text(reminder)
    assert "vous êtes attendu·e demain à 10\u00a0h" in body
    assert "Vous aidez Marcelle Dupuis." in body
    assert f"Téléphone : {PHONE}" in body and "12 rue des Tilleuls" in body
    assert "Sonnez deux fois : elle entend mal." in body
    assert PHONE in html(reminder)
    # The calendar gets the public words only: calendars are synced to other services.
    event = calendar_of(reminder)
    assert PHONE not in event.to_ical().decode() and "Marcelle" not in event.to_ical().decode()
    [view] = DetailsView.objects.all()
    assert (view.user, view.where, view.mission) == (alice.user, "courriel de rappel", need)
    accepted.refresh_from_db()
    assert accepted.reminder_sent_at is not None


def test_the_reminder_the_day_before_goes_out_from_nine(need, alice, smtp_server, sent):
    services.accept_offer(participation=services.offer_help(volunteer=alice, mission=need))
    _tomorrow_at_ten(need)
    smtp_server.messages.clear()
    early = _morning() - datetime.timedelta(hours=2)
    assert sent(reminders.send_due, early) == 0
    assert sent(reminders.send_due, _morning()) == 1
    assert len(smtp_server.messages) == 1


def test_the_day_after_asks_how_it_went_and_yes_counts_the_hour(
    need, alice, client, smtp_server, sent
):
    services.accept_offer(participation=services.offer_help(volunteer=alice, mission=need))
    _past(need, days=1)
    smtp_server.messages.clear()
    assert sent(reminders.send_due, _morning()) == 1
    [message] = smtp_server.messages
    assert subject(message) == "Ça s'est bien passé ? Courses pour une voisine"
    assert "Oui, c'est fait (1\u00a0h comptées dans votre historique" in text(message)
    assert PHONE not in whole(message) and "Marcelle" not in whole(message)
    yes = path_of(message, "suite", 0)

    assert "Confirmez, et nous comptons 1\u00a0h" in client.get(yes).text
    assert not CivicHour.objects.exists()
    page = client.post(yes)
    assert "Merci, votre heure est enregistrée !" in page.text
    hour = CivicHour.objects.get()
    assert (hour.volunteer, hour.minutes, hour.source) == (alice, 60, CivicHour.Source.MISSION)
    assert hour.note == "Mission : Courses pour une voisine"
    # A second click counts nothing more.
    assert "Vous avez déjà répondu" in client.post(yes).text
    assert CivicHour.objects.count() == 1


def test_it_did_not_happen_frees_the_need(need, alice, client, smtp_server, sent):
    services.accept_offer(participation=services.offer_help(volunteer=alice, mission=need))
    _past(need, days=2)
    smtp_server.messages.clear()
    sent(reminders.send_due, _morning())
    page = client.post(path_of(smtp_server.messages[0], "suite", 1))
    assert "La mairie sait que la mission n&#x27;a pas eu lieu" in page.text
    assert Participation.objects.get().status == Status.NOT_HAPPENED
    need.refresh_from_db()
    assert need.status == Mission.Status.OPEN and not CivicHour.objects.exists()


def test_a_problem_reported_reaches_the_communes_staff_without_its_words(
    need, alice, client, orleans_agent, loiret_agent, smtp_server, sent
):
    services.accept_offer(participation=services.offer_help(volunteer=alice, mission=need))
    _past(need, days=1)
    smtp_server.messages.clear()
    sent(reminders.send_due, _morning())
    problem = path_of(smtp_server.messages[0], "suite", 2)
    smtp_server.messages.clear()

    form = client.get(problem)
    assert "Dites-nous en quelques mots ce qui s&#x27;est passé" in form.text
    assert 'name="problem"' in form.text
    empty = sent(client.post, problem, {"problem": "   "})
    assert empty.status_code == 400
    assert "Dites en quelques mots ce qui s&#x27;est passé." in empty.text
    assert Participation.objects.get().status == Status.ACCEPTED and not smtp_server.messages

    words = "Personne n'a ouvert, Mme D. ne répondait pas au 02 38 12 34 56."
    page = sent(client.post, problem, {"problem": words})
    assert "Merci, votre message est transmis" in page.text
    participation = Participation.objects.get()
    assert (participation.status, participation.problem) == (Status.PROBLEM, words)
    # The commune's agent (not the department's, as the commune has its own) is told.
    [alert] = smtp_server.messages
    assert alert["To"] == orleans_agent.email
    assert subject(alert) == "[L'Heure Civique] Un souci signalé : Courses pour une voisine"
    assert f"/admin/missions/mission/{need.pk}/change/" in text(alert)
    assert "Personne n'a ouvert" not in text(alert) and PHONE not in text(alert)


def test_an_associations_problem_reaches_its_referents_and_the_department_without_local_staff(
    loiret, orleans_commune, loiret_agent, smtp_server, sent
):
    referent = UserFactory(email="epicerie@example.org")
    association = AssociationFactory(commune=orleans_commune, name="Épicerie solidaire")
    association.referents.add(referent)
    saturday = MissionFactory(
        commune=orleans_commune, kind=Mission.Kind.ASSOCIATION, association=association
    )
    helper = volunteer(orleans_commune, "dora@example.org")
    participation = services.offer_help(volunteer=helper, mission=saturday)
    services.accept_offer(participation=participation)
    _past(saturday)
    smtp_server.messages.clear()
    sent(
        services.record_outcome,
        participation=participation,
        outcome=services.Outcome.PROBLEM,
        problem="Le local était fermé.",
    )
    assert sorted(smtp_server.recipients()) == [loiret_agent.email, referent.email]


def test_a_cancelled_mission_tells_its_accepted_and_waiting_volunteers(
    orleans, orleans_commune, alice, bruno, smtp_server, sent
):
    action = MissionFactory(
        commune=orleans_commune, kind=Mission.Kind.COLLECTIVE, places=1, title="Noël des voisins"
    )
    services.offer_help(volunteer=alice, mission=action)
    services.offer_help(volunteer=bruno, mission=action)  # on the waiting list
    invited = volunteer(orleans_commune, "invitee@example.org")
    services.invite(mission=action, volunteers=[invited], by=None)
    smtp_server.messages.clear()

    sent(services.cancel_mission, mission=action)
    assert sorted(smtp_server.recipients()) == [alice.user.email, bruno.user.email]
    to_alice = to(smtp_server, alice.user.email)[0]
    assert subject(to_alice).startswith("Annulée : Noël des voisins, le ")
    assert "vous n'y êtes plus attendu·e" in text(to_alice)
    assert calendar_of(to_alice)["STATUS"] == "CANCELLED"  # out of the calendar
    to_bruno = to(smtp_server, bruno.user.email)[0]
    assert "sa liste d'attente est close" in text(to_bruno)
    assert calendar_of(to_bruno) is None

    sent(services.cancel_mission, mission=action)  # a second click tells nobody twice
    assert len(smtp_server.messages) == 2


def test_the_phone_is_in_no_email_but_the_accepted_volunteers_reminder(
    need, alice, bruno, orleans_commune, client, orleans_agent, smtp_server, sent
):
    """The whole life of a need, every email kept: the phone shows in one of them only."""
    sent(services.invite, mission=need, volunteers=[alice, bruno], by=None)
    sent(client.post, path_of(to(smtp_server, alice.user.email)[0], "reponse", 0))
    sent(client.post, path_of(to(smtp_server, bruno.user.email)[0], "reponse", 0))  # waits
    _tomorrow_at_ten(need)
    sent(reminders.send_due, _morning())
    _past(need)
    sent(reminders.send_due, _morning())
    sent(
        services.record_outcome,
        participation=Participation.objects.get(volunteer=alice),
        outcome=services.Outcome.PROBLEM,
        problem="Un souci.",
    )
    kinds = [subject(m).split(" :")[0].split(" ?")[0] for m in smtp_server.messages]
    assert len(kinds) == 7, kinds
    with_phone = [m for m in smtp_server.messages if PHONE in whole(m)]
    assert [(m["To"], subject(m).split(" :")[0]) for m in with_phone] == [
        (alice.user.email, "Rappel")
    ]


def test_inviting_twenty_costs_one_query_more_per_email_than_inviting_two(orleans, orleans_commune):
    def cost(count: int) -> int:
        need = neighbour_need(orleans_commune)
        need.skills.set(need.skills.model.objects.all()[:3])
        people = [
            volunteer(orleans_commune, f"v{count}-{n}@example.org", quartier="Argonne")
            for n in range(count)
        ]
        for person in people:
            person.skills.set(need.skills.all()[:1])
        people = list(Volunteer.objects.filter(pk__in=[p.pk for p in people]))
        with CaptureQueriesContext(connection) as queries:
            services.invite(mission=need, volunteers=people, by=None)
        return len(queries)

    two, twenty = cost(2), cost(20)
    assert twenty - two == 18  # the outbox row of each email, nothing else


def test_a_declined_offer_is_thanked_and_told_it_is_not_expected(need, alice, smtp_server, sent):
    offer = services.offer_help(volunteer=alice, mission=need)
    smtp_server.messages.clear()
    sent(services.refuse_offer, participation=offer)
    [thanks] = smtp_server.messages
    assert thanks["To"] == alice.user.email
    assert subject(thanks) == "Merci de votre proposition : Courses pour une voisine"
    assert "vous n'avez rien à faire ce jour-là" in text(thanks)
    assert PHONE not in whole(thanks)

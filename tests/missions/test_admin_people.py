"""The people around the missions, in the admin: the people helped (their consent, each look at
their contact logged, their record exported or erased on request, never seen by another
territory or an association), the residents' requests, the associations and their referents,
and what waits on the admin's index."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from missions.models import Association, Beneficiary, DetailsView, HelpRequest, Mission
from territories.models import Membership
from tests.factories import (
    BeneficiaryFactory,
    CommuneFactory,
    MissionFactory,
    ParticipationFactory,
    UserFactory,
)

from .test_admin import in_days, messages_of, past, text

Status = Mission.Status
PHONE = "02 38 77 66 55"
PEOPLE = reverse("admin:missions_beneficiary_changelist")
REQUESTS = reverse("admin:missions_helprequest_changelist")


@pytest.fixture
def agent(client, orleans_agent):
    client.force_login(orleans_agent)
    return client


@pytest.fixture
def marcelle(orleans_commune):
    return BeneficiaryFactory(
        commune=orleans_commune, name="Marcelle Dupuis", phone=PHONE, quartier="La Source"
    )


def card(beneficiary) -> str:
    return reverse("admin:missions_beneficiary_change", args=[beneficiary.pk])


# --- The people helped ---------------------------------------------------------------------------


def test_an_agent_registers_a_person_and_signs_their_consent(
    agent, orleans_agent, orleans_commune, national_admin
):
    today = timezone.localdate()
    data = {
        "name": "Marcelle Dupuis",
        "commune": orleans_commune.pk,
        "quartier": "La Source",
        "phone": PHONE,
        "address": "",
        "needs": "Des courses le jeudi.",
        "constraints": "",
        "consent_how": Beneficiary.Consent.PAPER,
        "consent_at_0": (today - datetime.timedelta(days=1)).isoformat(),
        "consent_at_1": "09:30",
        # Not a field of the form: whoever is signed in records the consent.
        "consent_recorded_by": national_admin.pk,
    }
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    add = reverse("admin:missions_beneficiary_add")
    response = agent.post(add, {**data, "consent_at_0": tomorrow})
    assert "L'accord ne peut pas être daté de l'avenir." in text(response)
    response = agent.post(add, {**data, "commune": "²"})
    assert "Sélectionnez un choix valide" in text(response)
    assert not Beneficiary.objects.exists()
    agent.post(add, data)
    marcelle = Beneficiary.objects.get()
    assert marcelle.consent_recorded_by == orleans_agent
    assert marcelle.consent_how == Beneficiary.Consent.PAPER
    assert "Accord recueilli par : " in text(agent.get(card(marcelle)))


def test_each_look_at_a_persons_contact_is_logged_and_the_log_is_readable(
    agent, orleans_agent, marcelle
):
    for _ in range(2):
        assert PHONE in agent.get(card(marcelle)).content.decode()
    views = DetailsView.objects.filter(beneficiary=marcelle)
    assert list(views.values_list("user", "where")) == [(orleans_agent.pk, "administration")] * 2
    page = text(agent.get(card(marcelle)))
    assert "consultations de ses coordonnées" in page.lower()
    assert "Camille Martin (administration)" in page
    log = text(
        agent.get(
            reverse("admin:missions_detailsview_changelist"),
            {"beneficiary__id__exact": marcelle.pk},
        )
    )
    assert log.count("Marcelle Dupuis") >= 3 and "administration" in log


def test_a_persons_phone_is_never_on_a_page_of_another_territory_or_a_referent(
    client, gironde_agent, association_referent, marcelle, orleans_commune
):
    restos = association_referent.associations.get()
    for_her = MissionFactory(commune=orleans_commune, beneficiary=marcelle)
    theirs = MissionFactory(
        commune=orleans_commune, kind=Mission.Kind.ASSOCIATION, association=restos
    )
    HelpRequest.objects.create(
        commune=orleans_commune, name="Marcelle Dupuis", phone=PHONE, what="Des courses."
    )
    pages = [
        reverse("admin:index"),
        reverse("admin:missions_mission_changelist") + "?quand=toutes",
        reverse("admin:missions_mission_change", args=[for_her.pk]),
        reverse("admin:missions_mission_change", args=[theirs.pk]),
        PEOPLE,
        card(marcelle),
        reverse("admin:missions_beneficiary_export", args=[marcelle.pk, "csv"]),
        reverse("admin:missions_beneficiary_erase", args=[marcelle.pk]),
        reverse("admin:missions_detailsview_changelist"),
        REQUESTS,
        "/admin/autocomplete/?app_label=missions&model_name=mission&field_name=beneficiary"
        "&term=Marcelle",
    ]
    for persona in (gironde_agent, association_referent):
        client.force_login(persona)
        for url in pages:
            response = client.get(url, follow=True)
            assert PHONE not in response.content.decode(), (persona, url)
            assert "Marcelle" not in response.content.decode(), (persona, url)
    assert not DetailsView.objects.exists()
    marcelle.refresh_from_db()
    assert marcelle.anonymised_at is None


def test_a_persons_record_is_exported_on_request_with_formulas_neutralised(
    agent, orleans_agent, orleans_commune
):
    person = BeneficiaryFactory(commune=orleans_commune, name='=HYPERLINK("http://x")', phone=PHONE)
    MissionFactory(commune=orleans_commune, beneficiary=person, title="Des courses")
    DetailsView.objects.create(beneficiary=person, user=orleans_agent, where="administration")
    response = agent.get(reverse("admin:missions_beneficiary_export", args=[person.pk, "json"]))
    assert response["Content-Disposition"].startswith('attachment; filename="personne-aidee-')
    record = json.loads(response.content)
    assert record["Fiche"]["Téléphone"] == PHONE
    assert [m["Mission"] for m in record["Missions"]] == ["Des courses"]
    assert record["Consultations"][-1]["Où"] == "administration"

    response = agent.get(reverse("admin:missions_beneficiary_export", args=[person.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert ["Fiche", "Nom et prénom", '\'=HYPERLINK("http://x")'] in rows
    assert ["Missions", "Mission", "Des courses"] in rows
    # Each export is a look at the contact, logged.
    assert list(person.views.values_list("where", flat=True)[:2]) == ["export", "export"]
    unknown = reverse("admin:missions_beneficiary_export", args=[person.pk, "xls"])
    assert agent.get(unknown).status_code == 404


def test_a_persons_record_is_erased_on_request_after_a_confirmation(
    agent, marcelle, orleans_commune
):
    visit = past(MissionFactory(commune=orleans_commune, beneficiary=marcelle))
    erase = reverse("admin:missions_beneficiary_erase", args=[marcelle.pk])
    confirmation = text(agent.get(erase))
    assert "seront effacés, définitivement" in confirmation
    response = agent.post(erase, follow=True)
    assert messages_of(response)[0].startswith("La fiche est effacée")
    marcelle.refresh_from_db()
    assert (marcelle.name, marcelle.phone, marcelle.quartier) == ("Personne anonymisée", "", "")
    visit.refresh_from_db()
    assert visit.beneficiary == marcelle
    listed = text(agent.get(PEOPLE))
    assert f"Personne anonymisée le {timezone.localdate():%d/%m/%Y}" in listed
    # What is left cannot be changed, nor erased again.
    assert 'name="_save"' not in agent.get(card(marcelle)).content.decode()
    response = agent.post(erase, follow=True)
    assert messages_of(response) == ["Cette fiche est déjà anonymisée."]
    assert not marcelle.views.exists()  # its page showed no contact any more


def test_the_list_of_people_costs_the_same_queries_with_3_or_30_rows(
    agent, orleans_commune, django_assert_max_num_queries
):
    BeneficiaryFactory.create_batch(3, commune=orleans_commune)
    agent.get(PEOPLE)
    with django_assert_max_num_queries(30) as few:
        agent.get(PEOPLE)
    BeneficiaryFactory.create_batch(27, commune=orleans_commune)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert text(agent.get(PEOPLE)).count("Marcelle Dupuis") == 30


# --- The residents' requests ---------------------------------------------------------------------


def _request(commune, **fields):
    data = {"name": "Jeanne Roy", "phone": "02 38 11 22 33", "what": "Porter mes courses."}
    return HelpRequest.objects.create(commune=commune, **{**data, **fields})


def test_the_new_requests_come_first_and_are_counted(agent, orleans_commune, bordeaux_commune):
    older = _request(orleans_commune, what="Une demande ancienne à traiter")
    older.created_at = timezone.now() - datetime.timedelta(days=5)
    older.save()
    _request(orleans_commune, what="Une demande classée", status=HelpRequest.Status.REFUSED)
    _request(orleans_commune, what="Une demande récente à traiter")
    _request(bordeaux_commune, what="Une demande bordelaise")
    listed = text(agent.get(REQUESTS))
    assert "2 demandes à traiter, en tête de liste" in listed
    assert (
        listed.index("récente à traiter")
        < listed.index("ancienne à traiter")
        < listed.index("classée")
    )
    assert "bordelaise" not in listed
    assert reverse("admin:missions_helprequest_add") not in agent.get(REQUESTS).content.decode()


def test_a_request_becomes_a_mission_and_its_author_a_person_helped(
    agent, orleans_agent, orleans_commune
):
    asked = _request(orleans_commune, quartier="Argonne", what="Porter mes courses le jeudi.")
    turn = reverse("admin:missions_helprequest_turn", args=[asked.pk])
    page = text(agent.get(turn))
    assert "Porter mes courses le jeudi." in page and "Jeanne Roy" in page
    starts = in_days(5)
    data = {
        "kind": Mission.Kind.NEIGHBOURS,
        "title": "Des courses pour une voisine",
        "summary": "Porter les courses d'une personne du quartier, le jeudi.",
        "starts_at_0": starts.date().isoformat(),
        "starts_at_1": "10:00",
        "minutes": 60,
        "places": 1,
        "details": "Sonner à l'interphone.",
        "consent_how": "telephone",
    }
    bad = [
        ({"starts_at_0": "2020-01-01"}, "Cette date est passée : choisissez un moment à venir."),
        ({"places": 0}, "Il faut au moins une place."),
        ({"places": 10_000}, "Au plus 200 places."),
        ({"kind": Mission.Kind.ASSOCIATION}, "Sélectionnez un choix valide"),
        ({"starts_at_0": ""}, "Indiquez le jour et l'heure."),
    ]
    for changes, error in bad:
        assert error in text(agent.post(turn, {**data, **changes})), changes
    assert not Mission.objects.exists() and not Beneficiary.objects.exists()

    response = agent.post(turn, data, follow=True)
    mission = Mission.objects.get()
    assert messages_of(response)[0].startswith("La demande est devenue la mission")
    assert (mission.commune, mission.quartier, mission.posted_by) == (
        orleans_commune,
        "Argonne",
        orleans_agent,
    )
    person = mission.beneficiary
    assert (person.name, person.consent_how, person.consent_recorded_by) == (
        "Jeanne Roy",
        "telephone",
        orleans_agent,
    )
    asked.refresh_from_db()
    assert (asked.status, asked.mission) == (HelpRequest.Status.ACCEPTED, mission)
    response = agent.post(turn, data, follow=True)
    assert messages_of(response) == ["Cette demande a déjà été traitée."]
    assert Mission.objects.count() == 1


def test_a_request_refused_kindly_tells_the_person_by_email(
    agent, orleans_commune, smtp_server, django_capture_on_commit_callbacks
):
    asked = _request(orleans_commune, email="jeanne@example.org")
    refuse = reverse("admin:missions_helprequest_refuse", args=[asked.pk])
    response = agent.post(refuse, {"answer": "  "})
    assert "Écrivez la réponse faite à la personne." in text(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = agent.post(
            refuse, {"answer": "Le CCAS vous rappelle pour un portage de repas."}, follow=True
        )
    assert messages_of(response) == [
        "La demande est classée sans suite ; la réponse part par courriel à jeanne@example.org."
    ]
    [message] = smtp_server.messages
    assert message["To"] == "jeanne@example.org"
    body = message.get_body(("plain",)).get_content()
    assert "Le CCAS vous rappelle pour un portage de repas." in body
    asked.refresh_from_db()
    assert asked.status == HelpRequest.Status.REFUSED

    by_phone = _request(orleans_commune)
    refuse = reverse("admin:missions_helprequest_refuse", args=[by_phone.pk])
    response = agent.post(refuse, {"answer": "Nous vous rappelons."}, follow=True)
    assert messages_of(response) == [
        "La demande est classée sans suite ; la personne n'a pas laissé d'adresse : "
        "appelez-la au 02 38 11 22 33."
    ]


def test_another_territory_cannot_handle_a_request(client, gironde_agent, orleans_commune):
    asked = _request(orleans_commune)
    client.force_login(gironde_agent)
    for name in ("turn", "refuse"):
        url = reverse(f"admin:missions_helprequest_{name}", args=[asked.pk])
        response = client.post(url, {"answer": "Non.", "title": "x"})
        assert (response.status_code, response.url) == (302, reverse("admin:index"))
    asked.refresh_from_db()
    assert asked.status == HelpRequest.Status.NEW


# --- Associations and their referents ------------------------------------------------------------


def test_the_mairie_names_an_association_referent_by_the_address_of_their_account(
    client, agent, orleans, orleans_commune, smtp_server, django_capture_on_commit_callbacks
):
    add = reverse("admin:missions_association_add")
    data = {"name": "Les Restos du cœur", "commune": orleans_commune.pk, "description": ""}
    response = agent.post(add, {**data, "referent_emails": "inconnue@example.org"})
    assert (
        "Aucun compte n'utilise l'adresse inconnue@example.org : la personne crée d'abord son "
        "compte sur le portail, puis vous l'ajoutez ici."
    ) in text(response)
    response = agent.post(add, {**data, "referent_emails": "pas-une-adresse"})
    assert "« pas-une-adresse » n'est pas une adresse électronique." in text(response)
    assert not Association.objects.exists()

    paul = UserFactory(email="paul@restos.example.org", first_name="Paul")
    with django_capture_on_commit_callbacks(execute=True):
        response = agent.post(
            add, {**data, "referent_emails": "PAUL@restos.example.org"}, follow=True
        )
    assert any("paul@restos.example.org est référent" in m for m in messages_of(response))
    restos = Association.objects.get()
    assert list(restos.referents.all()) == [paul]
    assert Membership.objects.filter(
        user=paul, territory=orleans, role=Membership.Role.ASSOCIATION_REFERENT
    ).exists()
    [message] = smtp_server.messages
    body = message.get_body(("plain",)).get_content()
    assert "« Référent d'association »" in body and "missions de votre association" in body

    # Taken off, they lose the role.
    change = reverse("admin:missions_association_change", args=[restos.pk])
    agent.post(change, {"name": restos.name, "description": "", "referent_emails": ""})
    assert not restos.referents.exists()
    assert not Membership.objects.filter(user=paul).exists()


def test_a_referent_is_named_only_where_the_commune_has_a_portal(
    client, loiret_agent, loiret_department
):
    client.force_login(loiret_agent)
    montargis = CommuneFactory(name="Montargis", department=loiret_department)
    UserFactory(email="marie@secours.example.org")
    response = client.post(
        reverse("admin:missions_association_add"),
        {"name": "Secours populaire", "commune": montargis.pk, "description": "",
         "referent_emails": "marie@secours.example.org"},
    )  # fmt: skip
    assert "Montargis n'a pas encore de portail communal" in text(response)
    assert not Association.objects.exists()


# --- What waits, on the admin's index ------------------------------------------------------------


def test_the_index_says_what_waits_on_the_missions_and_leads_to_it(
    agent, client, gironde_agent, orleans_commune
):
    offered = MissionFactory(commune=orleans_commune, title="Avec une proposition")
    ParticipationFactory(mission=offered, status="proposee")
    short = MissionFactory(
        commune=orleans_commune, kind=Mission.Kind.COLLECTIVE, places=4, starts_at=in_days(2),
        title="Il manque du monde",
    )  # fmt: skip
    MissionFactory(commune=orleans_commune, starts_at=in_days(20), title="Dans trois semaines")
    trouble = past(MissionFactory(commune=orleans_commune, title="Un souci"))
    ParticipationFactory(mission=trouble, status="souci")
    _request(orleans_commune)
    index = agent.get(reverse("admin:index"))
    page = text(index)
    for label in (
        "1 demande de coup de main à traiter",
        "1 mission avec des propositions à examiner",
        "2 missions à pourvoir d'ici 7 jours",
        "1 mission avec un souci signalé",
    ):
        assert label in page
    links = {item.label: item.url for item in index.context["waiting"]}
    assert "Un souci" in text(agent.get(links["1 mission avec un souci signalé"]))
    listed = text(agent.get(links["2 missions à pourvoir d'ici 7 jours"]))
    assert short.title in listed and offered.title in listed
    assert "Dans trois semaines" not in listed
    listed = text(agent.get(links["1 mission avec des propositions à examiner"]))
    assert offered.title in listed and short.title not in listed

    client.force_login(gironde_agent)
    page = text(client.get(reverse("admin:index")))
    assert "0 mission avec des propositions à examiner" in page
    assert "0 demande de coup de main à traiter" in page

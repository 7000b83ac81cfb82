"""« J'ai besoin d'un coup de main » through HTTP: the request is kept, the staff who cover
the commune are told by email that one waits (and nothing about who asks), bad input changes
nothing."""

import html

import pytest
from django.urls import reverse

from missions.models import HelpRequest
from territories.models import Membership

from ..factories import UserFactory, VolunteerFactory

ASK = reverse("missions:help_request")
SENT = reverse("missions:help_request_sent")


def text(response) -> str:
    return html.unescape(response.content.decode())


def form(**fields) -> dict:
    return {
        "name": "Jeanne Morel",
        "phone": "02 38 11 22 33",
        "email": "",
        "commune_query": "45000",
        "quartier": "",
        "what": "Des courses le jeudi, je ne peux plus porter les sacs.",
        "when": "le jeudi matin",
        "consent": "on",
        **fields,
    }


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_request_is_kept_and_the_communes_agents_are_told_without_personal_data(
    client, orleans_commune, orleans, orleans_agent, loiret_agent, smtp_server,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    page = text(client.get(ASK))
    assert "La mairie vous rappelle" in page
    assert "Elles sont gardées 12 mois après votre dernière aide" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ASK, form(for_someone_else="on"))
    assert response["Location"] == SENT
    request = HelpRequest.objects.get()
    assert (request.name, request.commune, request.status) == (
        "Jeanne Morel", orleans_commune, HelpRequest.Status.NEW,
    )  # fmt: skip
    assert request.for_someone_else and request.user is None

    sent = text(client.get(SENT))
    assert "Votre demande est envoyée" in sent
    assert "vous rappelle au numéro que vous avez laissé" in sent

    # The commune has its own agents: they are the ones told, not the department.
    assert smtp_server.recipients() == [orleans_agent.email]
    email = smtp_server.messages[0]
    assert email["Subject"].endswith("Une demande de coup de main à traiter")
    content = body(email)
    assert "http://orleans.lheurecivique.fr/admin/" in content
    for personal in ("Jeanne", "Morel", "02 38 11 22 33", "courses", "jeudi"):
        assert personal not in content


def test_without_agents_of_its_own_the_commune_s_department_is_told(
    client, orleans_commune, loiret, loiret_agent, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ASK, form())
    assert smtp_server.recipients() == [loiret_agent.email]


def test_a_signed_in_volunteer_finds_the_form_filled_and_the_request_keeps_their_account(
    client, resident, orleans_commune, loiret
):
    VolunteerFactory(user=resident, commune=orleans_commune, quartier="La Source")
    client.force_login(resident)
    response = client.get(ASK)
    initial = response.context["form"].initial
    assert initial["name"] == "Hélène Martin" and initial["email"] == resident.email
    assert initial["commune_query"] == "Orléans (45)" and initial["quartier"] == "La Source"
    client.post(ASK, form(phone="", email=resident.email, commune_query="Orléans (45)"))
    assert HelpRequest.objects.get().user == resident


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"phone": "", "email": ""}, "Laissez un téléphone ou une adresse électronique"),
        ({"phone": "12 34"}, "Ce numéro ne semble pas complet"),
        ({"email": "pas-une-adresse", "phone": ""}, "Saisissez une adresse"),
        ({"commune_query": "Zzyzx"}, "Aucune commune française ne correspond à « Zzyzx »"),
        ({"commune_query": ""}, "Ce champ est obligatoire"),
        ({"what": ""}, "Ce champ est obligatoire"),
        ({"what": "x" * 1001}, "au plus 1000 caractères"),
        ({"consent": ""}, "sans votre accord, la mairie ne peut pas garder votre demande"),
        ({"commune": "999999999"}, "Choisissez une commune dans la liste"),
    ],
)
def test_bad_input_is_said_in_french_and_nothing_is_kept(
    client, orleans_commune, loiret, loiret_agent, smtp_server, fields, message
):
    response = client.post(ASK, form(**fields))
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert "<title>Erreur : " in page  # the error summary, at the top
    assert not HelpRequest.objects.exists()
    assert smtp_server.messages == []


def test_requests_are_rate_limited(client, orleans_commune, loiret, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "help_request": "2/h/ip"}
    for _n in range(2):
        assert client.post(ASK, form()).status_code == 302
    refused = client.post(ASK, form(name="Encore une"))
    assert refused.status_code == 429
    assert 'value="Encore une"' in refused.content.decode()
    assert HelpRequest.objects.count() == 2


def test_the_confirmation_page_without_a_request_leads_to_the_form(client, db):
    assert client.get(SENT)["Location"] == ASK


def test_an_associations_referent_is_not_told_of_the_communes_requests(
    client, orleans_commune, orleans, orleans_agent, smtp_server, django_capture_on_commit_callbacks
):
    referent = UserFactory(email="referent@association.example.org")
    Membership.objects.create(
        user=referent, territory=orleans, role=Membership.Role.ASSOCIATION_REFERENT
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ASK, form())
    assert smtp_server.recipients() == [orleans_agent.email]

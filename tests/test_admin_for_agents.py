"""The admin as a mairie agent uses it: what waits for them on its index, the moderation buttons
on an object's page with a preview of its public page, French messages that agree."""

import re

import pytest
from django.urls import reverse

from gestes.models import Geste
from initiatives.models import Initiative
from mobilisation.models import Signature
from territories.models import Membership

from .factories import (
    GesteFactory,
    InitiativeFactory,
    SignatureFactory,
    UserFactory,
    enrol_in_two_factor,
)

INDEX = reverse("admin:index")
Proposed = Initiative.Status.PROPOSED


def _text(response) -> str:
    """The page's words, without tags and with collapsed spaces."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def waiting_work(orleans_commune, bordeaux_commune, orleans, loiret, gironde, resident):
    """Three initiatives and two signatures waiting in Orléans, one geste proposal on its
    portal; and in Bordeaux, work for others."""
    initiatives = [
        InitiativeFactory(commune=orleans_commune, status=Proposed, organiser=resident)
        for _ in range(3)
    ]
    InitiativeFactory(commune=orleans_commune, title="Fête déjà publiée")  # nothing to do
    InitiativeFactory(commune=bordeaux_commune, status=Proposed)
    signatures = [
        SignatureFactory(commune=orleans_commune, status=Signature.Status.PENDING) for _ in range(2)
    ]
    SignatureFactory(commune=bordeaux_commune, status=Signature.Status.PENDING)
    geste = GesteFactory(territory=orleans, status=Geste.Status.PROPOSED, proposed_by=resident)
    GesteFactory(territory=gironde, status=Geste.Status.PROPOSED)
    return {"initiatives": initiatives, "signatures": signatures, "geste": geste}


def test_the_index_shows_the_agents_territory_and_what_waits_on_it(
    client, orleans_agent, waiting_work
):
    client.force_login(orleans_agent)
    response = client.get(INDEX)
    page = _text(response)
    assert "Votre territoire : Orléans" in page
    assert "3 initiatives à modérer" in page
    assert "2 signatures à vérifier" in page
    assert "1 proposition de geste à modérer" in page
    assert "Rien pour l'instant" in page and "(e)" not in page  # not Django's « Aucun(e) »
    # Each count leads to the list filtered on what waits.
    html = response.content.decode()
    link = reverse("admin:initiatives_initiative_changelist") + "?status__exact=propose"
    assert f'href="{link}"' in html
    listed = _text(client.get(link))
    assert all(i.title in listed for i in waiting_work["initiatives"])
    assert "Fête déjà publiée" not in listed


def test_the_index_counts_a_department_with_its_communes_and_the_nation(
    client, loiret_agent, national_admin, waiting_work
):
    client.force_login(loiret_agent)
    page = _text(client.get(INDEX))
    assert "Votre territoire : Loiret" in page
    assert "3 initiatives à modérer" in page
    client.force_login(national_admin)
    page = _text(client.get(INDEX))
    assert "Équipe nationale" in page
    assert "4 initiatives à modérer" in page
    assert "3 signatures à vérifier" in page
    assert "2 propositions de gestes à modérer" in page


def test_the_index_costs_the_same_queries_with_1_or_30_waiting(
    client, orleans_agent, orleans_commune, django_assert_max_num_queries
):
    client.force_login(orleans_agent)
    InitiativeFactory(commune=orleans_commune, status=Proposed)
    client.get(INDEX)  # sessions, caches
    with django_assert_max_num_queries(32) as few:  # with the running crises' one
        client.get(INDEX)
    InitiativeFactory.create_batch(30, commune=orleans_commune, status=Proposed)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "31 initiatives à modérer" in _text(client.get(INDEX))


def test_an_agent_publishes_an_initiative_from_its_page(
    client, orleans_agent, waiting_work, resident, smtp_server, django_capture_on_commit_callbacks
):
    initiative = waiting_work["initiatives"][0]
    change = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    client.force_login(orleans_agent)
    page = client.get(change).content.decode()
    publish = reverse("admin:initiatives_initiative_publish", args=[initiative.pk])
    assert f'action="{publish}"' in page
    assert ">Publier</button>" in page and ">Refuser avec un motif</button>" in page

    assert client.get(publish).status_code == 405  # a change is a POST
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(publish, follow=True)
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.PUBLISHED
    assert initiative.moderated_by == orleans_agent
    assert _messages(response) == [
        f"L'initiative « {initiative.title} » est publiée ; son auteur est prévenu par courriel."
    ]
    assert [m["To"] for m in smtp_server.messages] == [resident.email]
    # Once published, no button any more.
    assert ">Publier</button>" not in client.get(change).content.decode()


def test_a_refusal_from_the_page_needs_a_reason_sent_to_the_author(
    client, orleans_agent, waiting_work, resident, smtp_server, django_capture_on_commit_callbacks
):
    geste = waiting_work["geste"]
    refuse = reverse("admin:gestes_geste_refuse", args=[geste.pk])
    client.force_login(orleans_agent)
    response = client.post(refuse, {"reason": "  "}, follow=True)
    assert _messages(response) == ["Indiquez le motif du refus : il est envoyé à l'auteur."]
    geste.refresh_from_db()
    assert geste.status == Geste.Status.PROPOSED

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(refuse, {"reason": "Ce geste existe déjà."}, follow=True)
    geste.refresh_from_db()
    assert (geste.status, geste.moderation_note) == (Geste.Status.REJECTED, "Ce geste existe déjà.")
    assert "est refusé ; son auteur reçoit le motif" in _messages(response)[0]
    [message] = smtp_server.messages
    assert message["To"] == resident.email
    assert "Ce geste existe déjà." in message.get_body(("plain",)).get_content()


def test_an_agent_verifies_a_signature_from_its_page(client, orleans_agent, waiting_work):
    signature = waiting_work["signatures"][0]
    client.force_login(orleans_agent)
    publish = reverse("admin:mobilisation_signature_publish", args=[signature.pk])
    response = client.post(publish, follow=True)
    signature.refresh_from_db()
    assert signature.status == Signature.Status.VERIFIED
    assert _messages(response)[0].startswith(f"La signature de Claire {signature.last_name}")


def test_the_buttons_refuse_what_is_not_the_agents(
    client, orleans_agent, bordeaux_commune, orleans_commune, orleans
):
    elsewhere = InitiativeFactory(commune=bordeaux_commune, status=Proposed)
    client.force_login(orleans_agent)
    for name in ("publish", "refuse"):
        url = reverse(f"admin:initiatives_initiative_{name}", args=[elsewhere.pk])
        assert client.post(url, {"reason": "Non."}).status_code == 404
    preview = reverse("admin:initiatives_initiative_preview", args=[elsewhere.pk])
    assert client.get(preview).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == Proposed

    # A moderator of the portal may see signatures, not verify them: no button, and a 403.
    moderator = UserFactory(email="moderation@orleans.example.org")
    Membership.objects.create(user=moderator, territory=orleans, role=Membership.Role.MODERATOR)
    enrol_in_two_factor(moderator)
    client.force_login(moderator)
    mine = SignatureFactory(commune=orleans_commune, status=Signature.Status.PENDING)
    page = client.get(reverse("admin:mobilisation_signature_change", args=[mine.pk]))
    assert page.status_code == 200 and ">Publier</button>" not in page.content.decode()
    publish = reverse("admin:mobilisation_signature_publish", args=[mine.pk])
    assert client.post(publish).status_code == 403
    mine.refresh_from_db()
    assert mine.status == Signature.Status.PENDING


def test_the_public_preview_is_for_staff_and_kept_out_of_search_engines(
    client, orleans_agent, resident, waiting_work
):
    initiative = waiting_work["initiatives"][0]
    preview = reverse("admin:initiatives_initiative_preview", args=[initiative.pk])
    client.force_login(orleans_agent)
    change = client.get(reverse("admin:initiatives_initiative_change", args=[initiative.pk]))
    assert f'href="{preview}"' in change.content.decode()
    assert "Voir comme le public" in _text(change)
    response = client.get(preview)
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    page = _text(response)
    assert initiative.title in page and initiative.body in page
    assert "n'est pas publiée : le public ne la voit pas" in page
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    # The public detail page still does not show it.
    public = reverse("initiatives:detail", args=[initiative.slug])
    assert client.get(public).status_code == 404

    for url in (
        reverse("admin:gestes_geste_preview", args=[waiting_work["geste"].pk]),
        reverse("admin:mobilisation_signature_preview", args=[waiting_work["signatures"][0].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200 and response["X-Robots-Tag"].startswith("noindex")

    client.force_login(resident)
    assert client.get(preview).status_code == 302  # to the admin's sign-in


def test_bulk_messages_agree_in_number_and_gender(
    client, orleans_agent, waiting_work, django_capture_on_commit_callbacks
):
    changelist = reverse("admin:initiatives_initiative_changelist")
    client.force_login(orleans_agent)
    first, second, third = waiting_work["initiatives"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {"action": "reject", "_selected_action": [first.pk], "apply": "1", "reason": "Non."},
            follow=True,
        )
    assert _messages(response) == ["1 proposition refusée ; son auteur est prévenu."]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {"action": "publish", "_selected_action": [second.pk, third.pk]},
            follow=True,
        )
    assert _messages(response) == ["2 initiatives publiées."]
    page = client.get(changelist).content.decode()
    assert "Publier les initiatives sélectionnées" in page
    assert "choisies" not in page


def test_publishing_from_the_mandate_to_verify_filter_counts_what_was_left_aside(
    client, orleans_agent, orleans_commune, django_capture_on_commit_callbacks
):
    pending = SignatureFactory(commune=orleans_commune, status=Signature.Status.PENDING)
    unconfirmed = SignatureFactory(commune=orleans_commune, status=Signature.Status.UNCONFIRMED)
    changelist = reverse("admin:mobilisation_signature_changelist")
    client.force_login(orleans_agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist + "?status__exact=a-verifier",
            {"action": "publish", "_selected_action": [pending.pk]},
            follow=True,
        )
    assert _messages(response) == ["1 signature publiée ; son auteur est prévenu."]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {"action": "publish", "_selected_action": [unconfirmed.pk]},
            follow=True,
        )
    assert _messages(response) == [
        "1 signature laissée de côté : seule une signature dont l'adresse est confirmée et qui "
        "attend la vérification peut être publiée.",
    ]


def test_a_moderator_role_sees_the_queues_it_moderates(client, orleans, waiting_work):
    moderator = UserFactory(email="moderation@orleans.example.org")
    Membership.objects.create(user=moderator, territory=orleans, role=Membership.Role.MODERATOR)
    enrol_in_two_factor(moderator)
    client.force_login(moderator)
    page = _text(client.get(INDEX))
    assert "1 proposition de geste à modérer" in page


def test_fields_and_counts_use_an_agents_words(client, orleans_agent, waiting_work):
    client.force_login(orleans_agent)
    geste = waiting_work["geste"]
    page = _text(client.get(reverse("admin:gestes_geste_change", args=[geste.pk])))
    assert "Adresse de la page" in page
    assert "Sous le titre, sur la carte du geste et quand sa page est partagée." in page
    assert "Seuls les gestes publiés sont visibles du public." in page
    calendar = _text(client.get(reverse("admin:gestes_monththeme_changelist")))
    assert re.search(r"\b(\d+) mois du calendrier\b", calendar)
    assert "calendrier de l'année" not in calendar.lower()
    assert "Sélectionnez l'objet" not in calendar
    # The residents' form keeps its own words.
    client.force_login(waiting_work["initiatives"][0].organiser)
    propose = _text(client.get(reverse("initiatives:propose")))
    assert "Affiché sur la page" not in propose


def test_the_delete_action_agrees_with_the_models_gender(client, orleans_agent, waiting_work):
    client.force_login(orleans_agent)
    page = _text(client.get(reverse("admin:initiatives_initiative_changelist")))
    assert "Supprimer les initiatives sélectionnées" in page
    page = _text(client.get(reverse("admin:gestes_geste_changelist")))
    assert "Supprimer les gestes sélectionnés" in page

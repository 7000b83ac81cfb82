"""A resident proposes, the staff of the portal moderate, the author is told."""

import re
import time
from html import unescape

import pytest
from django.urls import reverse

from gestes.models import Geste, Theme
from heurecivique import ratelimits
from territories.models import Membership

from ..factories import GesteFactory, UserFactory, enrol_in_two_factor

PROPOSE = reverse("gestes:propose")
CHANGELIST = reverse("admin:gestes_geste_changelist")


def _proposal(**fields):
    theme = Theme.objects.get(slug="entraide-quotidien")
    return {
        "title": "Installer une boîte à clés de secours",
        "summary": "Pour qu'un voisin de confiance puisse ouvrir en cas d'urgence.",
        "how_to": "Proposez à un voisin âgé de confier un double de ses clés.",
        "themes": [theme.pk],
        "kind": "personne",
        **fields,
    }


def test_proposing_signed_out_leads_to_login_and_back(client, db):
    response = client.get(PROPOSE)
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={PROPOSE}"


@pytest.fixture
def resident_client(client, resident):
    client.force_login(resident)
    return client


def test_the_kind_of_action_offers_only_real_choices_none_checked(resident_client):
    page = resident_client.get(PROPOSE).content.decode()
    assert "---------" not in page
    kinds = re.findall(r'<input[^>]*name="kind"[^>]*>', page)
    assert len(kinds) == len(Geste.Kind.choices)
    assert not any("checked" in radio for radio in kinds)


def test_an_empty_proposal_is_refused_in_french(resident_client):
    response = resident_client.post(PROPOSE, {})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Geste.objects.filter(proposed_by__isnull=False).exists()


def test_an_endless_proposal_is_refused(resident_client):
    response = resident_client.post(PROPOSE, _proposal(how_to="x" * 20_000))
    assert response.status_code == 400
    assert "au plus 3000 caractères" in response.content.decode()
    assert not Geste.objects.filter(proposed_by__isnull=False).exists()


def test_html_in_a_proposal_is_shown_as_text(resident_client, resident):
    script = "<script>alert('x')</script>"
    resident_client.post(PROPOSE, _proposal(title=f"Un geste {script}", how_to=script))
    page = resident_client.get(reverse("gestes:my_proposals")).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert script not in page
    geste = Geste.objects.get(proposed_by=resident)
    geste.status = Geste.Status.PUBLISHED
    geste.save()
    detail = resident_client.get(reverse("gestes:detail", args=[geste.slug])).content.decode()
    assert script not in detail


def test_the_idea_box_is_rate_limited_keeping_the_text_and_saying_the_wait(
    resident_client, resident, monkeypatch
):
    for n in range(5):
        assert resident_client.post(PROPOSE, _proposal(title=f"Idée numéro {n}")).status_code == 302
    response = resident_client.post(PROPOSE, _proposal(title="Idée de trop"))
    assert response.status_code == 429
    page = unescape(response.content.decode())
    assert 'value="Idée de trop"' in page  # nothing to type again
    assert "Vous pourrez l'envoyer dans 1 heure" in page
    assert "rien n'est perdu" not in page
    assert Geste.objects.filter(proposed_by=resident).count() == 5
    # 48 minutes later, the first proposal is 12 minutes from leaving the hour's window.
    later = time.time() + 48 * 60
    monkeypatch.setattr(ratelimits.time, "time", lambda: later)
    page = unescape(resident_client.post(PROPOSE, _proposal(title="Idée de trop")).content.decode())
    assert "Vous pourrez l'envoyer dans 12 minutes" in page


def test_mistakes_do_not_count_against_the_idea_boxs_limit(resident_client, resident):
    for _n in range(6):
        assert resident_client.post(PROPOSE, _proposal(title="")).status_code == 400
    for n in range(5):
        assert resident_client.post(PROPOSE, _proposal(title=f"Idée numéro {n}")).status_code == 302
    assert Geste.objects.filter(proposed_by=resident).count() == 5


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(1, "dans 1 minute"), (719, "dans 12 minutes"), (3600, "dans 1 heure"),
     (3601, "dans 1 heure et 1 minute"), (7500, "dans 2 heures et 5 minutes")],
)  # fmt: skip
def test_the_waiting_time_in_words_is_never_sooner_than_true(seconds, words):
    assert ratelimits.in_words(seconds) == words


@pytest.fixture
def loiret_moderator(loiret):
    user = UserFactory(email="moderation@loiret.example.org")
    Membership.objects.create(user=user, territory=loiret, role=Membership.Role.MODERATOR)
    enrol_in_two_factor(user)
    return user


def test_a_proposal_is_moderated_by_its_portal_and_shown_there_only(
    client, resident, loiret, gironde, national, loiret_moderator, smtp_server,
    django_capture_on_commit_callbacks, portal_client,
):  # fmt: skip
    client.force_login(resident)
    portal_client("loiret").post(PROPOSE, _proposal())
    geste = Geste.objects.get(proposed_by=resident)
    assert (geste.territory, geste.status) == (loiret, Geste.Status.PROPOSED)
    mine = client.get(reverse("gestes:my_proposals")).content.decode()
    assert "En attente de modération" in mine
    detail = reverse("gestes:detail", args=[geste.slug])
    assert portal_client("loiret").get(detail).status_code == 404

    client.force_login(loiret_moderator)
    queue = client.get(CHANGELIST, {"status__exact": "propose"}).content.decode()
    assert geste.title in queue
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "approve", "_selected_action": [geste.pk]})
    geste.refresh_from_db()
    assert geste.status == Geste.Status.PUBLISHED
    assert geste.moderated_by == loiret_moderator

    assert portal_client("loiret").get(detail).status_code == 200
    assert portal_client("gironde").get(detail).status_code == 404
    assert client.get(detail).status_code == 404
    [message] = smtp_server.messages
    assert message["To"] == resident.email
    assert "est publiée" in message["Subject"]


def test_a_rejection_sends_its_reason_to_the_author(
    client, resident, loiret, loiret_moderator, smtp_server, django_capture_on_commit_callbacks
):
    geste = GesteFactory(territory=loiret, proposed_by=resident, status=Geste.Status.PROPOSED)
    client.force_login(loiret_moderator)
    form = client.post(CHANGELIST, {"action": "reject", "_selected_action": [geste.pk]})
    assert "Motif du refus" in form.content.decode()  # the reason is asked first
    geste.refresh_from_db()
    assert geste.status == Geste.Status.PROPOSED

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            CHANGELIST,
            {
                "action": "reject",
                "_selected_action": [geste.pk],
                "apply": "1",
                "reason": "Ce geste existe déjà dans la liste nationale.",
            },
        )
    geste.refresh_from_db()
    assert geste.status == Geste.Status.REJECTED
    [message] = smtp_server.messages
    assert message["To"] == resident.email
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Ce geste existe déjà dans la liste nationale." in body
    client.force_login(resident)
    mine = client.get(reverse("gestes:my_proposals")).content.decode()
    assert "Refusé" in mine and "Ce geste existe déjà dans la liste nationale." in mine


def test_a_loiret_moderator_cannot_moderate_a_gironde_proposal(
    client, resident, loiret_moderator, gironde
):
    geste = GesteFactory(territory=gironde, proposed_by=resident, status=Geste.Status.PROPOSED)
    client.force_login(loiret_moderator)
    assert geste.title not in client.get(CHANGELIST).content.decode()
    change = reverse("admin:gestes_geste_change", args=[geste.pk])
    assert client.get(change).status_code == 302
    client.post(CHANGELIST, {"action": "approve", "_selected_action": [geste.pk]})
    geste.refresh_from_db()
    assert geste.status == Geste.Status.PROPOSED


def test_only_the_national_team_makes_a_geste_national(
    client, resident, loiret, loiret_moderator, national_admin
):
    geste = GesteFactory(territory=loiret, proposed_by=resident)
    client.force_login(loiret_moderator)
    assert "promote" not in client.get(CHANGELIST).content.decode()
    client.post(CHANGELIST, {"action": "promote", "_selected_action": [geste.pk]})
    geste.refresh_from_db()
    assert geste.territory == loiret

    client.force_login(national_admin)
    client.post(CHANGELIST, {"action": "promote", "_selected_action": [geste.pk]})
    geste.refresh_from_db()
    assert geste.territory is None
    assert client.get(reverse("gestes:detail", args=[geste.slug])).status_code == 200


def test_a_territorys_staff_cannot_make_a_geste_national_by_hand(client, loiret, loiret_moderator):
    geste = GesteFactory(territory=loiret)
    client.force_login(loiret_moderator)
    response = client.post(
        reverse("admin:gestes_geste_change", args=[geste.pk]),
        {"title": geste.title, "slug": geste.slug, "summary": geste.summary,
         "how_to": geste.how_to, "kind": "personne", "effort": "1", "territory": "",
         "status": "publie", "moderation_note": ""},
    )  # fmt: skip
    assert response.status_code == 200
    geste.refresh_from_db()
    assert geste.territory == loiret

"""The pages behind the buttons of the missions' emails, without signing in: opening a link
changes nothing; a link used, out of date, forged or about someone gone gets a French page that
says so and changes nothing; never a server error; a constant number of queries."""

import datetime
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone
from django.utils.html import escape

from heurecivique.links import INVALID
from missions import services
from missions.links import _ANSWER_SALT, _OUTCOME_SALT, answer_path, outcome_path
from missions.models import Mission, Participation
from tests.factories import AssociationFactory, MissionFactory
from volunteers.models import CivicHour

from .inbox import neighbour_need, volunteer

Status = Participation.Status
Outcome = services.Outcome


@pytest.fixture
def need(orleans, orleans_commune):
    return neighbour_need(orleans_commune)


@pytest.fixture
def invited(need, orleans_commune):
    alice = volunteer(orleans_commune, "alice@example.org")
    [invitation] = services.invite(mission=need, volunteers=[alice], by=None)
    return invitation


@pytest.fixture
def accepted(need, orleans_commune):
    """Alice, accepted on the need, which took place yesterday."""
    alice = volunteer(orleans_commune, "alice@example.org")
    participation = services.offer_help(volunteer=alice, mission=need)
    services.accept_offer(participation=participation)
    _past(need)
    participation.refresh_from_db()
    return participation


def _past(mission, **delta):
    ago = datetime.timedelta(**delta) if delta else datetime.timedelta(days=1)
    Mission.objects.filter(pk=mission.pk).update(starts_at=timezone.now() - ago)
    mission.refresh_from_db()


def _status(participation) -> str:
    participation.refresh_from_db()
    return participation.status


def test_opening_an_invitations_buttons_changes_nothing(client, invited):
    for available in (True, False):
        path = answer_path(invited.pk, available)
        assert client.get(path).status_code == 200
        assert client.head(path).status_code == 200
    page = client.get(answer_path(invited.pk, False)).text
    assert "Pas cette fois ?" in page and "Vous pouvez finalement ?" in page
    assert 'name="robots" content="noindex"' in page
    assert _status(invited) == Status.INVITED


def test_no_then_yes_says_you_already_answered_and_changes_nothing(client, invited):
    page = client.post(answer_path(invited.pk, False))
    assert "C&#x27;est noté, merci d&#x27;avoir répondu" in page.text
    assert _status(invited) == Status.DECLINED
    for method in (client.get, client.post):
        page = method(answer_path(invited.pk, True))
        assert page.status_code == 200
        assert "Vous avez déjà répondu" in page.text and "Pas cette fois" in page.text
    assert _status(invited) == Status.DECLINED


def test_a_yes_after_the_mission_says_the_link_expired(client, invited, need):
    _past(need)
    for method in (client.get, client.post):
        page = method(answer_path(invited.pk, True))
        assert "Ce lien a expiré" in page.text
        assert "il n&#x27;est plus possible d&#x27;y répondre" in page.text
    assert _status(invited) == Status.INVITED


def test_a_yes_to_a_cancelled_mission_says_so(client, invited, need):
    services.cancel_mission(mission=need)
    page = client.post(answer_path(invited.pk, True))
    assert "Cette mission est annulée" in page.text
    assert _status(invited) == Status.INVITED


@pytest.mark.parametrize(
    ("salt", "payload"),
    [
        (None, "nimporte-quoi"),
        (_ANSWER_SALT, {"p": 1, "a": "peut-etre"}),
        (_OUTCOME_SALT, {"p": 1, "o": "oui"}),  # another button's token
        (_ANSWER_SALT, {"p": "1", "a": "oui"}),
    ],
    ids=["garbage", "unknown-answer", "other-button", "id-as-text"],
)
def test_a_forged_or_foreign_invitation_link_is_refused(client, invited, salt, payload):
    token = signing.dumps(payload, salt=salt) if salt else payload
    for method in (client.get, client.post):
        page = method(f"/missions/reponse/{token}/")
        assert page.status_code == 400
        assert escape("Ce lien n'est pas valide") in page.text
    assert _status(invited) == Status.INVITED


def test_a_damaged_link_is_refused(client, invited):
    good = answer_path(invited.pk, True)
    for damaged in (good.replace(":", "x:", 1), good[:-8] + "/"):
        assert client.post(damaged).status_code == 400
    assert _status(invited) == Status.INVITED


def test_a_link_of_an_account_gone_or_a_participation_gone_is_a_french_404(client, invited):
    invited.volunteer.user.is_active = False
    invited.volunteer.user.save()
    page = client.post(answer_path(invited.pk, True))
    assert page.status_code == 404
    assert "Ce lien ne correspond plus à aucune invitation." in page.text
    gone = answer_path(invited.pk + 1000, True)
    assert client.get(gone).status_code == 404
    assert _status(invited) == Status.INVITED


def test_a_link_older_than_any_mission_says_it_expired(client, invited):
    long_ago = timezone.now() - datetime.timedelta(days=800)
    with mock.patch("django.core.signing.time.time", return_value=long_ago.timestamp()):
        old = answer_path(invited.pk, True)
    page = client.post(old)
    assert page.status_code == 400 and "Ce lien a expiré" in page.text
    assert _status(invited) == Status.INVITED


def test_the_day_after_link_before_the_mission_or_long_after_changes_nothing(client, accepted):
    mission = accepted.mission
    Mission.objects.filter(pk=mission.pk).update(
        starts_at=timezone.now() + datetime.timedelta(days=2)
    )
    page = client.post(outcome_path(accepted.pk, Outcome.DONE))
    assert "La mission n&#x27;a pas encore eu lieu" in page.text
    _past(mission, days=40)
    page = client.post(outcome_path(accepted.pk, Outcome.DONE))
    assert "Ce lien a expiré" in page.text and "Notez-la depuis votre espace" in page.text
    assert _status(accepted) == Status.ACCEPTED and not CivicHour.objects.exists()


def test_once_the_staff_counted_the_hours_the_day_after_link_says_so(client, accepted):
    services.complete_mission(mission=accepted.mission)
    page = client.post(outcome_path(accepted.pk, Outcome.DONE))
    assert "Vous avez déjà répondu" in page.text
    assert "Votre heure pour cette mission est comptée" in page.text
    assert CivicHour.objects.count() == 1


def test_a_day_after_link_with_an_answer_we_never_make_is_refused(client, accepted):
    token = signing.dumps({"p": accepted.pk, "o": "fait"}, salt=_OUTCOME_SALT)
    page = client.post(f"/missions/suite/{token}/")
    assert page.status_code == 400 and escape(INVALID) in page.text
    assert _status(accepted) == Status.ACCEPTED


def test_a_problem_too_long_or_left_out_is_refused_in_french(client, accepted):
    problem = outcome_path(accepted.pk, Outcome.PROBLEM)
    page = client.post(problem, {"problem": "x" * 1001})
    assert page.status_code == 400
    assert "Votre message dépasse 1 000 caractères" in page.text
    page = client.post(problem)  # the field left out of the request altogether
    assert page.status_code == 400
    assert "Dites en quelques mots ce qui s&#x27;est passé." in page.text
    assert _status(accepted) == Status.ACCEPTED


def test_a_button_opened_with_another_method_is_refused(client, invited):
    assert client.put(answer_path(invited.pk, True)).status_code == 405
    assert _status(invited) == Status.INVITED


def test_the_pages_cost_a_constant_number_of_queries(
    client, orleans, orleans_commune, django_assert_max_num_queries
):
    association = AssociationFactory(commune=orleans_commune)
    saturday = MissionFactory(
        commune=orleans_commune, kind=Mission.Kind.ASSOCIATION, association=association, places=3
    )
    helpers = [volunteer(orleans_commune, f"v{n}@example.org") for n in range(5)]
    invitations = services.invite(mission=saturday, volunteers=helpers, by=None)
    for invitation in invitations[:3]:
        services.answer_invitation(participation=invitation, available=True)
    with django_assert_max_num_queries(3):
        page = client.get(answer_path(invitations[-1].pk, True))
    assert "avec l'association" in page.text
    _past(saturday)
    with django_assert_max_num_queries(3):
        client.get(outcome_path(invitations[0].pk, Outcome.PROBLEM))

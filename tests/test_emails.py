"""The site's emails go out through the task queue, from a row written with the action: a
request never waits for an SMTP server; a server that says « later » gets the email later; a
refusal is logged without the address."""

import datetime
from unittest import mock

from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse
from django.utils import timezone

from heurecivique.models import OutgoingEmail
from heurecivique.tasks import requeue_emails
from tests.factories import PASSWORD

NEW_PASSWORD = "Solidarite-de-quartier-2026"


def test_a_request_writes_the_email_and_sends_nothing_itself(client, smtp_server, resident):
    client.post(reverse("account_reset_password"), {"email": resident.email})
    # Nothing was sent during the request: the email waits for the transaction to commit.
    assert smtp_server.messages == []
    [email] = OutgoingEmail.objects.all()
    assert email.to == [resident.email] and email.status == OutgoingEmail.Status.QUEUED


def test_an_email_the_server_defers_is_sent_on_the_next_try(
    client, smtp_server, resident, django_capture_on_commit_callbacks
):
    smtp_server.answers[resident.email] = ["451 4.7.1 Greylisted, come back later"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": resident.email})
    [message] = smtp_server.messages
    assert message["To"] == resident.email
    assert message["Message-ID"]
    assert not OutgoingEmail.objects.exists()


def test_a_refused_address_is_logged_without_the_address(
    client, smtp_server, resident, django_capture_on_commit_callbacks
):
    refusal = f"550 5.1.1 <{resident.email}>: Recipient address rejected"
    smtp_server.answers[resident.email] = [refusal]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": resident.email})
    assert smtp_server.messages == []
    [email] = OutgoingEmail.objects.all()
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.detail == "Adresse refusée par son serveur (code 550)"


def test_the_sweeper_sends_what_waited_for_the_broker(
    smtp_server, resident, client, django_capture_on_commit_callbacks
):
    client.post(reverse("account_reset_password"), {"email": resident.email})  # never queued
    assert requeue_emails() == 0  # a minute has not passed: its task may still be on its way
    OutgoingEmail.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_emails() == 1
    assert [m["To"] for m in smtp_server.messages] == [resident.email]


def _sign_up_work(client, email):
    """What signing up with this address costs: password hashes, emails written and sent."""
    with mock.patch.object(MD5PasswordHasher, "encode", autospec=True,
                           side_effect=MD5PasswordHasher.encode) as hashes:  # fmt: skip
        response = client.post(
            reverse("account_signup"),
            {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    return response.status_code, response.url, hashes.call_count


def test_signing_up_costs_the_same_for_a_new_and_a_known_address(client, smtp_server, resident):
    new = _sign_up_work(client, "jeanne@example.org")
    client.logout()
    known = _sign_up_work(client, resident.email)
    # The same answer, the same hashing, one email written and none sent by the request.
    assert new == known
    assert new[2] >= 1
    assert OutgoingEmail.objects.count() == 2
    assert smtp_server.messages == []


def test_a_failed_login_checks_the_password_once(client, resident):
    with mock.patch.object(MD5PasswordHasher, "verify", autospec=True,
                           side_effect=MD5PasswordHasher.verify) as checks:  # fmt: skip
        client.post(reverse("account_login"), {"login": resident.email, "password": "mauvais"})
    assert checks.call_count == 1
    with mock.patch.object(MD5PasswordHasher, "verify", autospec=True,
                           side_effect=MD5PasswordHasher.verify) as checks:  # fmt: skip
        client.post(reverse("account_login"), {"login": resident.email, "password": PASSWORD})
    assert checks.call_count == 1
    assert int(client.session["_auth_user_id"]) == resident.pk


def test_the_national_team_sees_what_waits_and_sends_it_again(
    client, national_admin, loiret_agent, resident, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.answers[resident.email] = ["550 5.1.1 Mailbox full for good"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": resident.email})
    changelist = reverse("admin:heurecivique_outgoingemail_changelist")
    client.force_login(loiret_agent)
    assert client.get(changelist).status_code == 403
    client.force_login(national_admin)
    page = client.get(changelist).content.decode()
    assert "Adresse refusée par son serveur (code 550)" in page
    [email] = OutgoingEmail.objects.all()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "send_again", "_selected_action": [email.pk]})
    assert [m["To"] for m in smtp_server.messages] == [resident.email]
    assert not OutgoingEmail.objects.exists()

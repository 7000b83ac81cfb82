"""allauth, in French, through a real SMTP server."""

import re

from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.urls import reverse

from tests.factories import PASSWORD

NEW_PASSWORD = "Solidarite-de-quartier-2026"


def _link(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/compte/\S+)", body).group(1)


def test_sign_up_verify_the_address_then_sign_in(
    client, smtp_server, db, django_capture_on_commit_callbacks
):
    # Emails go out through the task queue once the request's data is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "jeanne@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(email="jeanne@example.org")
    assert not user.emailaddress_set.get().verified

    # The email arrived through SMTP, in French, with the verification link.
    [message] = smtp_server.messages
    assert message["To"] == "jeanne@example.org"
    assert message["Subject"] == "[L'Heure Civique] Confirmez votre adresse pour donner votre heure"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert body.startswith("Bonjour,")
    assert "Pour activer votre compte" in body

    # Until the address is verified, signing in leads back to the verification page.
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_login"), {"login": "jeanne@example.org", "password": NEW_PASSWORD}
        )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    confirmation_url = _link(smtp_server.messages[-1])
    page = client.get(confirmation_url)
    assert "Confirmer" in page.content.decode()
    client.post(confirmation_url)
    assert user.emailaddress_set.get().verified

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "jeanne@example.org", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_signing_up_with_a_known_address_reveals_nothing(
    client, smtp_server, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": resident.email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    # Same answer as for a new address; the owner of the address is told by email.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert get_user_model().objects.filter(email__iexact=resident.email).count() == 1
    [message] = smtp_server.messages
    assert message["To"] == resident.email


def test_the_login_and_sign_up_pages_speak_french(client, db):
    login = client.get(reverse("account_login")).content.decode()
    assert '<html lang="fr">' in login
    assert "Mot de passe" in login
    assert "code de connexion" in login
    signup = client.get(reverse("account_signup")).content.decode()
    assert "Création de compte" in signup
    # Every field has a visible label, not only a placeholder.
    assert re.search(r'<label\s+for="id_email"[^>]*>\s*Courriel', signup)
    assert re.search(r'<label\s+for="id_password1"[^>]*>\s*Mot de passe', signup)


def test_bad_sign_up_input_gets_french_errors_and_creates_nothing(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "pas-une-adresse", "password1": "123", "password2": "456"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide." in page
    assert "Ce mot de passe est trop court." in page
    assert not get_user_model().objects.exists()


def test_sign_in_by_code_sent_by_email(
    client, smtp_server, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": resident.email})
    [message] = smtp_server.messages
    body = message.get_body(preferencelist=("plain",)).get_content()
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})\r?$", body, re.MULTILINE).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == resident.pk


def test_password_reset_by_email(client, smtp_server, resident, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": resident.email})
    [message] = smtp_server.messages
    reset_url = _link(message)
    response = client.get(reset_url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_url
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)


def test_repeated_failed_logins_are_rate_limited(client, resident):
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": resident.email, "password": "mauvais"})
    response = client.post(
        reverse("account_login"), {"login": resident.email, "password": PASSWORD}
    )
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_messages_cookie_never_carries_an_address(client, resident):
    response = client.post(
        reverse("account_login"), {"login": resident.email, "password": PASSWORD}
    )
    cookie = response.cookies["messages"].value
    texts = [str(m) for m in CookieStorage(HttpRequest())._decode(cookie)]
    assert texts == ["Connexion réussie."]
    assert resident.email not in cookie

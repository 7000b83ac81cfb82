"""Staff who sign in on the public site land in their admin, never in the volunteer onboarding,
whichever way they sign in."""

import re

from django.urls import reverse

from tests.factories import PASSWORD, VolunteerFactory, totp_code

NEW_PASSWORD = "Solidarite-de-quartier-2026"


def _emailed(smtp_server, pattern):
    body = smtp_server.messages[-1].get_body(preferencelist=("plain",)).get_content()
    return re.search(pattern, body, re.MULTILINE).group(1)


def _second_factor(client, response):
    assert response.url == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": totp_code()})


def _final(client, response):
    """Follow the redirects of a sign-in to the page a person finally sees."""
    return client.get(response.url, follow=True)


def test_by_password_from_a_volunteer_page(client, loiret_agent):
    # « Mon heure » asked for a sign-in first: ?next= leads there after it.
    login = client.get(reverse("volunteers:dashboard")).url
    assert login.startswith(reverse("account_login"))
    response = client.post(login, {"login": loiret_agent.email, "password": PASSWORD})
    page = _final(client, _second_factor(client, response))
    assert page.redirect_chain[-1][0] == reverse("admin:index")


def test_by_code_sent_by_email(
    client, smtp_server, loiret_agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": loiret_agent.email})
    code = _emailed(smtp_server, r"^([A-Z0-9]{4}-[A-Z0-9]{4})\r?$")
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    response = _second_factor(client, response)
    assert response.url == reverse("admin:index")


def test_after_a_password_reset(
    client, smtp_server, loiret_agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": loiret_agent.email})
    link = _emailed(smtp_server, r"https?://[^/\s]+(/compte/\S+)")
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    response = _second_factor(client, response)
    assert response.url == reverse("admin:index")


def test_mon_heure_sends_staff_without_a_profile_to_the_admin(client, loiret_agent):
    client.force_login(loiret_agent)
    response = client.get(reverse("volunteers:dashboard"))
    assert response.url == reverse("admin:index")


def test_staff_who_are_volunteers_too_keep_mon_heure(client, loiret_agent, orleans_commune):
    VolunteerFactory(user=loiret_agent, commune=orleans_commune)
    client.force_login(loiret_agent)
    assert client.get(reverse("volunteers:dashboard")).status_code == 200


def test_after_confirming_the_email_address(
    client, smtp_server, loiret_agent, django_capture_on_commit_callbacks
):
    # An agent whose address was never confirmed (say, changed by the national team).
    loiret_agent.emailaddress_set.update(verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_login"), {"login": loiret_agent.email, "password": PASSWORD}
        )
    assert response.url == reverse("account_email_verification_sent")
    link = _emailed(smtp_server, r"https?://[^/\s]+(/compte/confirm-email/\S+)")
    response = client.post(link)
    response = _second_factor(client, response)
    assert response.url == reverse("admin:index")

"""Every form that comes back with errors starts with a summary linking to each field (RGAA 11.10):
through the pages, as the persona who fills each form."""

import html as entities
import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, VolunteerFactory


def _summary(response) -> tuple[str, list[str]]:
    """The summary's title and its items, after checking that it leads to real fields."""
    html = response.content.decode()
    found = re.search(r'<section class="error-summary".*?</section>', html, re.S)
    assert found, "no error summary"
    summary = found.group()
    # First in the main content, before the page's own title, and named in the tab's title.
    main = html.index('<main id="contenu"')
    assert main < html.index('id="erreurs"') < html.index("<h1", main)
    assert re.search(r"<title>Erreur : ", html)
    assert 'tabindex="-1"' in summary
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    anchors = re.findall(r'href="#([^"]+)"', summary)
    assert anchors, "no link to a field"
    assert set(anchors) <= ids, f"links to missing fields: {set(anchors) - ids}"
    title = re.search(r"<h2[^>]*>(.*?)</h2>", summary, re.S).group(1)
    items = [
        entities.unescape(re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(r"<li>(.*?)</li>", summary)
    ]
    return title, items


def _count_is_said(title, items):
    plural = "s" if len(items) > 1 else ""
    assert title == f"Le formulaire contient {len(items)} erreur{plural}"


def test_the_sign_up_form_lists_its_three_missing_fields(client, national):
    response = client.post(reverse("account_signup"), {})
    title, items = _summary(response)
    assert title == "Le formulaire contient 3 erreurs"
    assert items[0] == "Courriel\xa0: Ce champ est obligatoire."
    assert 'href="#id_email"' in response.content.decode()


def test_a_single_error_is_said_in_the_singular(client, resident, national):
    response = client.post(
        reverse("account_login"), {"login": resident.email, "password": "pas le bon"}
    )
    html = response.content.decode()
    # An error about the whole form has no field to link to: it is listed as text.
    assert "Le formulaire contient 1 erreur<" in html
    assert re.search(r'<section class="error-summary".*?<li>[^<]*mot de passe', html, re.S)


def test_a_page_without_errors_has_no_summary(client, resident, national):
    # A filter's bad value is ignored, not reported: a search is not a submitted form.
    filtered = client.get(reverse("gestes:list"), {"theme": "n-existe-pas"})
    for response in (client.get(reverse("account_signup")), filtered):
        assert 'class="error-summary"' not in response.content.decode()
        assert "<title>Erreur" not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("account_signup", {"email": "pas-une-adresse", "password1": "123"}),
        ("account_login", {}),
        ("account_reset_password", {"email": "pas-une-adresse"}),
        ("mobilisation:sign", {}),
    ],
)
def test_a_visitors_forms_start_with_the_summary(client, name, data, national):
    _count_is_said(*_summary(client.post(reverse(name), data)))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("gestes:propose", {}),
        (
            "initiatives:propose",
            {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "0", "title": "Un titre"},
        ),
        ("volunteers:join", {}),
        ("account_change_password", {"oldpassword": "faux"}),
    ],
)
def test_a_residents_forms_start_with_the_summary(client, resident, name, data, national):
    client.force_login(resident)
    _count_is_said(*_summary(client.post(reverse(name), data)))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("volunteers:log_hour", {"done_on": "pas une date", "minutes": "0"}),
        ("volunteers:profile", {"first_name": ""}),
    ],
)
def test_a_volunteers_forms_start_with_the_summary(
    client, resident, orleans_commune, name, data, national
):
    VolunteerFactory(user=resident, commune=orleans_commune)
    client.force_login(resident)
    _count_is_said(*_summary(client.post(reverse(name), data)))


def test_the_two_factor_form_starts_with_the_summary(client, resident, national):
    client.force_login(resident)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    title, items = _summary(response)
    assert title == "Le formulaire contient 1 erreur"
    assert items[0].startswith("Code affiché par l'application")


def test_a_wrong_code_at_sign_in_starts_with_the_summary(client, loiret_agent, national):
    client.post(reverse("account_login"), {"login": loiret_agent.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    title, items = _summary(response)
    assert title == "Le formulaire contient 1 erreur"
    assert items[0].startswith("Code de vérification\xa0: Ce code n'est pas valable.")

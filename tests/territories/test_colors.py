import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from territories.colors import contrast_ratio, validate_primary_color, validate_secondary_color

from .forms import custom_hosts


def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)


def test_a_primary_colour_too_light_for_white_text_is_refused_in_french():
    with pytest.raises(ValidationError) as error:
        validate_primary_color("#f7c948")
    assert "trop claire pour y écrire du texte blanc" in error.value.messages[0]
    assert "il faut au moins 4,5:1" in error.value.messages[0]


def test_a_primary_colour_just_under_aa_is_refused_and_just_over_is_accepted():
    with pytest.raises(ValidationError):
        validate_primary_color("#777777")  # 4.48:1
    validate_primary_color("#767676")  # 4.54:1


def test_a_secondary_colour_too_dark_for_black_text_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_secondary_color("#00587c")
    assert "trop foncée pour y écrire du texte noir" in error.value.messages[0]


@pytest.mark.parametrize("value", ["bleu", "#12345", "#GGGGGG", "", "1b3a6b"])
def test_a_colour_that_is_not_hexadecimal_is_refused(value):
    with pytest.raises(ValidationError) as error:
        validate_primary_color(value)
    assert "format hexadécimal" in error.value.messages[0]


def test_the_admin_refuses_an_unreadable_colour_and_changes_nothing(client, loiret_agent, loiret):
    client.force_login(loiret_agent)
    url = reverse("admin:territories_territory_change", args=[loiret.pk])
    response = client.post(
        url,
        {
            "name": "Loiret",
            "is_active": "on",
            "primary_color": "#ffe680",
            "secondary_color": "#f7c948",
            "welcome_text": "",
            **custom_hosts(),
        },
    )
    assert response.status_code == 200
    assert "trop claire pour y écrire du texte blanc" in response.content.decode()
    loiret.refresh_from_db()
    assert loiret.primary_color == "#00587c"


def test_the_admin_accepts_a_readable_colour(client, loiret_agent, loiret):
    client.force_login(loiret_agent)
    url = reverse("admin:territories_territory_change", args=[loiret.pk])
    response = client.post(
        url,
        {
            "name": "Loiret",
            "is_active": "on",
            "primary_color": "#1d4f91",
            "secondary_color": "#f7c948",
            "welcome_text": "Bienvenue",
            **custom_hosts(),
        },
    )
    assert response.status_code == 302
    loiret.refresh_from_db()
    assert loiret.primary_color == "#1d4f91"

import io

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from heurecivique.management.commands.load_demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from mobilisation.models import WatchPairing
from territories.models import Membership, Territory
from volunteers.models import CivicHour, Volunteer
from volunteers.progress import progress_for


@pytest.fixture
def demo_settings(settings, tmp_path, orleans_commune, bordeaux_commune, national):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    return settings


def test_the_demo_loads_portals_and_accounts_and_can_be_loaded_again(demo_settings):
    output = io.StringIO()
    call_command("load_demo", port=8000, stdout=output)
    assert "http://loiret.localhost:8000" in output.getvalue()
    assert "loiret@demo.test" in output.getvalue()
    assert (Territory.objects.count(), Membership.objects.count()) == (4, 6)
    loiret = Territory.objects.get(slug="loiret")
    assert loiret.logo and loiret.department.code == "45"
    assert get_user_model().objects.get(email="loiret@demo.test").is_staff

    # A few hundred volunteers, with a year of hours; the demo resident among them.
    assert Volunteer.objects.count() > 300
    assert CivicHour.objects.count() > 1000
    helene = Volunteer.objects.get(user__email="habitant@demo.test")
    progress = progress_for(helene)
    assert helene.current_pledge and progress.current_streak >= 9
    assert not progress.this_month.done  # her hour of this month is left to do
    # Nothing is dated in the future, whatever the time of day the demo is loaded.
    now = timezone.now()
    assert not Volunteer.objects.filter(created_at__gt=now).exists()
    assert not Volunteer.objects.filter(contact_consent_at__gt=now).exists()
    assert not get_user_model().objects.filter(date_joined__gt=now).exists()
    assert not CivicHour.objects.filter(created_at__gt=now).exists()
    # The heatwave watch of Orléans, ready: three people, volunteers of their commune.
    pairings = WatchPairing.objects.select_related("beneficiary", "volunteer")
    assert len({p.beneficiary_id for p in pairings}) == 3
    assert all(p.volunteer.commune_id == p.beneficiary.commune_id for p in pairings)

    counts = _counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == counts


def _counts():
    return [
        model.objects.count()
        for model in (
            Territory,
            get_user_model(),
            Membership,
            Volunteer,
            CivicHour,
            Authenticator,
            WatchPairing,
        )  # fmt: skip
    ]


def test_the_demo_staff_sign_in_with_the_printed_key(demo_settings, client):
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    assert f"ajoutez la clé {DEMO_TOTP_SECRET}" in output.getvalue()
    assert Authenticator.objects.filter(type="totp").count() == 6  # the staff, not the resident

    code = io.StringIO()
    call_command("demo_code", stdout=code)
    response = client.post(
        reverse("account_login"), {"login": "loiret@demo.test", "password": DEMO_PASSWORD}
    )
    assert response.url == reverse("mfa_authenticate")
    client.post(response.url, {"code": code.getvalue()[:6]})
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_demo_never_loads_in_production(settings, db):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="ne se charge qu'en développement"):
        call_command("load_demo", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Réservé à la démonstration"):
        call_command("demo_code", stdout=io.StringIO())
    assert not get_user_model().objects.filter(email__endswith="@demo.test").exists()

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from territories.models import Membership, Territory


@pytest.fixture
def demo_settings(settings, tmp_path, orleans_commune, gironde_department, national):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    return settings


def test_the_demo_loads_portals_and_accounts_and_can_be_loaded_again(demo_settings):
    output = io.StringIO()
    call_command("load_demo", port=8000, stdout=output)
    assert "http://loiret.localhost:8000" in output.getvalue()
    assert "loiret@demo.test" in output.getvalue()
    counts = (
        Territory.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
    )
    assert counts == (4, 5, 4)
    loiret = Territory.objects.get(slug="loiret")
    assert loiret.logo and loiret.department.code == "45"
    assert get_user_model().objects.get(email="loiret@demo.test").is_staff

    call_command("load_demo", stdout=io.StringIO())
    assert counts == (
        Territory.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
    )


def test_the_demo_never_loads_in_production(settings, db):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="ne se charge qu'en développement"):
        call_command("load_demo", stdout=io.StringIO())
    assert not get_user_model().objects.filter(email__endswith="@demo.test").exists()

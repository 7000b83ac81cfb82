import datetime

import pytest
from django.utils import timezone

from missions.models import Mission

from ..factories import BeneficiaryFactory, CommuneFactory, MissionFactory, VolunteerFactory


@pytest.fixture
def olivet(loiret_department):
    return CommuneFactory(
        insee_code="45232", name="Olivet", department=loiret_department,
        postal_codes=" 45160 ", population=22000,
    )  # fmt: skip


@pytest.fixture
def volunteer(resident, orleans_commune, loiret):
    """Hélène, a volunteer of the quartier de la Source in Orléans."""
    return VolunteerFactory(user=resident, commune=orleans_commune, quartier="La Source")


@pytest.fixture
def neighbour_need(orleans_commune):
    """Marcelle's shopping, in Orléans: an « entre voisins » mission with a beneficiary."""
    return MissionFactory(
        commune=orleans_commune,
        quartier="La Source",
        title="Courses du jeudi",
        summary="Porter les courses d'une dame âgée du quartier.",
        details="Code de la porte : 4512B.",
        beneficiary=BeneficiaryFactory(commune=orleans_commune),
    )


def move(mission, **delta):
    """Put a mission at another moment (as time passing would), around the model's checks."""
    Mission.objects.filter(pk=mission.pk).update(
        starts_at=timezone.now() + datetime.timedelta(**delta)
    )
    mission.refresh_from_db()


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run an action, then what it left for after its commit (the emails' sending), as
    production does once the request's transaction commits."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run

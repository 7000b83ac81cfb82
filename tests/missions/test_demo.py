"""The demo missions: each kind, in Orléans and across the Loiret, to come and done, with what
a resident, an agent and an association's referent expect to find there; loaded twice, nothing
doubles; and no email goes out."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from heurecivique.models import OutgoingEmail
from missions.models import (
    Association,
    Beneficiary,
    HelpRequest,
    Mission,
    Participation,
)
from territories.models import Membership
from tests.factories import CommuneFactory
from volunteers.models import CivicHour, Volunteer

Status = Participation.Status


@pytest.fixture
def demo(settings, tmp_path, orleans_commune, bordeaux_commune, national):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    # Two more communes of the Loiret, for its collective actions.
    for code, name, population in (("45284", "Saint-Jean-de-Braye", 21000),
                                   ("45232", "Olivet", 22000)):  # fmt: skip
        CommuneFactory(
            insee_code=code, name=name, department=orleans_commune.department,
            population=population,
        )  # fmt: skip
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    return output.getvalue()


def _counts():
    return [
        model.objects.count()
        for model in (Mission, Participation, Beneficiary, Association, HelpRequest, CivicHour)
    ]


def test_the_demo_holds_each_kind_in_orleans_and_across_the_loiret(demo, orleans_commune):
    assert "Missions : " in demo
    assert "association@demo.test" in demo and "Référent d'association" in demo
    now = timezone.now()
    for kind in Mission.Kind.values:
        kind_missions = Mission.objects.filter(kind=kind, commune=orleans_commune)
        assert kind_missions.filter(starts_at__gt=now).exists(), kind
        assert kind_missions.filter(status=Mission.Status.DONE).exists(), kind
    elsewhere = Mission.objects.exclude(commune=orleans_commune)
    assert set(elsewhere.values_list("commune__name", flat=True)) == {
        "Saint-Jean-de-Braye",
        "Olivet",
    }
    assert Mission.objects.filter(series__isnull=False).count() >= 5  # weekly needs


def test_the_demo_has_its_waiting_list_hours_and_request_to_handle(demo):
    assert Participation.objects.filter(status=Status.WAITING).count() == 2
    assert Participation.objects.filter(status=Status.OFFERED).exists()  # to examine
    validated = CivicHour.objects.filter(source=CivicHour.Source.MISSION)
    assert validated.count() == Participation.objects.filter(status=Status.DONE).count() > 10
    assert not validated.filter(participation__isnull=True).exists()
    [request] = HelpRequest.objects.all()
    assert request.status == HelpRequest.Status.NEW
    # The CCAS registered each helped person, with how they agreed.
    staff = Membership.objects.get(role=Membership.Role.COMMUNE_AGENT).user
    assert set(Beneficiary.objects.values_list("consent_recorded_by", flat=True)) == {staff.pk}
    # Nothing dated to come is counted, and no email was written.
    assert not CivicHour.objects.filter(done_on__gt=timezone.localdate()).exists()
    assert not OutgoingEmail.objects.exists()


def test_the_demo_resident_and_the_referent_find_their_part(demo):
    helene = Volunteer.objects.get(user__email="habitant@demo.test")
    mine = {p.status for p in helene.participations.all()}
    assert mine == {Status.ACCEPTED, Status.INVITED}
    to_say = helene.participations.get(
        status=Status.ACCEPTED, mission__starts_at__lt=timezone.now()
    )
    assert to_say.sees_details and to_say.mission.beneficiary.phone
    referent = Membership.objects.get(role=Membership.Role.ASSOCIATION_REFERENT)
    [association] = referent.user.associations.all()
    assert association.missions.filter(posted_by=referent.user).count() >= 5
    assert referent.territory.slug == "orleans"


def test_the_demo_loads_twice_without_doubling_anything(demo):
    counts = _counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == counts

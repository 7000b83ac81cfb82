"""Every territorial admin, walked the same way: the staff of another territory can neither
list, open, change nor delete an object of the Loiret, and the Loiret's staff see it.

A new territorial model is covered by adding one line to OBJECTS_OF_THE_LOIRET."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from gestes.models import MonthTheme
from heurecivique.months import first_of_month
from initiatives.models import GoodPractice, InterestMessage
from missions.models import DetailsView, HelpRequest
from mobilisation.models import Campaign, Crisis, WatchedPerson
from outils.models import Kit
from pilotage.models import Export
from territories.admin import TerritoryScopedAdmin
from territories.models import Membership, Quartier
from volunteers.models import Delivery

from .factories import (
    AssociationFactory,
    BeneficiaryFactory,
    CivicHourFactory,
    GesteFactory,
    InitiativeFactory,
    MissionFactory,
    SignatureFactory,
    UserFactory,
    VolunteerFactory,
)

# For each scoped model, how to make one object of the Loiret (its department, or Orléans).
OBJECTS_OF_THE_LOIRET = {
    "territories.territory": lambda loiret, orleans: loiret,
    "territories.membership": lambda loiret, orleans: Membership.objects.create(
        user=UserFactory(), territory=loiret, role=Membership.Role.MODERATOR
    ),
    "territories.department": lambda loiret, orleans: loiret.department,
    "territories.commune": lambda loiret, orleans: orleans,
    "territories.quartier": lambda loiret, orleans: Quartier.objects.create(
        commune=orleans, name="La Source"
    ),
    "gestes.geste": lambda loiret, orleans: GesteFactory(territory=loiret),
    "gestes.monththeme": lambda loiret, orleans: MonthTheme.objects.create(
        territory=loiret, month=12, title="Le Noël des voisins", message="Une galette."
    ),
    "initiatives.initiative": lambda loiret, orleans: InitiativeFactory(commune=orleans),
    "initiatives.interestmessage": lambda loiret, orleans: InterestMessage.objects.create(
        initiative=InitiativeFactory(commune=orleans), sender=UserFactory(), message="Bonjour"
    ),
    "initiatives.goodpractice": lambda loiret, orleans: GoodPractice.objects.create(
        title="Un goûter", slug="un-gouter", summary="Simple.", body="Ainsi.", territory=loiret
    ),
    "outils.kit": lambda loiret, orleans: Kit.objects.create(
        title="Kit du Loiret",
        slug="kit-du-loiret",
        description="Pour tous.",
        audience=Kit.Audience.RESIDENTS,
        topic=Kit.Topic.MUTUAL_AID,
        territory=loiret,
    ),
    "volunteers.volunteer": lambda loiret, orleans: VolunteerFactory(commune=orleans),
    "volunteers.civichour": lambda loiret, orleans: CivicHourFactory(volunteer__commune=orleans),
    "volunteers.delivery": lambda loiret, orleans: Delivery.objects.create(
        user=UserFactory(),
        kind=Delivery.Kind.REMINDER,
        month=first_of_month(timezone.localdate()),
        territory=loiret,
    ),
    "mobilisation.signature": lambda loiret, orleans: SignatureFactory(commune=orleans),
    "mobilisation.crisis": lambda loiret, orleans: Crisis.objects.create(
        territory=loiret, kind=Crisis.Kind.FLOOD, message="Crue.", ends_on=timezone.localdate()
    ),
    "missions.mission": lambda loiret, orleans: MissionFactory(commune=orleans),
    "missions.beneficiary": lambda loiret, orleans: BeneficiaryFactory(commune=orleans),
    "missions.association": lambda loiret, orleans: AssociationFactory(commune=orleans),
    "missions.helprequest": lambda loiret, orleans: HelpRequest.objects.create(
        commune=orleans, name="Marcel Petit", phone="02 38 00 00 02", what="Des courses."
    ),
    "missions.detailsview": lambda loiret, orleans: DetailsView.objects.create(
        beneficiary=BeneficiaryFactory(commune=orleans), where="administration"
    ),
    "mobilisation.campaign": lambda loiret, orleans: Campaign.objects.create(
        territory=loiret, subject="Un coup de main samedi ?", body="Rendez-vous à 10 h."
    ),
    "mobilisation.watchedperson": lambda loiret, orleans: WatchedPerson.objects.get(
        pk=BeneficiaryFactory(commune=orleans, watched=True).pk
    ),
    "pilotage.export": lambda loiret, orleans: Export.objects.create(
        kind=Export.Kind.VOLUNTEERS, format=Export.Format.CSV, territory=loiret
    ),
}


def test_every_territorial_admin_is_walked():
    scoped = {
        model._meta.label_lower
        for model in filter(admin.site.is_registered, apps.get_models())
        if isinstance(admin.site.get_model_admin(model), TerritoryScopedAdmin)
    }
    assert scoped == set(OBJECTS_OF_THE_LOIRET)


@pytest.fixture(params=sorted(OBJECTS_OF_THE_LOIRET))
def object_of_the_loiret(request, loiret, orleans_commune):
    obj = OBJECTS_OF_THE_LOIRET[request.param](loiret, orleans_commune)
    opts = obj._meta
    return obj, f"admin:{opts.app_label}_{opts.model_name}"


def _as_stored(obj):
    return model_to_dict(type(obj)._default_manager.get(pk=obj.pk))


def test_another_territory_cannot_reach_it(client, gironde_agent, object_of_the_loiret):
    obj, admin_url = object_of_the_loiret
    before = _as_stored(obj)
    change = reverse(f"{admin_url}_change", args=[obj.pk])
    client.force_login(gironde_agent)
    assert change not in client.get(reverse(f"{admin_url}_changelist")).content.decode()
    for url in (change, reverse(f"{admin_url}_history", args=[obj.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("admin:index")
    client.post(change, {})
    client.post(reverse(f"{admin_url}_delete", args=[obj.pk]), {"post": "yes"})
    client.post(
        reverse(f"{admin_url}_changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert _as_stored(obj) == before


def test_its_territory_sees_it(client, loiret_agent, object_of_the_loiret):
    obj, admin_url = object_of_the_loiret
    change = reverse(f"{admin_url}_change", args=[obj.pk])
    client.force_login(loiret_agent)
    assert change in client.get(reverse(f"{admin_url}_changelist")).content.decode()
    assert client.get(change).status_code == 200


def test_an_association_referent_reaches_only_the_missions(client, association_referent):
    """Their role opens the missions of their association, and no other list of the admin."""
    client.force_login(association_referent)
    index = client.get(reverse("admin:index"))
    assert [
        model["object_name"] for app in index.context["app_list"] for model in app["models"]
    ] == ["Mission"]
    for model in filter(admin.site.is_registered, apps.get_models()):
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        expected = 200 if model._meta.label_lower == "missions.mission" else 403
        assert client.get(url).status_code == expected, url

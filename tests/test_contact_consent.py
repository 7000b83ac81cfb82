"""Staff see a resident's name and address only where the resident agreed to be contacted by
their mairie, or where their role allows (the national team): in every admin list and page."""

from django.urls import reverse
from django.utils import timezone

from gestes.models import Geste
from heurecivique.months import first_of_month
from initiatives.models import Initiative
from volunteers.models import Delivery
from volunteers.tasks import send_deliveries

from .factories import GesteFactory, InitiativeFactory, UserFactory, VolunteerFactory


def _resident(commune, email, consent):
    user = UserFactory(email=email, first_name="Denis", last_name="Discret")
    VolunteerFactory(
        user=user, commune=commune, contact_consent_at=timezone.now() if consent else None
    )
    return user


def _pages(client, model, obj):
    return [
        client.get(reverse(f"admin:{model}_changelist")).content.decode(),
        client.get(reverse(f"admin:{model}_change", args=[obj.pk])).content.decode(),
    ]


def test_an_agent_sees_the_author_of_a_proposal_only_with_consent(
    client, loiret_agent, loiret, orleans_commune
):
    discreet = _resident(orleans_commune, "discret@example.org", consent=False)
    willing = _resident(orleans_commune, "oui@example.org", consent=True)
    geste = GesteFactory(title="Une idée discrète", proposed_by=discreet, territory=loiret,
                         status=Geste.Status.PROPOSED)  # fmt: skip
    initiative = InitiativeFactory(commune=orleans_commune, organiser=discreet,
                                   status=Initiative.Status.PROPOSED)  # fmt: skip
    client.force_login(loiret_agent)
    for page in _pages(client, "gestes_geste", geste) + _pages(
        client, "initiatives_initiative", initiative
    ):
        assert "discret@example.org" not in page and "Discret" not in page
        assert "contact non autorisé par la personne" in page
    geste.proposed_by = willing
    geste.save()
    assert "oui@example.org" in _pages(client, "gestes_geste", geste)[1]


def test_the_national_team_sees_the_author(client, national_admin, loiret, orleans_commune):
    discreet = _resident(orleans_commune, "discret@example.org", consent=False)
    geste = GesteFactory(proposed_by=discreet, territory=loiret, status=Geste.Status.PROPOSED)
    client.force_login(national_admin)
    assert "discret@example.org" in _pages(client, "gestes_geste", geste)[1]


def test_a_bounce_shows_no_address_in_the_follow_up_log(
    client, loiret_agent, loiret, orleans_commune, smtp_server
):
    discreet = _resident(orleans_commune, "discret@example.org", consent=False)
    smtp_server.answers["discret@example.org"] = [
        "550 5.1.1 <discret@example.org>: Recipient address rejected"
    ]
    delivery = Delivery.objects.create(
        user=discreet, kind=Delivery.Kind.REMINDER,
        month=first_of_month(timezone.localdate()), territory=loiret,
    )  # fmt: skip
    send_deliveries([delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.BOUNCED
    client.force_login(loiret_agent)
    for page in _pages(client, "volunteers_delivery", delivery):
        assert "discret@example.org" not in page
    assert "code 550" in page

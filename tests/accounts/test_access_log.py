"""Who reached volunteers' personal data, and how: logged for the national team, kept a year."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessRecord
from accounts.tasks import forget_old_access_records
from heurecivique.months import first_of_month
from volunteers.models import Delivery

from ..factories import UserFactory, VolunteerFactory

CHANGELIST = reverse("admin:volunteers_volunteer_changelist")


@pytest.fixture
def volunteers(orleans_commune):
    return {
        "willing": VolunteerFactory(
            user=UserFactory(email="oui@example.org"), commune=orleans_commune,
            contact_consent_at=timezone.now(),
        ),
        "discreet": VolunteerFactory(
            user=UserFactory(email="discret@example.org"), commune=orleans_commune
        ),
    }  # fmt: skip


def _records():
    return [(r.actor.email, r.action, r.subjects) for r in AccessRecord.objects.order_by("at")]


def test_looking_at_contacts_exporting_and_resending_are_logged(
    client, loiret_agent, loiret, volunteers, smtp_server, django_capture_on_commit_callbacks
):
    willing, discreet = volunteers["willing"], volunteers["discreet"]
    client.force_login(loiret_agent)
    client.get(CHANGELIST)
    client.get(reverse("admin:volunteers_volunteer_change", args=[willing.pk]))
    client.get(reverse("admin:volunteers_volunteer_change", args=[discreet.pk]))  # no contact
    client.post(
        CHANGELIST,
        {"action": "export_contacts", "_selected_action": [willing.pk, discreet.pk]},
    )
    delivery = Delivery.objects.create(
        user=willing.user, kind=Delivery.Kind.REMINDER,
        month=first_of_month(timezone.localdate()), territory=loiret,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:volunteers_delivery_changelist"),
            {"action": "send_again", "_selected_action": [delivery.pk]},
        )
    agent = loiret_agent.email
    assert _records() == [
        (agent, AccessRecord.Action.VIEW, [willing.pk]),
        (agent, AccessRecord.Action.VIEW, [willing.pk]),
        (agent, AccessRecord.Action.EXPORT, [willing.pk]),
        (agent, AccessRecord.Action.RESEND, [willing.pk]),
    ]
    # The follow-up log shows addresses too.
    client.get(reverse("admin:volunteers_delivery_changelist"))
    client.get(reverse("admin:volunteers_delivery_change", args=[delivery.pk]))
    assert _records()[-2:] == [(agent, AccessRecord.Action.VIEW, [willing.pk])] * 2


def test_only_the_national_team_reads_the_log(
    client, loiret_agent, national_admin, loiret, volunteers
):
    client.force_login(loiret_agent)
    client.get(CHANGELIST)
    log = reverse("admin:accounts_accessrecord_changelist")
    assert client.get(log).status_code == 403
    client.force_login(national_admin)
    page = client.get(log).content.decode()
    assert loiret_agent.email in page and "Consultation de coordonnées" in page
    # « Who reached volunteer n° X's data? »
    found = client.get(log, {"q": f"n° {volunteers['willing'].pk}"}).content.decode()
    assert "Liste des volontaires" in found
    assert "Liste des volontaires" not in client.get(log, {"q": "999999"}).content.decode()
    record = AccessRecord.objects.get()
    delete = reverse("admin:accounts_accessrecord_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AccessRecord.objects.exists()


def test_records_are_kept_a_year(loiret_agent):
    now = timezone.now()
    old = AccessRecord.objects.create(
        actor=loiret_agent, action="export", description="…", at=now - datetime.timedelta(366)
    )
    recent = AccessRecord.objects.create(
        actor=loiret_agent, action="export", description="…", at=now - datetime.timedelta(364)
    )
    assert forget_old_access_records() == 1
    assert list(AccessRecord.objects.all()) == [recent]
    assert not AccessRecord.objects.filter(pk=old.pk).exists()

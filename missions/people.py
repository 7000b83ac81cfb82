"""The people around the missions: the residents' requests for help, the persons helped (who
sees their contact, logged; how long they are kept) and the associations' referents."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from heurecivique.email import send_templated_mail
from heurecivique.months import add_months
from territories.models import Membership, Territory
from territories.services import give_role

from .models import (
    BENEFICIARY_RETENTION_MONTHS,
    Association,
    Beneficiary,
    DetailsView,
    HelpRequest,
    Mission,
)
from .services import post_mission


@transaction.atomic
def ask_for_help(*, user=None, commune, **fields) -> HelpRequest:
    """« J'ai besoin d'un coup de main »: the request waits for the staff of the commune, who
    are told by email that one waits, and nothing about who asks."""
    help_request = HelpRequest(user=user, commune=commune, **fields)
    help_request.full_clean()
    help_request.save()
    territory = Territory.objects.for_commune(commune)
    context = {
        "commune": commune,
        "admin_url": territory.url(
            reverse("admin:missions_helprequest_change", args=[help_request.pk])
        ),
    }
    for address in sorted(
        set(Membership.objects.handling(commune).values_list("user__email", flat=True))
    ):
        send_templated_mail(
            to=address, template="missions/email/help_request_waiting", context=context
        )
    return help_request


@transaction.atomic
def turn_request_into_mission(
    *, request: HelpRequest, by, consent_how: str, mission_fields: dict, skills=(), themes=()
) -> Mission:
    """The mairie validates a resident's « J'ai besoin d'un coup de main »: the person becomes
    a beneficiary (their consent: the request, and how the mairie confirmed it) and the need a
    mission."""
    request = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != HelpRequest.Status.NEW:
        raise ValidationError("Cette demande a déjà été traitée.")
    beneficiary = Beneficiary(
        commune=request.commune,
        quartier=request.quartier,
        name=request.name,
        phone=request.phone,
        needs=request.what,
        consent_how=consent_how,
        consent_recorded_by=by,
    )
    beneficiary.full_clean()
    beneficiary.save()
    mission = post_mission(
        posted_by=by,
        beneficiary=beneficiary,
        commune=request.commune,
        skills=skills,
        themes=themes,
        **mission_fields,
    )
    request.status, request.mission = HelpRequest.Status.ACCEPTED, mission
    request.handled_by, request.handled_at = by, timezone.now()
    request.save()
    return mission


def refuse_request(*, request: HelpRequest, by, answer: str) -> HelpRequest:
    """The mairie cannot turn the request into a mission (it says why, and how it helps)."""
    updated = HelpRequest.objects.filter(pk=request.pk, status=HelpRequest.Status.NEW).update(
        status=HelpRequest.Status.REFUSED, handled_by=by, handled_at=timezone.now(), answer=answer
    )
    if not updated:
        raise ValidationError("Cette demande a déjà été traitée.")
    request.refresh_from_db()
    return request


@transaction.atomic
def set_referents(*, association: Association, users) -> tuple[list, list]:
    """Name an association's referents. The new ones get the role on the portal of its commune
    (and an email saying so); those taken off lose it once they refer no other association
    there. Returns who was added and who was removed."""
    current, wanted = set(association.referents.all()), set(users)
    added = sorted(wanted - current, key=lambda user: user.email)
    removed = sorted(current - wanted, key=lambda user: user.email)
    if not (added or removed):
        return added, removed
    association.referents.set(wanted)
    # The role is held on the commune's own portal (the admin's form asks for one first).
    territory = Territory.objects.get(kind=Territory.Kind.COMMUNE, commune=association.commune)
    role = Membership.Role.ASSOCIATION_REFERENT
    for user in added:
        if not Membership.objects.filter(user=user, territory=territory, role=role).exists():
            give_role(membership=Membership(territory=territory, role=role), email=user.email)
    for user in removed:
        if not user.associations.filter(commune=association.commune).exists():
            Membership.objects.filter(user=user, territory=territory, role=role).delete()
    return added, removed


def log_details_view(*, beneficiary: Beneficiary, user, where: str, mission=None) -> None:
    """Keep a trace of one look at a helped person's contact."""
    DetailsView.objects.create(beneficiary=beneficiary, user=user, where=where, mission=mission)


def log_details_views(*, missions, user, where: str) -> None:
    """Keep a trace of each helped person's contact one page shows (one query for all)."""
    DetailsView.objects.bulk_create(
        DetailsView(beneficiary_id=m.beneficiary_id, mission=m, user=user, where=where)
        for m in missions
        if m.beneficiary_id
    )


def anonymise_beneficiaries(today=None) -> int:
    """Forget the helped people kept past their retention (the nightly task), and the
    requests for help that never became a mission, as long after they came."""
    today = today or timezone.localdate()
    count = 0
    for beneficiary in Beneficiary.objects.to_anonymise(today).iterator():
        beneficiary.anonymise()
        count += 1
    cutoff = add_months(today, -BENEFICIARY_RETENTION_MONTHS)
    HelpRequest.objects.filter(
        mission__isnull=True,
        created_at__lt=timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min)),
    ).delete()
    return count

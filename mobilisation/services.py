"""A signature's life: signed, confirmed by its author's email, verified by staff, or withdrawn.

The links of the emails carry signed tokens (heurecivique.links): confirming is valid
CONFIRM_DAYS; withdrawing, for as long as the signature exists.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from heurecivique.email import send_templated_mail
from heurecivique.links import make_token, read_token
from territories.models import Membership, Territory

from .models import Signature

CONFIRM_DAYS = 7
WITHDRAW_DAYS = 3650
REFUSED_KEPT_DAYS = 90
_CONFIRM_SALT = "mobilisation.confirm"
_WITHDRAW_SALT = "mobilisation.withdraw"

Status = Signature.Status


# --- Links -------------------------------------------------------------------------------------


def _portal_url(signature: Signature, path: str) -> str:
    """An address on the portal the signature belongs to (its commune's, or its department's)."""
    portal = Territory.objects.for_area(
        department_id=signature.department_id, commune_id=signature.commune_id
    )
    return portal.url(path)


def confirm_url(signature: Signature) -> str:
    token = make_token({"s": signature.pk, "e": signature.email}, _CONFIRM_SALT)
    return _portal_url(signature, reverse("mobilisation:confirm", args=[token]))


def withdraw_url(signature: Signature) -> str:
    token = make_token({"s": signature.pk, "e": signature.email}, _WITHDRAW_SALT)
    return _portal_url(signature, reverse("mobilisation:withdraw", args=[token]))


def _signature_of(token: str, salt: str, days: int) -> Signature | None:
    """The signature a link is for; None when it no longer exists (withdrawn, erased)."""
    data = read_token(token, salt, days, {"s": int, "e": str})
    pk, email = data["s"], data["e"]
    # Bound to the address too: a signature id reused for someone else would not match.
    return (
        Signature.objects.select_related("commune", "department").filter(pk=pk, email=email).first()
    )


def signature_to_confirm(token: str) -> Signature | None:
    return _signature_of(token, _CONFIRM_SALT, CONFIRM_DAYS)


def signature_to_withdraw(token: str) -> Signature | None:
    return _signature_of(token, _WITHDRAW_SALT, WITHDRAW_DAYS)


# --- The steps ---------------------------------------------------------------------------------


def _mail(signature: Signature, template: str, **context) -> None:
    send_templated_mail(
        to=signature.email,
        template=f"mobilisation/email/{template}",
        context={"signature": signature, "withdraw_url": withdraw_url(signature), **context},
    )


@transaction.atomic
def sign(**fields) -> tuple[Signature, bool]:
    """A new signature, waiting for its author to confirm their address.

    Signing again while the first one is unconfirmed sends the confirmation link again
    (returns it with False); a signature already confirmed for this mandate is refused."""
    signature = Signature(status=Status.UNCONFIRMED, **fields)
    signature.clean()  # the address and place, as stored
    existing = (
        Signature.objects.select_for_update()
        .filter(
            email=signature.email,
            mandate=signature.mandate,
            place_code=signature.place_code,
            status__in=[Status.UNCONFIRMED, Status.PENDING, Status.VERIFIED],
        )
        .first()
    )
    if existing and existing.status == Status.UNCONFIRMED:
        _mail(existing, "confirm", confirm_url=confirm_url(existing), days=CONFIRM_DAYS)
        return existing, False
    if existing:
        raise ValidationError(
            "Cette adresse a déjà signé l'Appel pour ce mandat : "
            + (
                "votre signature est publiée."
                if existing.status == Status.VERIFIED
                else "votre signature attend la vérification de votre mandat."
            )
        )
    signature.full_clean()
    signature.save()
    _mail(signature, "confirm", confirm_url=confirm_url(signature), days=CONFIRM_DAYS)
    return signature, True


def staff_to_notify(signature: Signature):
    """Who verifies this signature: the department's officers and, for a municipal mandate,
    the agents of the commune's own portal; the national team when nobody else is there."""
    local = Membership.objects.filter(
        Q(
            role=Membership.Role.DEPARTMENT_OFFICER,
            territory__kind=Territory.Kind.DEPARTMENT,
            territory__department_id=signature.department_id,
        )
        | Q(
            role=Membership.Role.COMMUNE_AGENT,
            territory__commune_id=signature.commune_id,
            territory__commune__isnull=False,
        ),
        user__is_active=True,
    )
    people = {m.user for m in local.select_related("user")}
    if not people:
        national = Membership.objects.filter(
            role=Membership.Role.NATIONAL_ADMIN, user__is_active=True
        ).select_related("user")
        people = {m.user for m in national}
    return sorted(people, key=lambda user: user.email)


@transaction.atomic
def confirm(signature: Signature) -> bool:
    """The author confirmed their address: the signature waits for staff. Returns False when
    it was confirmed already (a second click changes nothing)."""
    updated = Signature.objects.filter(pk=signature.pk, status=Status.UNCONFIRMED).update(
        status=Status.PENDING, confirmed_at=timezone.now()
    )
    if not updated:
        return False
    signature.refresh_from_db()
    admin_url = _portal_url(
        signature, reverse("admin:mobilisation_signature_change", args=[signature.pk])
    )
    for user in staff_to_notify(signature):
        send_templated_mail(
            to=user.email,
            template="mobilisation/email/to_verify",
            context={"signature": signature, "admin_url": admin_url},
        )
    return True


@transaction.atomic
def withdraw(signature: Signature) -> None:
    """The author takes their signature back: it is erased, with everything it said."""
    signature.delete()


def verify(*, signatures, verifier) -> int:
    """Publish confirmed signatures whose mandate staff checked; each author is told."""
    count = 0
    for signature in signatures.filter(status=Status.PENDING).select_related(
        "commune", "department"
    ):
        with transaction.atomic():
            signature.status = Status.VERIFIED
            signature.verified_at = timezone.now()
            signature.verified_by = verifier
            signature.refusal_reason = ""
            signature.save(update_fields=["status", "verified_at", "verified_by", "refusal_reason"])
            badge = (
                _portal_url(
                    signature, reverse("mobilisation:badge", args=[signature.commune.insee_code])
                )
                if signature.commune_id
                else ""
            )
            _mail(signature, "verified", badge_url=badge)
        count += 1
    return count


@transaction.atomic
def refuse(*, signature: Signature, verifier, reason: str) -> None:
    """Refuse a signature whose mandate could not be confirmed; the author gets the reason."""
    signature.status = Status.REFUSED
    signature.verified_by = verifier
    signature.verified_at = timezone.now()
    signature.refusal_reason = reason
    signature.save(update_fields=["status", "verified_by", "verified_at", "refusal_reason"])
    _mail(signature, "refused")


def purge() -> int:
    """Erase what need not be kept: signatures never confirmed once their link has expired,
    and refused ones after REFUSED_KEPT_DAYS. Returns how many were erased."""
    now = timezone.now()
    deleted, _by_model = Signature.objects.filter(
        Q(status=Status.UNCONFIRMED, created_at__lt=now - datetime.timedelta(days=CONFIRM_DAYS))
        | Q(
            status=Status.REFUSED,
            verified_at__lt=now - datetime.timedelta(days=REFUSED_KEPT_DAYS),
        )
    ).delete()
    return deleted

"""« Veille canicule et grand froid »: the mairie flags the vulnerable people to call during an
alert (missions.Beneficiary.watched), pairs each with one or two volunteers of their quartier
(proposed by the staff, accepted by the volunteer), and while a heatwave or cold crisis covers
their commune each volunteer receives every morning one email: for each of their people, the
name, the phone and three buttons (« J'ai appelé : tout va bien », « Besoin d'aide »,
« Injoignable »). « Besoin d'aide », or two « Injoignable » in a row for the same person, alert
the CCAS at once: an email to the staff who handle the commune, and the board in the admin.

The morning emails are written by `send_mornings` (Celery beat, every few minutes): in one
transaction it locks a batch of volunteers due, skipping those another run holds (SKIP LOCKED),
writes their emails' outbox rows and their WatchMorning rows, unique per volunteer and day. A
second run, or a second worker, finds them written or locked and writes nothing twice.

Privacy: a volunteer sees only their own people, and their contact only while paired and while
a watch runs (the email, and the call's page); the person's data follow the beneficiaries'
rules: anonymising them ends their watch and forgets what the volunteers wrote (forget_person).
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, Value
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from heurecivique.email import portal_sender, queue_email, send_templated_mail
from heurecivique.text import long_date
from missions.models import Beneficiary, DetailsView
from territories.models import Membership, Territory
from volunteers.models import Volunteer

from . import watch_links
from .models import Crisis, WatchCall, WatchMorning, WatchPairing

logger = logging.getLogger(__name__)

Status = WatchPairing.Status
Outcome = WatchCall.Outcome

# At most this many volunteers call the same person.
MAX_VOLUNTEERS = 2
SUGGESTED = 10
# The morning email goes out from this time (or as soon as a watch starts later in the day),
# and not after SEND_UNTIL: a watch switched on in the evening starts the next morning.
SEND_FROM = datetime.time(8)
SEND_UNTIL = datetime.time(20)
BATCH_SIZE = 100
# What the access log says of the contacts the morning email gives.
WHERE_EMAIL = "courriel de la veille"


# --- Where a watch runs ---------------------------------------------------------------------


def watch_crises(today: datetime.date | None = None) -> list[Crisis]:
    """The heatwave and cold crises running today (a handful, read once)."""
    return list(
        Crisis.objects.running(today)
        .filter(kind__in=Crisis.WATCH_KINDS)
        .select_related("territory")
        .order_by("starts_at", "pk")
    )


def covers(crisis: Crisis, commune) -> bool:
    territory = crisis.territory
    if territory.kind == Territory.Kind.DEPARTMENT:
        return territory.department_id == commune.department_id
    if territory.kind == Territory.Kind.COMMUNE:
        return territory.commune_id == commune.pk
    return True  # the nation's


def crisis_for(commune, crises: list[Crisis]) -> Crisis | None:
    """The running watch that covers this commune, if any."""
    return next((crisis for crisis in crises if covers(crisis, commune)), None)


def watched_area(crises: list[Crisis], field: str = "commune") -> Q | None:
    """The rows whose commune (`field`) a running watch covers; None when none runs."""
    if not crises:
        return None
    if any(crisis.territory.is_national for crisis in crises):
        return Q()
    area = Q(pk__in=[])
    for crisis in crises:
        area |= crisis.territory.covers(field)
    return area


# --- Pairing a person with their volunteers ---------------------------------------------------


def active_pairings():
    return WatchPairing.objects.filter(status__in=WatchPairing.ACTIVE)


def may_be_paired():
    """The volunteers the mairie may ask to watch: an account, and the consent to be contacted
    by their mairie."""
    return Volunteer.objects.filter(
        user__isnull=False, user__is_active=True, contact_consent_at__isnull=False
    )


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def suggest(beneficiary: Beneficiary, *, limit: int = SUGGESTED) -> list[Volunteer]:
    """The volunteers of the person's commune best placed to call them: of their quartier
    first, then « disponibles en cas d'urgence », then those who watch the fewest people;
    not those who declined this person.
    Each comes with `same_quartier`, `emergency` and `load`. One query."""
    quartier = beneficiary.quartier.strip()
    # Those already asked for this person, and those who said no to it.
    already = WatchPairing.objects.filter(
        beneficiary=beneficiary, status__in=[*WatchPairing.ACTIVE, Status.DECLINED]
    ).values("volunteer_id")
    volunteers = (
        may_be_paired()
        .filter(commune_id=beneficiary.commune_id)
        .exclude(pk__in=already)
        .annotate(
            same_quartier=_flag(Q(quartier__iexact=quartier)) if quartier else Value(False),
            emergency=_flag(Q(emergency_available_at__isnull=False)),
            load=Count("watch_pairings", filter=Q(watch_pairings__status__in=WatchPairing.ACTIVE)),
        )
        .select_related("user")
        .order_by("-same_quartier", "-emergency", "load", "pk")
    )
    return list(volunteers[:limit])


@transaction.atomic
def propose(*, beneficiary: Beneficiary, volunteer: Volunteer, by) -> WatchPairing:
    """The staff propose a volunteer to call a person during alerts: the volunteer is asked by
    email, and accepts or declines in one click."""
    beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    if not beneficiary.watched or beneficiary.anonymised_at:
        raise ValidationError("Cette personne n'est pas sur la liste de la veille.")
    if not may_be_paired().filter(pk=volunteer.pk, commune_id=beneficiary.commune_id).exists():
        raise ValidationError(
            "Ce ou cette volontaire n'habite pas la commune de la personne, ou n'accepte pas "
            "d'être contacté·e par sa mairie."
        )
    pairings = active_pairings().filter(beneficiary=beneficiary)
    if pairings.filter(volunteer=volunteer).exists():
        raise ValidationError("Ce ou cette volontaire veille déjà sur cette personne.")
    if pairings.count() >= MAX_VOLUNTEERS:
        raise ValidationError(
            f"Cette personne a déjà {MAX_VOLUNTEERS} volontaires : retirez-en un pour en "
            "proposer un autre."
        )
    pairing = WatchPairing.objects.create(
        beneficiary=beneficiary, volunteer=volunteer, proposed_by=by
    )
    pairing.beneficiary = beneficiary
    _write_proposal(pairing)
    return pairing


@transaction.atomic
def answer_proposal(*, pairing: WatchPairing, accept: bool) -> WatchPairing:
    """The volunteer's answer to the proposal (a second click changes nothing)."""
    pairing = WatchPairing.objects.select_for_update().get(pk=pairing.pk)
    if pairing.status != Status.PROPOSED:
        raise ValidationError("Vous avez déjà répondu.")
    pairing.status = Status.CONFIRMED if accept else Status.DECLINED
    pairing.answered_at = timezone.now()
    pairing.save(update_fields=["status", "answered_at"])
    return pairing


def end_pairing(*, pairing: WatchPairing) -> bool:
    """The staff withdraw a volunteer from a person (to give them to another); whether it was
    still active."""
    return bool(
        active_pairings().filter(pk=pairing.pk).update(status=Status.ENDED, ended_at=timezone.now())
    )


def stop_watching(*, volunteer: Volunteer) -> int:
    """« Ne plus veiller »: the volunteer steps back from all their people; how many."""
    return (
        active_pairings()
        .filter(volunteer=volunteer)
        .update(status=Status.ENDED, ended_at=timezone.now())
    )


def forget_person(beneficiary: Beneficiary) -> None:
    """The person's record is anonymised (missions.models.ON_ANONYMISE): their watch ends, and
    what the volunteers wrote about them goes."""
    active_pairings().filter(beneficiary=beneficiary).update(
        status=Status.ENDED, ended_at=timezone.now()
    )
    WatchCall.objects.filter(beneficiary=beneficiary).exclude(note="").update(note="")


# --- The calls ----------------------------------------------------------------------------


def pairings_on_watch(crises: list[Crisis]):
    """The accepted pairings whose person is to be called today, and their volunteer written to."""
    area = watched_area(crises, "beneficiary__commune")
    if area is None:
        return WatchPairing.objects.none()
    return WatchPairing.objects.filter(
        area,
        status=Status.CONFIRMED,
        beneficiary__watched=True,
        beneficiary__anonymised_at__isnull=True,
        volunteer__user__is_active=True,
        volunteer__contact_consent_at__isnull=False,
    )


def is_alert(beneficiary: Beneficiary, outcome: str) -> bool:
    """« Besoin d'aide »; or « Injoignable » when the person's call before this one, by
    whichever of their volunteers, said « Injoignable » too."""
    if outcome == Outcome.NEED:
        return True
    if outcome != Outcome.UNREACHABLE:
        return False
    previous = beneficiary.watch_calls.order_by("-at", "-pk").values_list("outcome", flat=True)
    return previous.first() == Outcome.UNREACHABLE


@transaction.atomic
def report_call(*, pairing: WatchPairing, day: datetime.date, outcome: str, note: str = ""):
    """What the volunteer's call of the day came to; on an alert, the CCAS is told at once."""
    # One report at a time per person: « two in a row » reads the one before.
    beneficiary = Beneficiary.objects.select_for_update().get(pk=pairing.beneficiary_id)
    if WatchCall.objects.filter(pairing=pairing, day=day).exists():
        raise ValidationError("Vous avez déjà répondu aujourd'hui pour cette personne.")
    call = WatchCall.objects.create(
        pairing=pairing,
        beneficiary=beneficiary,
        day=day,
        outcome=outcome,
        note=note if outcome == Outcome.NEED else "",
        alert=is_alert(beneficiary, outcome),
    )
    if call.alert:
        _alert_staff(call, beneficiary)
    return call


def mark_handled(*, beneficiary: Beneficiary, by) -> int:
    """The staff dealt with the person's alerts; how many."""
    return WatchCall.objects.filter(
        beneficiary=beneficiary, alert=True, handled_at__isnull=True
    ).update(handled_at=timezone.now(), handled_by=by)


def open_alerts():
    """The calls whose alert the staff have not yet marked handled."""
    return WatchCall.objects.filter(alert=True, handled_at__isnull=True)


def with_open_alert(beneficiaries):
    return beneficiaries.filter(Exists(open_alerts().filter(beneficiary=OuterRef("pk"))))


# --- Emails -------------------------------------------------------------------------------


def _portal(commune, portals: dict) -> Territory:
    if commune.pk not in portals:
        portals[commune.pk] = Territory.objects.for_commune(commune)
    return portals[commune.pk]


def _email(*, to, territory, subject, template, context, headers=None):
    """An email in the portal's colours (HTML and text), to go out once committed."""
    context = {
        "territory": territory,
        "portal_name": territory.portal_name,
        "site_url": territory.url("/"),
        **context,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"mobilisation/watch/email/{template}.txt", context),
        from_email=portal_sender(territory),
        to=[to],
        headers={"Auto-Submitted": "auto-generated", **(headers or {})},
    )
    message.attach_alternative(
        render_to_string(f"mobilisation/watch/email/{template}.html", context), "text/html"
    )
    queue_email(message)


def _write_proposal(pairing: WatchPairing) -> None:
    volunteer, beneficiary = pairing.volunteer, pairing.beneficiary
    territory = _portal(beneficiary.commune, {})
    # « Vous habitez tout près » only when it is true: the same quartier (as the suggestions
    # compare them), else the same commune.
    quartier = beneficiary.quartier.strip()
    same_quartier = bool(quartier) and quartier.lower() == volunteer.quartier.strip().lower()
    _email(
        to=volunteer.user.email,
        territory=territory,
        subject="Veille canicule et grand froid : pouvez-vous appeler une personne de votre "
        f"{'quartier' if same_quartier else 'commune'} ?",
        template="proposition",
        context={
            "first_name": volunteer.user.first_name,
            "same_quartier": same_quartier,
            "where": _where(beneficiary),
            "yes_url": territory.url(watch_links.pairing_path(pairing.pk, True)),
            "no_url": territory.url(watch_links.pairing_path(pairing.pk, False)),
        },
    )


def _where(beneficiary: Beneficiary) -> str:
    """« dans le quartier Saint-Marceau, à Orléans » — the person's name comes only once the
    volunteer accepts."""
    place = beneficiary.commune.place.in_
    return f"{place}, quartier {beneficiary.quartier}" if beneficiary.quartier else place


def _alert_staff(call: WatchCall, beneficiary: Beneficiary) -> None:
    """The staff who handle the commune are told that an alert waits, not about whom (the
    board, which only they open, says it)."""
    commune = beneficiary.commune
    territory = Territory.objects.for_commune(commune)
    changelist = reverse("admin:mobilisation_watchedperson_changelist")
    context = {
        "commune": commune,
        "need": call.outcome == Outcome.NEED,
        "board_url": territory.url(f"{changelist}?veille=alertes"),
    }
    for address in sorted(
        set(Membership.objects.handling(commune).values_list("user__email", flat=True))
    ):
        send_templated_mail(to=address, template="mobilisation/watch/email/alerte", context=context)


def mornings_due(day: datetime.date, crises: list[Crisis]):
    """The volunteers with people to call today who have not had today's email."""
    return Volunteer.objects.filter(
        pk__in=pairings_on_watch(crises).values("volunteer_id"),
        user__email_bounced_at__isnull=True,
    ).exclude(pk__in=WatchMorning.objects.filter(day=day).values("volunteer_id"))


ADVICE = {
    Crisis.Kind.HEATWAVE: "Demandez-lui si elle boit assez d'eau, si elle a pu garder son "
    "logement au frais et si elle ne se sent pas mal.",
    Crisis.Kind.COLD: "Demandez-lui s'il fait assez chaud chez elle, si elle a de quoi manger "
    "et si elle ne se sent pas mal.",
}


def _write_morning(volunteer, pairings, day, crises, portals) -> None:
    crisis = crisis_for(pairings[0].beneficiary.commune, crises)
    territory = _portal(volunteer.commune, portals)
    stop_url = territory.url(watch_links.stop_path(volunteer.pk))
    people = [
        {
            "name": p.beneficiary.name,
            "phone": p.beneficiary.phone,
            "quartier": p.beneficiary.quartier,
            **{
                f"{name}_url": territory.url(watch_links.call_path(p.pk, day, outcome))
                for name, outcome in (
                    ("fine", Outcome.FINE),
                    ("need", Outcome.NEED),
                    ("unreachable", Outcome.UNREACHABLE),
                )
            },
        }
        for p in pairings
    ]
    _email(
        to=volunteer.user.email,
        territory=territory,
        subject=f"Veille {crisis.get_kind_display().lower()} : vos appels du "
        f"{long_date(day, 'l j F')}",
        template="matin",
        context={
            "first_name": volunteer.user.first_name,
            "kind": crisis.get_kind_display().lower(),
            "advice": ADVICE.get(crisis.kind, ""),
            "day": long_date(day, "l j F"),
            "people": people,
            "stop_url": stop_url,
        },
        headers={
            "List-Unsubscribe": f"<{stop_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def send_mornings(now: datetime.datetime | None = None) -> int:
    """Write the morning emails due now, each once per volunteer and day; how many."""
    local = timezone.localtime(now or timezone.now())
    if not SEND_FROM <= local.time() < SEND_UNTIL:
        return 0
    day = local.date()
    crises = watch_crises(day)
    if not crises:
        return 0
    written, portals = 0, {}
    while True:
        try:
            with transaction.atomic():
                batch = list(
                    mornings_due(day, crises)
                    .select_for_update(skip_locked=True, of=("self",))
                    .select_related("user", "commune__department")
                    .order_by("pk")[:BATCH_SIZE]
                )
                if not batch:
                    return written
                _write_batch(batch, day, crises, portals)
        except IntegrityError:
            # Another run wrote some of these meanwhile (its commit fell between our reading
            # and our locking): its rows stand, ours are rolled back; read the rest again.
            continue
        written += len(batch)


def _write_batch(batch, day, crises, portals) -> None:
    pairings = {}
    for pairing in (
        pairings_on_watch(crises)
        .filter(volunteer__in=batch)
        .select_related("beneficiary__commune__department")
        .order_by("beneficiary__name", "pk")
    ):
        pairings.setdefault(pairing.volunteer_id, []).append(pairing)
    mornings, views = [], []
    for volunteer in batch:
        theirs = pairings.get(volunteer.pk, [])
        mornings.append(WatchMorning(volunteer=volunteer, day=day, people=len(theirs)))
        if not theirs:
            continue
        try:
            with transaction.atomic():  # a savepoint: one bad row spoils no other
                _write_morning(volunteer, theirs, day, crises, portals)
        except Exception:
            # Marked written all the same: a bug must not hold up the rest, nor come back
            # every few minutes.
            logger.exception("Volontaire %s : courriel de la veille impossible.", volunteer.pk)
            continue
        views += [
            DetailsView(
                beneficiary_id=p.beneficiary_id, user_id=volunteer.user_id, where=WHERE_EMAIL
            )
            for p in theirs
        ]
    WatchMorning.objects.bulk_create(mornings)
    DetailsView.objects.bulk_create(views)

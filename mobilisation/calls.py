"""« Messages aux volontaires »: a territory's staff write to a segment of its volunteers.

- `segment` reads the message's conditions (communes, quartier, interests, skills,
  availability, pledge, « disponible en cas d'urgence »); `recipients` keeps those who may be
  written to: an account, consent to be contacted by their mairie, the « messages de ma
  mairie » left on, and, unless the message is a crisis's, fewer than MONTHLY_CAP such
  messages this month. The admin shows that number before the staff confirm.
- `send` (the confirmation) writes one CampaignDelivery per recipient (unique per message and
  volunteer) and queues them in batches; `send_batch` claims a batch's rows (SKIP LOCKED),
  checks each person again (consent, preference, cap) and hands each email to the outbox
  (heurecivique.email.queue_emails) in the same transaction that marks its row: a batch run
  twice, or by two workers, writes each email once, and the outbox sends each once, the
  batch over one SMTP connection.
- The answers « Je suis disponible » / « Pas disponible » come through signed links
  (`answer_path`, calls_views.py); `invite_available` turns those available into a mission's
  invited volunteers (missions.services.invite).
- `thank(crisis)`, when a crisis ends: one thank-you per crisis (a database constraint), to
  those who answered « disponible » to its messages, with what was done.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from heurecivique.celery import publish
from heurecivique.email import mail_domain, portal_sender, queue_emails
from heurecivique.links import INVALID, BadLink, make_token, read_token
from heurecivique.models import OutgoingEmail
from heurecivique.months import first_of_month
from heurecivique.text import count_of
from missions import services as missions
from missions.models import Mission
from volunteers.links import unsubscribe_path
from volunteers.models import MAIRIE_MESSAGES, MONTHLY_CAP, Volunteer, start_of_day

from .models import Campaign, CampaignDelivery, Crisis, WatchCall

Status = CampaignDelivery.Status
Answer = CampaignDelivery.Answer
logger = logging.getLogger(__name__)

# In a preview, the buttons lead nowhere: a working link would answer for the volunteer.
PREVIEW_LINK = "#apercu"
# Rows still waiting this long after they were queued lost their task (the broker was down).
STALE_AFTER = datetime.timedelta(minutes=30)

# --- Who receives a message -------------------------------------------------------------------


def segment(campaign: Campaign):
    """The volunteers of the message's territory who match its conditions (all of them when it
    sets none), before consent, preferences and the cap."""
    volunteers = Volunteer.objects.on_portal(campaign.territory)
    if campaign.pk:
        if communes := [c.pk for c in campaign.communes.all()]:
            volunteers = volunteers.filter(commune__in=communes)
        if interests := [t.pk for t in campaign.interests.all()]:
            through = Volunteer.interests.through.objects.filter(theme__in=interests)
            volunteers = volunteers.filter(Exists(through.filter(volunteer=OuterRef("pk"))))
        if skills := [s.pk for s in campaign.skills.all()]:
            through = Volunteer.skills.through.objects.filter(skill__in=skills)
            volunteers = volunteers.filter(Exists(through.filter(volunteer=OuterRef("pk"))))
    if campaign.quartier.strip():
        volunteers = volunteers.filter(quartier__iexact=campaign.quartier.strip())
    if campaign.availability:
        # Any of the times chosen; the codes, quoted, never hold one another.
        any_time = Q()
        for code in campaign.availability:
            any_time |= Q(availability__icontains=f'"{code}"')
        volunteers = volunteers.filter(any_time)
    if campaign.pledge:
        volunteers = volunteers.with_pledge_state(select=False)
        running = Q(has_open_pledge=True, is_paused=False)
        volunteers = volunteers.filter(
            running if campaign.pledge == Campaign.Pledge.RUNNING else ~running
        )
    if campaign.emergency_only:
        volunteers = volunteers.filter(emergency_available_at__isnull=False)
    return volunteers


def reachable(volunteers):
    """Those who may be written to: an active account whose address does not bounce, consent
    to be contacted by their mairie, and the « messages de ma mairie » left on."""
    return volunteers.filter(
        user__isnull=False,
        user__is_active=True,
        user__email_bounced_at__isnull=True,
        contact_consent_at__isnull=False,
        calls_enabled=True,
    )


def month_start(now: datetime.datetime | None = None) -> datetime.datetime:
    return start_of_day(first_of_month(timezone.localdate(now)))


def counted_in_cap(now: datetime.datetime | None = None):
    """The messages of this month that count in the cap: written, not a crisis's."""
    return CampaignDelivery.objects.filter(
        status=Status.WRITTEN, campaign__crisis__isnull=True, sent_at__gte=month_start(now)
    )


def recipients(campaign: Campaign):
    """Who the message goes to if it is confirmed now."""
    volunteers = reachable(segment(campaign))
    if campaign.crisis_id is None:
        capped = (
            counted_in_cap()
            .values("volunteer_id")
            .annotate(sent=Count("pk"))
            .filter(sent__gte=MONTHLY_CAP)
            .values("volunteer_id")
        )
        volunteers = volunteers.exclude(pk__in=capped)
    return volunteers


def audience(campaign: Campaign) -> dict:
    """What the confirmation page tells: the volunteers matching the conditions, and how many
    of them the message reaches (and why the others are left out), in a few queries."""
    matching = segment(campaign)
    counts = {
        "matching": matching.count(),
        "reachable": reachable(matching).count(),
        "recipients": recipients(campaign).count(),
    }
    return counts | {"capped": counts["reachable"] - counts["recipients"]}


# --- The email --------------------------------------------------------------------------------

_ANSWER_SALT = "mobilisation.calls.answer"
ANSWER_DAYS = 60
YES, NO = "oui", "non"


def answer_path(delivery_id: int, available: bool) -> str:
    token = make_token({"d": delivery_id, "a": YES if available else NO}, _ANSWER_SALT)
    return reverse("mobilisation:call_answer", args=[token])


def read_answer(token: str) -> tuple[int, bool]:
    """(delivery id, whether the volunteer is available) of a message's button."""
    data = read_token(token, _ANSWER_SALT, ANSWER_DAYS, {"d": int, "a": str})
    if data["a"] not in (YES, NO):
        raise BadLink(INVALID)
    return data["d"], data["a"] == YES


def paragraphs(text: str) -> list[str]:
    """The staff's text as paragraphs: a blank line between two."""
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def message(delivery: CampaignDelivery, *, live: bool = True) -> EmailMultiAlternatives:
    """The email of one delivery, HTML and text, in the colours of the message's portal, with
    the one-click unsubscribe (RFC 8058). `live=False` makes a preview: its buttons lead
    nowhere."""
    campaign, user = delivery.campaign, delivery.volunteer.user
    territory = campaign.territory

    def link(path: str) -> str:
        return territory.url(path) if live else PREVIEW_LINK

    unsubscribe_url = link(unsubscribe_path(user.pk, MAIRIE_MESSAGES))
    context = {
        "campaign": campaign,
        "first_name": user.first_name,
        "paragraphs": paragraphs(campaign.body),
        "territory": territory,
        "portal_name": territory.portal_name,
        "site_url": territory.url("/"),
        "preferences_url": territory.url(reverse("volunteers:email_preferences")),
        "unsubscribe_url": unsubscribe_url,
        "crisis": campaign.crisis,
        "monthly_cap": MONTHLY_CAP,
    }
    if campaign.asks_availability:
        context["available_url"] = link(answer_path(delivery.pk, True))
        context["unavailable_url"] = link(answer_path(delivery.pk, False))
    email = EmailMultiAlternatives(
        subject=campaign.subject,
        body=render_to_string("mobilisation/calls/email/message.txt", context),
        from_email=portal_sender(territory),
        to=[user.email],
        headers={
            "Message-ID": f"<message-{delivery.pk}@{mail_domain()}>",
            "Auto-Submitted": "auto-generated",
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    email.attach_alternative(
        render_to_string("mobilisation/calls/email/message.html", context), "text/html"
    )
    return email


def preview(campaign: Campaign) -> EmailMultiAlternatives | None:
    """The message as its first recipient would receive it, its buttons disabled; None when
    nobody would."""
    volunteer = recipients(campaign).select_related("user").order_by("pk").first()
    if volunteer is None:
        return None
    return message(CampaignDelivery(pk=0, campaign=campaign, volunteer=volunteer), live=False)


# --- Sending ----------------------------------------------------------------------------------


def _enqueue(ids: list[int]) -> None:
    """Queue these deliveries in batches, once the current transaction commits."""
    from .tasks import send_call_batch

    size = settings.REMINDER_BATCH_SIZE
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        transaction.on_commit(lambda batch=batch: publish(send_call_batch, batch), robust=True)


def _plan(campaign: Campaign, volunteer_ids: list[int]) -> int:
    """Write the deliveries of a message (once per volunteer) and queue them."""
    now = timezone.now()
    CampaignDelivery.objects.bulk_create(
        [CampaignDelivery(campaign=campaign, volunteer_id=pk, created_at=now, enqueued_at=now)
         for pk in volunteer_ids],
        ignore_conflicts=True,
        batch_size=2000,
    )  # fmt: skip
    ids = list(
        campaign.deliveries.filter(status=Status.QUEUED).order_by("pk").values_list("pk", flat=True)
    )
    _enqueue(ids)
    return len(ids)


@transaction.atomic
def send(*, campaign: Campaign, by) -> int:
    """The staff confirm: the message goes to its recipients as counted now; how many."""
    campaign = Campaign.objects.select_for_update().select_related("territory").get(pk=campaign.pk)
    if campaign.status != Campaign.Status.DRAFT:
        raise ValidationError("Ce message est déjà envoyé.")
    if campaign.crisis_id and not Crisis.objects.running().filter(pk=campaign.crisis_id).exists():
        raise ValidationError(
            "La crise de ce message est terminée : retirez-la du message pour l'envoyer."
        )
    volunteer_ids = list(recipients(campaign).order_by("pk").values_list("pk", flat=True))
    if not volunteer_ids:
        raise ValidationError("Ce message ne toucherait personne : élargissez les conditions.")
    campaign.status = Campaign.Status.SENDING
    campaign.recipient_count = len(volunteer_ids)
    campaign.sent_by, campaign.sent_at = by, timezone.now()
    campaign.save(update_fields=["status", "recipient_count", "sent_by", "sent_at"])
    _plan(campaign, volunteer_ids)
    return len(volunteer_ids)


def reason_not_to_send(delivery: CampaignDelivery, sent_this_month: dict[int, int]) -> str:
    """Why a planned message should not go out any more (empty: send it)."""
    volunteer = delivery.volunteer
    user = volunteer.user
    if user is None or not user.is_active:
        return "Compte supprimé ou désactivé."
    if user.email_bounced_at:
        return "Adresse refusée par son serveur."
    if volunteer.contact_consent_at is None:
        return "N'accepte plus d'être contacté par sa mairie."
    if not volunteer.calls_enabled:
        return "Désinscrit des messages de sa mairie."
    if delivery.campaign.crisis_id is None and sent_this_month.get(volunteer.pk, 0) >= MONTHLY_CAP:
        return f"A déjà reçu {MONTHLY_CAP} messages de sa mairie ce mois-ci."
    return ""


def send_batch(ids: list[int]) -> int:
    """Hand a batch of messages to the outbox, each once; how many were written."""
    with transaction.atomic():
        deliveries = list(
            CampaignDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=ids, status=Status.QUEUED)
            .select_related("volunteer__user", "campaign__territory", "campaign__crisis")
            .order_by("pk")
        )
        if not deliveries:
            return 0
        people = sorted({delivery.volunteer_id for delivery in deliveries})
        # Two messages' batches reaching the same people count the cap one after the other; and
        # the consent and the preference are read again under the lock, as they stand now.
        choices = {
            row["pk"]: row
            for row in Volunteer.objects.select_for_update()
            .filter(pk__in=people)
            .order_by("pk")
            .values("pk", "contact_consent_at", "calls_enabled")
        }
        for delivery in deliveries:
            delivery.volunteer.contact_consent_at = choices[delivery.volunteer_id][
                "contact_consent_at"
            ]
            delivery.volunteer.calls_enabled = choices[delivery.volunteer_id]["calls_enabled"]
        sent_this_month = dict(
            counted_in_cap()
            .filter(volunteer__in=people)
            .values("volunteer_id")
            .annotate(sent=Count("pk"))
            .values_list("volunteer_id", "sent")
        )
        now, written, messages = timezone.now(), [], []
        for delivery in deliveries:
            if reason := reason_not_to_send(delivery, sent_this_month):
                delivery.status, delivery.detail = Status.SKIPPED, reason
                continue
            try:
                messages.append(message(delivery))
            except Exception as error:
                # A bug must not hold up the rest of the batch, nor come back every sweep.
                logger.exception("Message %s : courriel impossible à écrire.", delivery.pk)
                delivery.status = Status.SKIPPED
                delivery.detail = f"Courriel impossible à écrire : {type(error).__name__}"
                continue
            written.append(delivery)
            delivery.status, delivery.sent_at = Status.WRITTEN, now
            if delivery.campaign.crisis_id is None:
                sent_this_month[delivery.volunteer_id] = (
                    sent_this_month.get(delivery.volunteer_id, 0) + 1
                )
        # One outbox row each, sent by one task over one SMTP connection.
        emails = queue_emails(messages)
        for delivery, email in zip(written, emails, strict=True):
            delivery.email = email
        CampaignDelivery.objects.bulk_update(
            deliveries, ["status", "detail", "email", "sent_at"], batch_size=500
        )
        _finish({delivery.campaign_id for delivery in deliveries})
    return len(written)


def _finish(campaign_ids) -> None:
    """A message none of whose rows waits any more is sent."""
    waiting = CampaignDelivery.objects.filter(campaign=OuterRef("pk"), status=Status.QUEUED)
    Campaign.objects.filter(pk__in=campaign_ids, status=Campaign.Status.SENDING).exclude(
        Exists(waiting)
    ).update(status=Campaign.Status.SENT)


def requeue_stale() -> int:
    """Queue again the rows still waiting long after they were queued: their task was lost."""
    with transaction.atomic():
        stale = CampaignDelivery.objects.filter(
            status=Status.QUEUED, enqueued_at__lt=timezone.now() - STALE_AFTER
        )
        ids = list(stale.order_by("pk").values_list("pk", flat=True)[:50_000])
        CampaignDelivery.objects.filter(pk__in=ids).update(enqueued_at=timezone.now())
        _enqueue(ids)
    return len(ids)


def progress(campaign: Campaign) -> dict:
    """Where the sending stands, in one query: waiting, written to the outbox, delivered (the
    outbox sent it), failed, left out, and the answers."""
    counts = campaign.deliveries.aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=Q(status=Status.QUEUED)),
        skipped=Count("pk", filter=Q(status=Status.SKIPPED)),
        delivered=Count("pk", filter=Q(status=Status.WRITTEN, email__isnull=True)),
        failed=Count(
            "pk", filter=Q(status=Status.WRITTEN, email__status=OutgoingEmail.Status.FAILED)
        ),
        available=Count("pk", filter=Q(answer=Answer.AVAILABLE)),
        unavailable=Count("pk", filter=Q(answer=Answer.UNAVAILABLE)),
    )
    counts["outbox"] = (
        counts["total"]
        - counts["waiting"]
        - counts["skipped"]
        - counts["delivered"]
        - counts["failed"]
    )
    done = counts["total"] - counts["waiting"] - counts["outbox"]
    counts["done"] = done
    counts["percent"] = round(100 * done / counts["total"]) if counts["total"] else 100
    return counts


# --- Answers ----------------------------------------------------------------------------------


@transaction.atomic
def record_answer(*, delivery: CampaignDelivery, available: bool) -> CampaignDelivery:
    """« Je suis disponible » / « Pas disponible »; a later click changes the answer."""
    delivery = CampaignDelivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.answer = Answer.AVAILABLE if available else Answer.UNAVAILABLE
    delivery.answered_at = timezone.now()
    delivery.save(update_fields=["answer", "answered_at"])
    return delivery


def available_volunteers(campaign: Campaign):
    return Volunteer.objects.filter(
        call_deliveries__campaign=campaign, call_deliveries__answer=Answer.AVAILABLE
    )


def invite_available(*, campaign: Campaign, mission: Mission, by) -> list:
    """Invite to a mission those who answered « disponible » (missions.services.invite: each
    receives the invitation with its date, and confirms); returns the new invitations."""
    return missions.invite(mission=mission, volunteers=list(available_volunteers(campaign)), by=by)


# --- The thank-you when a crisis ends ---------------------------------------------------------

CRISIS_NAMES = {
    Crisis.Kind.HEATWAVE: "la canicule",
    Crisis.Kind.COLD: "le grand froid",
    Crisis.Kind.FLOOD: "l'inondation",
    Crisis.Kind.EPIDEMIC: "l'épidémie",
    Crisis.Kind.OTHER: "la crise",
}


def thank(crisis: Crisis) -> Campaign | None:
    """Thank, once, those who answered « disponible » to the crisis's messages, with what was
    done; None when nobody answered. Run again, it sends nothing more."""
    answered = list(
        Volunteer.objects.filter(
            call_deliveries__campaign__crisis=crisis,
            call_deliveries__campaign__kind=Campaign.Kind.CALL,
            call_deliveries__answer=Answer.AVAILABLE,
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not answered:
        return None
    territory = crisis.territory
    during = {"gte": crisis.starts_at, "lte": crisis.ended_at or timezone.now()}
    missions_done = Mission.objects.filter(
        territory.covers(),
        status=Mission.Status.DONE,
        starts_at__gte=during["gte"],
        starts_at__lte=during["lte"],
    ).count()
    watch_calls = WatchCall.objects.filter(
        territory.covers("beneficiary__commune"), at__gte=during["gte"], at__lte=during["lte"]
    ).count()
    name = CRISIS_NAMES[crisis.kind]
    mode = "Le mode crise"
    if crisis.kind != Crisis.Kind.OTHER:
        mode += f" « {crisis.get_kind_display().lower()} »"
    # What was done, figures that are not zero only: a « 0 mission » would deflate the thanks.
    done = []
    if len(answered) > 1:
        done.append(f"vous avez été {len(answered)} volontaires à vous dire disponibles")
    if missions_done:
        done.append(count_of(missions_done, "mission a été réalisée", "missions ont été réalisées"))
    if watch_calls:
        done.append(
            count_of(watch_calls, "appel de veille a été passé", "appels de veille ont été passés")
            + " auprès des personnes fragiles"
        )
    body = [
        f"{mode} est terminé {territory.place.in_}. Merci d'avoir répondu présent quand votre "
        "mairie a fait appel aux volontaires : savoir qu'elle pouvait compter sur vous a "
        "beaucoup compté.",
    ]
    if done:
        listed = done[0] if len(done) == 1 else f"{', '.join(done[:-1])} et {done[-1]}"
        body.append(f"Pendant ces jours-là, {listed}.")
    body.append(
        "Merci pour ce que vous avez fait pour vos voisins. Votre heure civique continue : à "
        "très bientôt !"
    )
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                territory=territory,
                kind=Campaign.Kind.THANKS,
                crisis=crisis,
                subject=f"Merci pour votre aide pendant {name}",
                body="\n\n".join(body),
                status=Campaign.Status.SENDING,
                recipient_count=len(answered),
                sent_by=crisis.ended_by,
                sent_at=timezone.now(),
            )
            _plan(campaign, answered)
    except IntegrityError:  # thanked already (the constraint: one per crisis)
        return None
    return campaign

"""The emails of a mission's life, to its volunteers, in the colours of the portal that covers
its commune: the invitation, « vous êtes retenu·e » (or the waiting list), the reminder the day
before, « ça s'est bien passé ? » the day after, the cancellation; and to the staff, the
problem a volunteer reported.

Each is written by the action that causes it (services.py; reminders.py for the day before and
the day after) and stored by heurecivique.email.queue_email in the same transaction: it leaves
from a worker once the action is committed, and an action rolled back sends nothing.

The invitation goes only to those who agreed that their mairie propose them actions (their
profile's contact consent); the others are part of a mission the volunteer joined, and say so.
The helped person's contact is in one email only: the reminder to an accepted volunteer.
"""

import datetime
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from heurecivique.email import portal_sender, queue_email, send_templated_mail
from heurecivique.text import long_date
from territories.models import Membership, Territory
from volunteers.progress import format_duration

from . import calendar
from .links import answer_path, outcome_path
from .models import Mission, Participation


def moment(mission: Mission, *, relative: bool = False) -> str:
    """« mardi 3 mars à 10 h », « samedi 1er juin 2027 à 14 h 30 »; with `relative`, « demain à
    10 h » or « aujourd'hui à 10 h » when it is so. The hour is never broken across lines."""
    local = timezone.localtime(mission.starts_at)
    time = f"{local.hour}\u00a0h" + (f"\u00a0{local.minute:02d}" if local.minute else "")
    today = timezone.localdate()
    if relative and local.date() == today:
        return f"aujourd'hui à {time}"
    if relative and local.date() == today + datetime.timedelta(days=1):
        return f"demain à {time}"
    pattern = "l j F" if local.year == today.year else "l j F Y"
    return f"{'le ' if relative else ''}{long_date(local, pattern)} à {time}"


def duration(mission: Mission) -> str:
    """« 1 h 30 », never broken across two lines."""
    return format_duration(mission.minutes).replace(" ", "\u00a0")


def where(mission: Mission) -> str:
    """« à Orléans, quartier Saint-Marceau »."""
    quartier = f", quartier {mission.quartier}" if mission.quartier else ""
    return f"{mission.commune.place.in_}{quartier}"


def why_you(participation: Participation, skills: list, themes: list) -> list[str]:
    """Why the staff thought of this volunteer, in the invitation's words; `skills` and
    `themes` are the mission's, the volunteer's own prefetched."""
    volunteer, mission = participation.volunteer, participation.mission
    reasons = []
    if volunteer.commune_id == mission.commune_id:
        same_quartier = mission.quartier and volunteer.quartier.casefold() == (
            mission.quartier.casefold()
        )
        reasons.append(
            "vous habitez le même quartier"
            if same_quartier
            else f"vous habitez {mission.commune.place.in_}"
        )
    else:
        reasons.append(f"vous habitez tout près, {volunteer.commune.place.in_}")
    for words, wanted, theirs in (
        ("elle demande ce que vous savez faire", skills, volunteer.skills.all()),
        ("elle touche à ce qui vous intéresse", themes, volunteer.interests.all()),
    ):
        if shared := [f"« {item.name} »" for item in wanted if item in set(theirs)]:
            reasons.append(f"{words} : {', '.join(shared)}")
    return reasons


@dataclass(frozen=True)
class Email:
    subject: str  # may name {title}, {moment} (the mission's) and {relative} (« demain à 10 h »)
    template: str  # missions/email/<template>.txt and .html
    # Whether it comes with the mission as an .ics, for the volunteer's calendar.
    ics: bool = False


INVITATION = Email("Un coup de main {where} le {day} ?", "invitation")
PLACE_GIVEN = Email("C'est confirmé : {title}, le {moment}", "retenu", ics=True)
WAITING = Email("Liste d'attente : {title}, le {moment}", "attente")
NOT_RETAINED = Email("Merci de votre proposition : {title}", "non-retenu")
REMINDER = Email("Rappel : {title}, {relative}", "rappel", ics=True)
DAY_AFTER = Email("Ça s'est bien passé ? {title}", "lendemain")
CANCELLED = Email("Annulée : {title}, le {moment}", "annulation", ics=True)


def portal_of(mission: Mission, portals: dict | None = None) -> Territory:
    """The portal whose colours the mission's emails wear; `portals` caches it by commune."""
    portals = {} if portals is None else portals
    if mission.commune_id not in portals:
        portals[mission.commune_id] = Territory.objects.for_commune(mission.commune)
    return portals[mission.commune_id]


def may_write(participation: Participation, email: Email) -> bool:
    user = participation.volunteer.user
    if user is None or not user.is_active or user.email_bounced_at:
        return False  # an account deleted or closed, an address that bounces
    if email is INVITATION:
        return participation.volunteer.contact_consent_at is not None
    return True


def write(
    participation: Participation,
    email: Email,
    *,
    portals: dict | None = None,
    context: dict | None = None,
) -> bool:
    """Write one email to the participation's volunteer and queue it; False when the volunteer
    is not to be written to (may_write)."""
    if not may_write(participation, email):
        return False
    mission, user = participation.mission, participation.volunteer.user
    territory = portal_of(mission, portals)
    context = {
        "mission": mission,
        "participation": participation,
        "first_name": user.first_name,
        "moment": moment(mission),
        "relative": moment(mission, relative=True),
        "where": where(mission),
        "duration": duration(mission),
        "territory": territory,
        "portal_name": territory.portal_name,
        "site_url": territory.url("/"),
        "mission_url": territory.url(reverse("missions:detail", args=[mission.pk])),
        "missions_url": territory.url(reverse("missions:list")),
        "my_missions_url": territory.url(reverse("missions:mine")),
        "profile_url": territory.url(reverse("volunteers:profile")),
        **(context or {}),
    }
    subject = email.subject.format(
        title=mission.title,
        moment=context["moment"],
        relative=context["relative"],
        where=mission.commune.place.in_,
        day=long_date(timezone.localtime(mission.starts_at), "l j F"),
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"missions/email/{email.template}.txt", context),
        from_email=portal_sender(territory),
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(
        render_to_string(f"missions/email/{email.template}.html", context), "text/html"
    )
    # A cancellation's .ics takes the event out of the calendars it was put in.
    if email.ics and (email is not CANCELLED or participation.holds_a_place):
        event = calendar.event_lines(
            mission, url=context["mission_url"], cancelled=email is CANCELLED
        )
        ics = calendar.calendar([event], method="PUBLISH")
        message.attach(f"{slugify(mission.title) or 'mission'}.ics", ics, "text/calendar")
    queue_email(message)
    return True


def invitations(participations: list[Participation]) -> None:
    """« Pouvez-vous ? », with the signed « Oui, je peux » / « Pas cette fois »: to the
    invitations of one mission, in a few queries however many they are."""
    if not participations:
        return
    mission = participations[0].mission
    prefetch_related_objects(
        participations,
        "volunteer__user",
        "volunteer__commune__department",
        "volunteer__skills",
        "volunteer__interests",
    )
    skills, themes = list(mission.skills.all()), list(mission.themes.all())
    portals = {}
    for participation in participations:
        write(
            participation,
            INVITATION,
            portals=portals,
            context={
                "reasons": why_you(participation, skills, themes),
                "yes_url": _url(participation, answer_path(participation.pk, True), portals),
                "no_url": _url(participation, answer_path(participation.pk, False), portals),
            },
        )


def place_or_waiting_list(participation: Participation) -> None:
    """« Vous êtes retenu·e » (with the .ics), or « vous êtes sur la liste d'attente »."""
    if participation.status == Participation.Status.ACCEPTED:
        write(participation, PLACE_GIVEN)
    elif participation.status == Participation.Status.WAITING:
        write(participation, WAITING)


def not_retained(participation: Participation) -> None:
    """The staff declined an offer: thank the volunteer, and say they are not expected."""
    write(participation, NOT_RETAINED)


def reminder(participation: Participation, *, portals: dict | None = None) -> bool:
    """The day before, with the .ics, and for a volunteer who sees them, the details and the
    helped person's contact. Returns whether the contact was in it (to log that view)."""
    mission = participation.mission
    beneficiary = mission.beneficiary
    sees = participation.sees_details
    shows_contact = sees and beneficiary is not None and beneficiary.anonymised_at is None
    written = write(
        participation,
        REMINDER,
        portals=portals,
        context={
            "details": mission.details if sees else "",
            "beneficiary": beneficiary if shows_contact else None,
        },
    )
    return written and shows_contact


def day_after(participation: Participation, *, portals: dict | None = None) -> bool:
    """« Ça s'est bien passé ? » and its three signed buttons."""
    from .services import Outcome  # services sends these emails: imported when used

    return write(
        participation,
        DAY_AFTER,
        portals=portals,
        context={
            f"{name}_url": _url(participation, outcome_path(participation.pk, value), portals)
            for name, value in (
                ("done", Outcome.DONE),
                ("not_happened", Outcome.NOT_HAPPENED),
                ("problem", Outcome.PROBLEM),
            )
        },
    )


def cancellation(mission: Mission) -> None:
    """Tell the volunteers who held a place or waited for one that the mission is cancelled."""
    portals = {}
    for participation in mission.participations.filter(
        status__in=[Participation.Status.ACCEPTED, Participation.Status.WAITING]
    ).select_related("volunteer__user"):
        participation.mission = mission
        write(participation, CANCELLED, portals=portals)


def _url(participation, path: str, portals: dict) -> str:
    return portal_of(participation.mission, portals).url(path)


def staff_to_alert(mission: Mission) -> list[str]:
    """Who hears of a problem: those who handle the commune (Membership.objects.handling) and
    the association's referents for its missions."""
    people = set(Membership.objects.handling(mission.commune).values_list("user__email", flat=True))
    if mission.association_id:
        people |= set(
            mission.association.referents.filter(is_active=True).values_list("email", flat=True)
        )
    return sorted(people)


def problem_reported(participation: Participation) -> None:
    """« Un souci » the day after: the staff are told that a volunteer wrote, not what (their
    words stay in the admin, which the staff open with the link)."""
    mission = participation.mission
    territory = portal_of(mission)
    context = {
        "mission": mission,
        "moment": moment(mission),
        "where": where(mission),
        "admin_url": territory.url(reverse("admin:missions_mission_change", args=[mission.pk])),
    }
    for address in staff_to_alert(mission):
        send_templated_mail(to=address, template="missions/email/souci", context=context)

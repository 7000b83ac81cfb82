"""Everything the portal holds about a person: to hand it over, or to erase it.

It lives in the project package because it gathers what every app knows of the person; each
app that stores personal data adds its part here, explicitly.
"""

import datetime
import io

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from gestes.models import Geste
from initiatives.models import Initiative, InterestMessage
from missions.models import HelpRequest, Participation
from mobilisation.models import CampaignDelivery, Signature
from territories.models import Membership
from volunteers.models import Delivery, Volunteer
from volunteers.services import anonymise_volunteer

from .models import OutgoingEmail
from .spreadsheets import SpreadsheetWriter


def _date(value):
    """A moment in Paris time (the CSV shows it as 05/11/2026 14:30, the JSON in ISO 8601 with
    its offset); a date as it is."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value)
    return value


def collect(user) -> dict:
    """The person's data, with French keys: the same words as on the site."""
    data = {
        "compte": {
            "adresse électronique": user.email,
            "prénom": user.first_name,
            "nom": user.last_name,
            "inscrit le": _date(user.date_joined),
            "dernière connexion": _date(user.last_login),
            "adresses électroniques": [
                {"adresse": a.email, "vérifiée": a.verified, "principale": a.primary}
                for a in EmailAddress.objects.filter(user=user)
            ],
        },
        "rôles": [
            {
                "territoire": m.territory.name,
                "rôle": m.get_role_display(),
                "reçoit le bilan mensuel": m.summary_enabled,
                "depuis le": _date(m.created_at),
            }
            for m in Membership.objects.filter(user=user).select_related("territory")
        ],
        # The secrets stay out of the file: it says only what protects the account.
        "double authentification": [
            {"moyen": a.get_type_display(), "activé le": _date(a.created_at),
             "dernière utilisation": _date(a.last_used_at)}
            for a in Authenticator.objects.filter(user=user)
        ],
    }  # fmt: skip
    volunteer = (
        Volunteer.objects.filter(user=user)
        .select_related("commune")
        .prefetch_related("interests", "skills", "pledges__pauses", "hours__geste")
        .first()
    )
    if volunteer:
        data["volontaire"] = {
            "commune": volunteer.commune.name,
            "code INSEE": volunteer.commune.insee_code,
            "quartier": volunteer.quartier,
            "centres d'intérêt": [t.name for t in volunteer.interests.all()],
            "compétences": [s.name for s in volunteer.skills.all()],
            "disponibilités": volunteer.availability_labels,
            "jour du rappel mensuel": volunteer.reminder_day,
            "rappels mensuels": volunteer.reminders_enabled,
            "relances de fin de mois": volunteer.nudges_enabled,
            "nouvelles après une longue absence": volunteer.reengagement_enabled,
            "messages de ma mairie": volunteer.calls_enabled,
            "accepte d'être contacté par sa mairie depuis le": _date(volunteer.contact_consent_at),
            "disponible en cas d'urgence depuis le": _date(volunteer.emergency_available_at),
            "inscrit le": _date(volunteer.created_at),
            "compte gardé le": _date(volunteer.kept_at),
        }
        data["engagements"] = [
            {
                "depuis le": _date(p.started_on),
                "arrêté le": _date(p.ended_on),
                "pauses": [
                    {"depuis le": _date(z.started_on), "reprise le": _date(z.ended_on)}
                    for z in p.pauses.all()
                ],
            }
            for p in volunteer.pledges.all()
        ]
        data["heures"] = [
            {
                "fait le": _date(h.done_on),
                "minutes": h.minutes,
                "geste": h.geste.title if h.geste else None,
                "ce que j'ai fait": h.note,
                "origine": h.get_source_display(),
                "enregistrée le": _date(h.created_at),
            }
            for h in volunteer.hours.all()
        ]
        # What the volunteer sees of their missions: never the person helped.
        data["missions"] = [
            {"mission": p.mission.title, "commune": p.mission.commune.name,
             "le": _date(p.mission.starts_at), "état": p.get_status_display(),
             "depuis le": _date(p.created_at)}
            for p in Participation.objects.filter(volunteer=volunteer)
            .select_related("mission__commune").order_by("mission__starts_at")
        ]  # fmt: skip
        data["messages de ma mairie"] = [
            {"objet": d.campaign.subject, "envoyé le": _date(d.sent_at),
             "réponse": d.get_answer_display(), "répondu le": _date(d.answered_at)}
            for d in volunteer.call_deliveries.filter(status=CampaignDelivery.Status.WRITTEN)
            .select_related("campaign").order_by("pk")
        ]  # fmt: skip
        data["gestes choisis"] = [
            {"mois": c.month.strftime("%Y-%m"), "geste": c.geste.title}
            for c in volunteer.geste_choices.select_related("geste")
        ]
    data["courriels de suivi"] = [
        {"courriel": d.get_kind_display(), "mois": d.month.strftime("%Y-%m"),
         "état": d.get_status_display(), "envoyé le": _date(d.sent_at)}
        for d in Delivery.objects.filter(user=user).order_by("month", "kind")
    ]  # fmt: skip
    data["signatures de l'Appel"] = [
        {"nom": f"{s.first_name} {s.last_name}", "mandat": s.mandate_label, "lieu": s.place,
         "adresse": s.email, "mot de soutien": s.word, "état": s.get_status_display(),
         "signée le": _date(s.created_at)}
        for s in signatures_of(user).select_related("commune", "department")
    ]  # fmt: skip
    data["initiatives présentées"] = [
        {"titre": i.title, "commune": i.commune.name, "état": i.get_status_display(),
         "présentée le": _date(i.created_at)}
        for i in Initiative.objects.filter(organiser=user).select_related("commune")
    ]  # fmt: skip
    data["messages aux organisateurs"] = [
        {"initiative": m.initiative.title, "message": m.message, "envoyé le": _date(m.created_at)}
        for m in InterestMessage.objects.filter(sender=user).select_related("initiative")
    ]
    data["demandes de coup de main"] = [
        {"nom": r.name, "téléphone": r.phone, "adresse électronique": r.email,
         "commune": r.commune.name, "quartier": r.quartier, "aide souhaitée": r.what,
         "quand": r.when, "état": r.get_status_display(), "réponse de la mairie": r.answer,
         "envoyée le": _date(r.created_at)}
        for r in HelpRequest.objects.filter(user=user).select_related("commune")
    ]  # fmt: skip
    data["gestes proposés"] = [
        {"titre": g.title, "en une phrase": g.summary, "comment faire": g.how_to,
         "état": g.get_status_display(), "proposé le": _date(g.created_at)}
        for g in Geste.objects.filter(proposed_by=user)
    ]  # fmt: skip
    return data


def as_csv(data: dict) -> str:
    """One line per value (rubrique, élément, champ, valeur), for a spreadsheet in French."""
    output = io.StringIO()
    writer = SpreadsheetWriter(output)
    writer.writerow(["rubrique", "élément", "champ", "valeur"])

    def rows(section, item, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, list | dict):
                    rows(f"{section} › {key}", item, inner)
                else:
                    writer.writerow([section, item, key, inner])
        elif isinstance(value, list):
            for index, inner in enumerate(value, start=1):
                if isinstance(inner, dict | list):
                    rows(section, f"{item}.{index}" if item else index, inner)
                else:
                    writer.writerow([section, item, index, inner])

    for section, value in data.items():
        rows(section, "", value)
    return output.getvalue()


def addresses_of(user) -> set[str]:
    """Every email address of the person, lower-case."""
    return {user.email.lower()} | {
        address.lower()
        for address in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }


def signatures_of(user):
    """The signatures of the Appel made with one of the person's addresses."""
    return Signature.objects.filter(email__in=addresses_of(user))


@transaction.atomic
def delete_account(user, *, withdraw_signatures: bool = False) -> None:
    """Erase the person: their account, addresses, roles, sessions on every device, messages,
    their requests for help, the initiatives they presented (with their photos: their words
    and contact details are in them), unpublished ideas, emails still waiting for them, and
    traces in the admin history.
    Their hours stay, anonymous, so that the programme's statistics do not change; published
    ideas stay, unsigned. Their signatures of the Appel are withdrawn if they ask, otherwise
    they stay public (a public act of an elected official) without the address.
    """
    addresses = addresses_of(user)
    volunteer = Volunteer.objects.filter(user=user).first()
    if volunteer:
        anonymise_volunteer(volunteer=volunteer)
    # Ideas not yet published are the person's drafts; published ones stay, unsigned.
    Geste.objects.filter(proposed_by=user).exclude(status=Geste.Status.PUBLISHED).delete()
    Initiative.objects.filter(organiser=user).delete()  # photo files follow (initiatives.signals)
    # A request for help holds the person's name and phone; one the mairie turned into a
    # mission lives on as the mairie's record of the person helped (with their consent).
    HelpRequest.objects.filter(user=user).delete()
    signatures = Signature.objects.filter(email__in=addresses)
    if withdraw_signatures:
        signatures.delete()
    else:
        for signature in signatures:
            signature.email = f"adresse-effacee-{signature.pk}@signature.invalid"
            signature.save(update_fields=["email"])
    # Emails still waiting for the person (the queue holds a few rows, seldom more).
    waiting = OutgoingEmail.objects.values_list("pk", "to")
    OutgoingEmail.objects.filter(
        pk__in=[pk for pk, to in waiting if addresses & {a.lower() for a in to}]
    ).delete()
    # The admin history names the objects it touched ("jeanne@example.org"): forget those.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(get_user_model()), object_id=str(user.pk)
    ).delete()
    # Cascades to email addresses, roles, sessions, follow-up log, second factors, and the
    # person's own admin history.
    user.delete()

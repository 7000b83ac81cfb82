"""The pages behind the buttons of the missions' emails (links.py), which work without signing
in: « Oui, je peux » / « Pas cette fois » on an invitation, and the three answers of the day
after. Opening a link shows the question and a button; only the button (POST) acts, as mail
scanners open links. A link already used, out of date or damaged says what happened, in
French, and changes nothing.
"""

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heurecivique.links import INVALID, BadLink
from heurecivique.text import long_date

from . import services
from .emails import duration, moment, where
from .forms import ProblemForm
from .links import answer_path, read_answer, read_outcome
from .models import Mission, Participation

Status = Participation.Status
Outcome = services.Outcome
# The day after's buttons serve this long after the mission; later, an hour is logged by hand.
OUTCOME_DAYS = 30

ANSWERED = "Vous avez déjà répondu"
EXPIRED = "Ce lien a expiré"
WAITING_LIST = "Les places sont prises : vous êtes sur la liste d'attente"


def _bad_link(request, message: str, status: int = 400):
    context = {"message": message}
    return render(request, "missions/answer_invalid.html", context, status=status)


def _participation(pk: int) -> Participation | None:
    return (
        Participation.objects.select_related(
            "mission__commune__department", "mission__association", "volunteer__user"
        )
        .filter(pk=pk, volunteer__user__is_active=True)
        .first()
    )


def _page(request, participation, heading, message, status=200, **context):
    mission = participation.mission
    context |= {
        "participation": participation,
        "mission": mission,
        "moment": moment(mission),
        "where": where(mission),
        "duration": duration(mission),
        "heading": heading,
        "message": message,
    }
    return render(request, "missions/answer.html", context, status=status)


def _day(mission: Mission) -> str:
    return long_date(mission.day, "l j F")


# --- « Oui, je peux » / « Pas cette fois » -----------------------------------------------------


def _answered(participation: Participation, *, acted: bool) -> tuple[str, str]:
    """What the volunteer's answer came to, once given."""
    status = participation.status
    if status in Participation.HOLDS_A_PLACE:
        return (
            "Merci, vous êtes retenu·e !" if acted else ANSWERED,
            "Vous êtes retenu·e pour cette mission. Le rendez-vous arrive par courriel, pour "
            "votre agenda ; la veille, un rappel vous donne les informations pratiques.",
        )
    if status == Status.WAITING:
        return (
            WAITING_LIST if acted else ANSWERED,
            "Vous êtes sur la liste d'attente : si une place se libère, elle est à vous, sans "
            "rien faire, et nous vous écrivons aussitôt.",
        )
    if status == Status.DECLINED:
        return (
            "C'est noté, merci d'avoir répondu" if acted else ANSWERED,
            "Pas cette fois : vous n'êtes pas attendu·e pour cette mission. La mairie pensera "
            "à vous pour une prochaine.",
        )
    if status == Status.WITHDRAWN:
        return ("Vous vous êtes retiré·e", "Vous n'êtes plus inscrit·e sur cette mission.")
    return (
        "Ce lien ne sert plus",
        "L'équipe a confié cette mission à d'autres volontaires. "
        "Merci d'avoir proposé votre aide !",
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request, token):
    """An invitation's « Oui, je peux » or « Pas cette fois »."""
    try:
        pk, available = read_answer(token)
    except BadLink as error:
        return _bad_link(request, error.message)
    participation = _participation(pk)
    if participation is None:
        return _bad_link(request, "Ce lien ne correspond plus à aucune invitation.", status=404)
    mission = participation.mission
    if participation.status != Status.INVITED:
        return _page(request, participation, *_answered(participation, acted=False))
    if mission.status == Mission.Status.CANCELLED:
        return _page(
            request,
            participation,
            "Cette mission est annulée",
            f"Plus besoin de répondre : la mission du {_day(mission)} n'aura pas lieu. Merci !",
        )
    if mission.is_past or mission.status == Mission.Status.DONE:
        return _page(
            request,
            participation,
            EXPIRED,
            f"La mission a eu lieu le {_day(mission)} : il n'est plus possible d'y répondre.",
        )
    if request.method == "POST":
        try:
            participation = services.answer_invitation(
                participation=participation, available=available
            )
        except ValidationError as error:  # answered meanwhile, in another tab
            participation.refresh_from_db(fields=["status"])
            heading, message = _answered(participation, acted=False)
            return _page(request, participation, heading, " ".join(error.messages) + " " + message)
        return _page(request, participation, *_answered(participation, acted=True))
    if available:
        heading, message, button = (
            "Vous pouvez donner ce coup de main ?",
            "Confirmez, et la place est à vous s'il en reste une ; sinon, vous serez sur la "
            "liste d'attente.",
            "Oui, je peux",
        )
        other = ("Vous vouliez plutôt répondre « Pas cette fois » ?", False)
    else:
        heading, message, button = (
            "Pas cette fois ?",
            "Confirmez : la mairie saura que vous n'êtes pas disponible à cette date, et "
            "pensera à vous une autre fois.",
            "Pas cette fois",
        )
        other = ("Vous pouvez finalement ? Répondez « Oui, je peux »", True)
    return _page(
        request,
        participation,
        heading,
        message,
        button=button,
        other_label=other[0],
        other_url=answer_path(participation.pk, other[1]),
    )


# --- The day after: « Oui, c'est fait », « Ça n'a pas eu lieu », « Un souci » --------------------


def _outcome_given(participation: Participation, *, acted: bool) -> tuple[str, str]:
    status = participation.status
    if status == Status.DONE:
        return (
            "Merci, votre heure est enregistrée !" if acted else ANSWERED,
            "Votre heure pour cette mission est comptée dans votre historique : "
            f"{duration(participation.mission)}, "
            "validées par la mission.",
        )
    if status == Status.NOT_HAPPENED:
        return (
            "C'est noté, merci d'avoir répondu" if acted else ANSWERED,
            "La mairie sait que la mission n'a pas eu lieu : elle cherchera une autre date ou "
            "quelqu'un d'autre si besoin.",
        )
    if status == Status.PROBLEM:
        return (
            "Merci, votre message est transmis" if acted else ANSWERED,
            "Vous avez signalé un souci : la mairie lit votre message et vous recontacte.",
        )
    return (
        "Ce lien ne sert plus",
        "Vous n'étiez pas retenu·e pour cette mission quand elle a eu lieu.",
    )


QUESTIONS = {
    Outcome.DONE: (
        "Ça s'est bien passé ?",
        "Confirmez, et nous comptons {duration} dans votre historique, validées par la mission.",
        "Oui, c'est fait",
    ),
    Outcome.NOT_HAPPENED: (
        "La mission n'a pas eu lieu ?",
        "Confirmez : la mairie le saura, et cherchera une autre date ou quelqu'un d'autre si "
        "besoin.",
        "Ça n'a pas eu lieu",
    ),
    Outcome.PROBLEM: (
        "Un souci ?",
        "Dites-nous en quelques mots ce qui s'est passé : la mairie lit votre message et vous "
        "recontacte. Il ne sera pas montré ailleurs.",
        "Envoyer à la mairie",
    ),
}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def outcome(request, token):
    """« Ça s'est bien passé ? »: one of its three answers."""
    try:
        pk, answer_given = read_outcome(token)
    except BadLink as error:
        return _bad_link(request, error.message)
    if answer_given not in Outcome.ALL:
        return _bad_link(request, INVALID)
    participation = _participation(pk)
    if participation is None:
        return _bad_link(request, "Ce lien ne correspond plus à aucune mission.", status=404)
    mission = participation.mission
    if participation.status != Status.ACCEPTED:
        return _page(request, participation, *_outcome_given(participation, acted=False))
    if mission.status == Mission.Status.CANCELLED:
        return _page(
            request, participation, "Cette mission a été annulée", "Il n'y a rien à répondre."
        )
    if not mission.is_past:
        return _page(
            request,
            participation,
            "La mission n'a pas encore eu lieu",
            f"Revenez après le {_day(mission)} pour dire comment elle s'est passée.",
        )
    if mission.ends_at + datetime.timedelta(days=OUTCOME_DAYS) < timezone.now():
        return _page(
            request,
            participation,
            EXPIRED,
            f"La mission a eu lieu il y a plus de {OUTCOME_DAYS} jours : ce lien ne sert plus. "
            "Votre heure n'est pas comptée ? Notez-la depuis votre espace.",
        )
    heading, message, button = QUESTIONS[answer_given]
    message = message.format(duration=duration(mission))
    form = None
    if answer_given == Outcome.PROBLEM:
        form = ProblemForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            participation = services.record_outcome(
                participation=participation,
                outcome=answer_given,
                problem=form.cleaned_data["problem"] if form else "",
            )
        except ValidationError as error:  # answered meanwhile, in another tab
            participation.refresh_from_db(fields=["status"])
            heading, message = _outcome_given(participation, acted=False)
            return _page(request, participation, heading, " ".join(error.messages) + " " + message)
        return _page(request, participation, *_outcome_given(participation, acted=True))
    status = 400 if form is not None and form.is_bound else 200
    return _page(request, participation, heading, message, status=status, button=button, form=form)

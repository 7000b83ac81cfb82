"""The pages behind the buttons of the watch's emails (watch_links.py), which work without
signing in. Opening a link shows the question and a button; only the button (POST) acts, as
mail scanners open links. A call's page names the person only to the volunteer it was made
for, on its day, while they are paired and the watch runs; otherwise it says why, in French,
naming nobody, and changes nothing."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from heurecivique.links import BadLink
from heurecivique.text import long_date
from missions import people
from volunteers.models import Volunteer

from . import watch, watch_links
from .models import WatchCall, WatchPairing

Status = WatchPairing.Status
Outcome = WatchCall.Outcome
PAGE = "mobilisation/watch/page.html"


class NeedForm(forms.Form):
    note = forms.CharField(
        label="Ce qu'il faut (facultatif)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Quelques mots pour la mairie : elle rappelle la personne sans attendre.",
    )


def _bad_link(request, message: str, status: int = 400):
    return render(request, "mobilisation/watch/invalid.html", {"message": message}, status=status)


def _pairing(pk: int) -> WatchPairing | None:
    return (
        WatchPairing.objects.select_related("beneficiary__commune__department", "volunteer__user")
        .filter(pk=pk, volunteer__user__is_active=True)
        .first()
    )


# --- « Oui, j'appellerai » / « Pas possible » ------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def pairing_answer(request, token):
    """The volunteer's answer to the mairie's proposal to call a person during alerts."""
    try:
        pk, accept = watch_links.read_pairing(token)
    except BadLink as error:
        return _bad_link(request, error.message)
    pairing = _pairing(pk)
    if pairing is None:
        return _bad_link(request, "Ce lien ne correspond plus à aucune proposition.", status=404)
    where = watch._where(pairing.beneficiary)
    if request.method == "POST" and pairing.status == Status.PROPOSED:
        try:
            pairing = watch.answer_proposal(pairing=pairing, accept=accept)
        except ValidationError:  # answered meanwhile, in another tab
            pairing.refresh_from_db(fields=["status"])
        else:
            context = _answered(pairing, where, acted=True)
            if pairing.status == Status.CONFIRMED:
                context |= _today(pairing)
            return render(request, PAGE, context)
    if pairing.status != Status.PROPOSED:
        return render(request, PAGE, _answered(pairing, where, acted=False))
    if accept:
        context = {
            "heading": "Vous acceptez d'appeler cette personne pendant les alertes ?",
            "message": f"Une personne âgée ou isolée, {where}, a besoin qu'on prenne de ses "
            "nouvelles pendant les canicules et les grands froids. Confirmez : pendant une "
            "alerte, vous recevrez chaque matin son nom et son téléphone, et vous direz à la "
            "mairie, en un clic, comment elle va.",
            "button": "Oui, j'appellerai",
            "other_label": "Vous ne pouvez pas ? Répondez « Pas possible »",
            "other_url": watch_links.pairing_path(pairing.pk, False),
        }
    else:
        context = {
            "heading": "Vous ne pouvez pas appeler cette personne ?",
            "message": "Confirmez : la mairie proposera quelqu'un d'autre. Merci d'avoir répondu !",
            "button": "Pas possible",
            "other_label": "Vous pouvez finalement ? Répondez « Oui, j'appellerai »",
            "other_url": watch_links.pairing_path(pairing.pk, True),
        }
    return render(request, PAGE, context)


def _answered(pairing: WatchPairing, where: str, *, acted: bool) -> dict:
    if pairing.status == Status.CONFIRMED:
        heading = "Merci, c'est noté !" if acted else "Vous avez déjà répondu"
        message = (
            f"Vous veillez sur une personne {where}. Pendant une alerte canicule ou grand "
            "froid, vous recevrez chaque matin son nom, son téléphone et trois boutons pour "
            "dire à la mairie comment elle va."
        )
    elif pairing.status == Status.DECLINED:
        heading = "C'est noté, merci d'avoir répondu" if acted else "Vous avez déjà répondu"
        message = "La mairie proposera quelqu'un d'autre."
    else:
        heading = "Ce lien ne sert plus"
        message = "La mairie a confié cette personne à un ou une autre volontaire. Merci !"
    return {"heading": heading, "message": message}


def _today(pairing: WatchPairing) -> dict:
    """A volunteer who accepts during an alert calls the person today: this morning's email
    may have gone without them, so the page gives the person and today's three buttons."""
    beneficiary, today = pairing.beneficiary, timezone.localdate()
    if not beneficiary.watched or beneficiary.anonymised_at:
        return {}
    if watch.crisis_for(beneficiary.commune, watch.watch_crises(today)) is None:
        return {}
    people.log_details_view(
        beneficiary=beneficiary, user=pairing.volunteer.user, where="page de la veille"
    )
    return {
        "message": "Une alerte est en cours : merci d'appeler cette personne dès aujourd'hui, "
        "puis de dire à la mairie comment elle va. Demain matin, elle sera dans votre courriel.",
        "person": beneficiary,
        "calls": [
            (WatchCall.Outcome(outcome).label, watch_links.call_path(pairing.pk, today, outcome))
            for outcome in WatchCall.Outcome.values
        ],
    }


# --- The three buttons of the morning email ----------------------------------------------------

QUESTIONS = {
    Outcome.FINE: (
        "Vous avez appelé {name} : tout va bien ?",
        "Confirmez, et la mairie le saura.",
        "J'ai appelé : tout va bien",
    ),
    Outcome.NEED: (
        "{name} a besoin d'aide ?",
        "Confirmez : la mairie est prévenue aussitôt et rappelle la personne. En cas "
        "d'urgence vitale, appelez le 15 ou le 112.",
        "Prévenir la mairie",
    ),
    Outcome.UNREACHABLE: (
        "{name} ne répond pas ?",
        "Confirmez. Si l'appel précédent n'avait pas abouti non plus, la mairie est "
        "prévenue aussitôt.",
        "Injoignable",
    ),
}

DONE = {
    Outcome.FINE: "La mairie sait que tout va bien pour {name} aujourd'hui.",
    Outcome.NEED: "La mairie est prévenue et s'occupe de {name}.",
    Outcome.UNREACHABLE: "C'est noté. Essayez de rappeler {name} plus tard dans la journée ; la "
    "mairie est prévenue si la personne reste injoignable.",
}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def call(request, token):
    """« J'ai appelé : tout va bien », « Besoin d'aide » or « Injoignable »."""
    try:
        pk, day, outcome = watch_links.read_call(token)
    except BadLink as error:
        return _bad_link(request, error.message)
    pairing = _pairing(pk)
    if pairing is None:
        return _bad_link(request, "Ce lien ne correspond plus à aucun appel.", status=404)
    beneficiary = pairing.beneficiary
    if (
        pairing.status != Status.CONFIRMED
        or not beneficiary.watched
        or beneficiary.anonymised_at is not None
    ):
        return render(
            request,
            PAGE,
            {
                "heading": "Ce lien ne sert plus",
                "message": "Vous ne veillez plus sur cette personne : la mairie l'a confiée à "
                "quelqu'un d'autre, ou la veille est terminée pour elle. Merci !",
            },
        )
    today = timezone.localdate()
    if day != today:
        return render(
            request,
            PAGE,
            {
                "heading": "Ce lien était celui d'un autre jour",
                "message": f"Il servait le {long_date(day, 'l j F')}. Utilisez les boutons du "
                "courriel de ce matin.",
            },
        )
    if watch.crisis_for(beneficiary.commune, watch.watch_crises(today)) is None:
        return render(
            request,
            PAGE,
            {
                "heading": "L'alerte est terminée",
                "message": "Plus besoin d'appeler : la veille s'est arrêtée. Merci de votre aide !",
            },
        )
    name = beneficiary.name
    reported = WatchCall.objects.filter(pairing=pairing, day=day).first()
    if reported is not None:
        return _reported(request, reported, name, acted=False)
    heading, message, button = QUESTIONS[outcome]
    form = None
    if outcome == Outcome.NEED:
        form = NeedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            reported = watch.report_call(
                pairing=pairing,
                day=day,
                outcome=outcome,
                note=form.cleaned_data["note"] if form else "",
            )
        except ValidationError:  # answered meanwhile, in another tab
            reported = WatchCall.objects.get(pairing=pairing, day=day)
            return _reported(request, reported, name, acted=False)
        return _reported(request, reported, name, acted=True)
    context = {
        "heading": heading.format(name=name),
        "message": message,
        "button": button,
        "form": form,
        "person": beneficiary,
    }
    status = 400 if form is not None and form.is_bound else 200
    return render(request, PAGE, context, status=status)


def _reported(request, reported: WatchCall, name: str, *, acted: bool):
    if acted:
        heading, message = "Merci, c'est transmis", DONE[reported.outcome].format(name=name)
    else:
        heading = "Vous avez déjà répondu aujourd'hui"
        message = (
            f"Pour {name}, vous avez répondu « {reported.get_outcome_display()} ». "
            "Les boutons de demain matin serviront pour l'appel suivant."
        )
    return render(request, PAGE, {"heading": heading, "message": message})


# --- « Ne plus veiller » --------------------------------------------------------------------


@csrf_exempt  # RFC 8058: mail clients POST here without cookie or token
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def stop(request, token):
    """The volunteer steps back from the watch: a GET shows a button; a POST ends their
    pairings (twice changes nothing) and answers 200."""
    try:
        volunteer_id = watch_links.read_stop(token)
    except BadLink as error:
        return _bad_link(request, error.message)
    volunteer = Volunteer.objects.filter(pk=volunteer_id).first()
    if request.method == "POST":
        if volunteer is not None:
            watch.stop_watching(volunteer=volunteer)
        return render(
            request,
            PAGE,
            {
                "heading": "C'est noté : vous ne veillez plus",
                "message": "Vous ne recevrez plus les appels du matin de la veille canicule et "
                "grand froid. La mairie confiera vos personnes à d'autres volontaires. Merci "
                "de votre aide !",
            },
        )
    return render(
        request,
        PAGE,
        {
            "heading": "Ne plus veiller sur vos personnes ?",
            "message": "Confirmez : vous ne recevrez plus les courriels du matin pendant les "
            "alertes, et la mairie confiera les personnes que vous appeliez à d'autres "
            "volontaires.",
            "button": "Ne plus veiller",
        },
    )

"""« Mes missions »: what the volunteer offered, was invited to, holds a place on or waits
for, the day after of the missions done, and their personal calendar feed."""

import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from . import calendar, people, services
from .forms import OutcomeForm
from .models import CalendarFeed, Mission, Participation, new_calendar_secret
from .views import act, as_volunteer, offered_message, own_participation

Status = Participation.Status
ON_MY_MISSIONS = "Mes missions"


def _render_mine(request, volunteer, *, outcome_form=None, outcome_for=None, status=200):
    now = timezone.now()
    mine = Participation.objects.filter(volunteer=volunteer).select_related(
        "mission__commune__department", "mission__association", "mission__beneficiary"
    )
    ahead = list(
        mine.filter(mission__starts_at__gt=now, status__in=Participation.MAY_WITHDRAW).order_by(
            "mission__starts_at", "pk"
        )[:100]
    )
    past = list(
        mine.filter(
            mission__starts_at__lte=now,
            status__in=[*Participation.HOLDS_A_PLACE, Status.NOT_HAPPENED],
        ).order_by("-mission__starts_at", "-pk")[:20]
    )
    shown = [p for p in ahead + past if p.sees_details]
    people.log_details_views(
        missions=[p.mission for p in shown], user=request.user, where=ON_MY_MISSIONS
    )
    for participation in ahead + past:
        # The template reads the helped person only here, set for the accepted volunteer.
        participation.contact = (
            participation.mission.beneficiary if participation.sees_details else None
        )
        participation.outcome_form = (
            outcome_form if participation.pk == outcome_for else _outcome_form(participation)
        )
    feed = CalendarFeed.objects.filter(volunteer=volunteer).first()
    feed_url = (
        request.build_absolute_uri(reverse("missions:feed", args=[feed.secret])) if feed else ""
    )
    context = {
        "accepted": [p for p in ahead if p.status == Status.ACCEPTED],
        "answering": [p for p in ahead if p.status in (Status.OFFERED, Status.INVITED)],
        "waiting": [p for p in ahead if p.status == Status.WAITING],
        "past": past,
        "feed_url": feed_url,
        # The same address, for the calendar applications that subscribe through webcal://.
        "webcal_url": "webcal://" + feed_url.partition("://")[2],
    }
    return render(request, "missions/my_missions.html", context, status=status)


def _outcome_form(participation, data=None) -> OutcomeForm:
    # One form per mission on the page: its fields need names and ids of their own.
    return OutcomeForm(data, prefix=f"suite-{participation.pk}")


@never_cache
@require_safe
@as_volunteer
def my_missions(request, volunteer):
    return _render_mine(request, volunteer)


@require_POST
@as_volunteer
def answer(request, volunteer, pk):
    """« Oui, je peux » / « Pas cette fois », to an invitation of the staff."""
    participation = own_participation(volunteer, pk)
    available = request.POST.get("answer") == "oui"
    if request.POST.get("answer") not in ("oui", "non"):
        messages.error(request, "Choisissez « Oui, je peux » ou « Pas cette fois ».")
    else:
        act(
            request,
            lambda: services.answer_invitation(participation=participation, available=available),
            lambda p: (
                offered_message(p)
                if available
                else "C'est noté, merci de l'avoir dit. À une prochaine fois !"
            ),
        )
    return redirect("missions:mine")


@require_POST
@as_volunteer
def outcome(request, volunteer, pk):
    """The day after, « Ça s'est bien passé ? »."""
    participation = own_participation(volunteer, pk)
    form = _outcome_form(participation, request.POST)
    mission = participation.mission
    if not form.is_valid() and (mission.is_past and participation.status == Status.ACCEPTED):
        return _render_mine(
            request, volunteer, outcome_form=form, outcome_for=participation.pk, status=400
        )
    if not form.is_valid():  # no day-after form on the page to show its errors
        messages.error(request, "Il n'y a pas (ou plus) à dire comment s'est passée cette mission.")
        return redirect("missions:mine")
    data = form.cleaned_data
    act(
        request,
        lambda: services.record_outcome(
            participation=participation, outcome=data["outcome"], problem=data["problem"]
        ),
        {
            services.Outcome.DONE: "Merci ! Votre heure est enregistrée, validée par la mission.",
            services.Outcome.NOT_HAPPENED: "C'est noté : la mission n'a pas eu lieu. L'équipe "
            "cherche un autre moment.",
            services.Outcome.PROBLEM: "Merci de l'avoir dit : l'équipe de la mairie lit votre "
            "message et vous rappelle si besoin.",
        }[data["outcome"]],
    )
    return redirect("missions:mine")


@require_POST
@as_volunteer
def calendar_feed(request, volunteer):
    """Create, change (the old address stops working) or remove the personal calendar."""
    action = request.POST.get("action")
    if action not in ("creer", "changer", "supprimer"):
        messages.error(request, "Choisissez de créer, de changer ou de supprimer votre agenda.")
    elif action == "supprimer":
        CalendarFeed.objects.filter(volunteer=volunteer).delete()
        messages.success(
            request, "Votre agenda personnel est supprimé : son adresse ne mène plus à rien."
        )
    else:
        _feed, created = CalendarFeed.objects.update_or_create(
            volunteer=volunteer,
            defaults={"secret": new_calendar_secret(), "created_at": timezone.now()},
        )
        messages.success(
            request,
            "Votre agenda personnel est prêt : ajoutez son adresse à votre agenda."
            if created
            else "Votre agenda a une nouvelle adresse : l'ancienne ne fonctionne plus.",
        )
    return redirect(reverse("missions:mine") + "#agenda")


# The feed shows the missions of the last month and those to come.
FEED_PAST_DAYS = 31


@require_safe
def feed(request, secret):
    """A volunteer's missions as an iCalendar feed, at their secret address (no sign-in: a
    calendar application fetches it). The public summary only, never who is helped."""
    found = (
        CalendarFeed.objects.filter(secret=secret).values_list("volunteer_id", flat=True).first()
    )
    if found is None:
        raise Http404
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    missions = (
        Mission.objects.filter(
            participations__volunteer_id=found,
            participations__status__in=Participation.HOLDS_A_PLACE,
            starts_at__gte=since,
        )
        .select_related("commune")
        .order_by("starts_at")
    )
    events = [
        calendar.event_lines(
            mission,
            url=request.build_absolute_uri(reverse("missions:detail", args=[mission.pk])),
            cancelled=mission.status == Mission.Status.CANCELLED,
        )
        for mission in missions
    ]
    response = HttpResponse(
        calendar.calendar(events, name="Mes missions — L'Heure Civique"),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response

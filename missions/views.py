"""The public side of the missions: the list and a mission's page, « Je me propose », « Me
retirer », « J'ai besoin d'un coup de main ». The volunteer's own pages are in mine.py."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.generic import ListView

from heurecivique.ratelimits import rate_limited
from volunteers.models import Volunteer

from . import people, services
from .forms import HelpRequestForm, MissionFilterForm
from .models import (
    BENEFICIARY_RETENTION_MONTHS,
    DETAILS_VISIBLE_DAYS,
    HelpRequest,
    Mission,
    Participation,
)

Status = Participation.Status
# Where the accepted volunteer saw the helped person's contact, as the log says it.
ON_THE_MISSION_PAGE = "page de la mission"


def _volunteer(request) -> Volunteer | None:
    if not request.user.is_authenticated:
        return None
    return Volunteer.objects.select_related("commune__department").filter(user=request.user).first()


def as_volunteer(view):
    """Actions of a volunteer: an anonymous visitor signs in first (and comes back to the
    mission's page), a person without a volunteer profile creates it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            back = reverse("missions:detail", args=[kwargs["pk"]]) if "pk" in kwargs else None
            return redirect_to_login(back or request.get_full_path())
        volunteer = _volunteer(request)
        if volunteer is None:
            messages.info(
                request,
                "Pour participer aux missions, dites-nous d'abord où vous habitez : votre "
                "espace de volontaire est prêt en une minute.",
            )
            return redirect("volunteers:join")
        return view(request, volunteer, *args, **kwargs)

    return wrapper


def _with_what_pages_show(missions):
    return (
        missions.with_counts()
        .select_related("commune__department", "association", "series")
        .prefetch_related("skills")
    )


def _next_of_each_series(missions):
    """A recurring need shows once, at its next date among these (its page lists the others):
    a weekly visit is not twenty-six cards."""
    earlier = missions.filter(
        Q(pk=OuterRef("series_id")) | Q(series_id=OuterRef("series_id")),
        starts_at__lt=OuterRef("starts_at"),
    )
    return missions.exclude(Exists(earlier))


class MissionListView(ListView):
    """The open missions to come on this portal; for a volunteer, the nearest first."""

    template_name = "missions/mission_list.html"
    context_object_name = "missions"
    paginate_by = 12

    def get_queryset(self):
        self.volunteer = _volunteer(self.request)
        self.filters = MissionFilterForm(self.request.GET or None)
        found = self.filters.filter(Mission.objects.on_portal(self.request.territory).public())
        missions = _with_what_pages_show(_next_of_each_series(found))
        if self.volunteer:
            # Where they stand on each: « Vous êtes retenu·e »… on its card.
            mine = Participation.objects.filter(mission=OuterRef("pk"), volunteer=self.volunteer)
            missions = missions.annotate(my_status=Subquery(mine.values("status")[:1]))
            return missions.near_first(self.volunteer)
        return missions.order_by("starts_at", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(filters=self.filters, volunteer=self.volunteer, **kwargs)


def _mission_page(request, mission, volunteer):
    participation = (
        Participation.objects.filter(mission=mission, volunteer=volunteer).first()
        if volunteer
        else None
    )
    if participation:
        participation.mission = mission  # already read, with its counts
    ahead = not mission.is_past and mission.status in (Mission.Status.OPEN, Mission.Status.FILLED)
    taking = mission.status == Mission.Status.OPEN or mission.kind == Mission.Kind.COLLECTIVE
    context = {
        "mission": mission,
        "places_left": max(mission.places - mission.accepted_count, 0),
        "participation": participation,
        "ahead": ahead,
        "can_offer": ahead
        and taking
        and (participation is None or participation.status in (Status.WITHDRAWN, Status.DECLINED)),
        "can_withdraw": ahead
        and participation
        and participation.status in Participation.MAY_WITHDRAW,
        "series": _series_ahead(mission)
        if ahead and (mission.recurrence or mission.series_id)
        else [],
    }
    # « Je m'engage pour toute la série » while a date of it still misses the volunteer.
    dates = {m.pk for m in context["series"]}
    context["series_to_join"] = bool(dates) and (
        volunteer is None
        or dates
        - set(
            Participation.objects.filter(mission__in=dates, volunteer=volunteer)
            .exclude(status__in=[Status.WITHDRAWN, Status.DECLINED])
            .values_list("mission_id", flat=True)
        )
    )
    if participation and participation.sees_details:
        # The only place the page reads who is helped: never loaded for anyone else.
        beneficiary = mission.beneficiary
        context["contact"] = beneficiary
        if beneficiary:
            people.log_details_view(
                beneficiary=beneficiary,
                user=request.user,
                where=ON_THE_MISSION_PAGE,
                mission=mission,
            )
    return render(request, "missions/mission_detail.html", context)


def _series_ahead(mission) -> list[Mission]:
    """The next dates of a recurring mission's series."""
    first = mission.series_id or mission.pk
    return list(
        Mission.objects.public().filter(Q(pk=first) | Q(series_id=first)).order_by("starts_at")[:8]
    )


@never_cache  # the accepted volunteer's page carries a person's contact: kept by no cache
@require_safe
def mission_detail(request, pk):
    missions = _with_what_pages_show(Mission.objects.on_portal(request.territory))
    mission = get_object_or_404(missions.prefetch_related("themes"), pk=pk)
    return _mission_page(request, mission, _volunteer(request))


def act(request, action, success) -> bool:
    """Run a service; its French refusal becomes the page's message. Returns whether it acted."""
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


def offered_message(participation) -> str:
    if participation.status == Status.ACCEPTED:
        return "C'est noté : vous avez votre place. Vous la retrouvez dans « Mes missions »."
    if participation.status == Status.WAITING:
        return (
            "Toutes les places sont prises : vous êtes sur la liste d'attente. Si quelqu'un se "
            "retire, sa place vous revient et nous vous le disons."
        )
    return (
        "Merci ! Votre proposition est transmise à l'équipe qui suit cette mission. Elle vous "
        "répond très vite ; vous suivez tout depuis « Mes missions »."
    )


@require_POST
@as_volunteer
@rate_limited("mission_offer", every_attempt=True)
def offer(request, volunteer, pk):
    """« Je me propose »."""
    mission = get_object_or_404(Mission.objects.on_portal(request.territory), pk=pk)
    act(request, lambda: services.offer_help(volunteer=volunteer, mission=mission), offered_message)
    return redirect("missions:detail", pk=pk)


@require_POST
@as_volunteer
@rate_limited("mission_offer", every_attempt=True)
def offer_series(request, volunteer, pk):
    """« Je m'engage pour toute la série »."""
    mission = get_object_or_404(Mission.objects.on_portal(request.territory), pk=pk)
    act(
        request,
        lambda: services.offer_help_for_series(volunteer=volunteer, mission=mission),
        lambda offers: (
            f"Merci ! Vous vous êtes proposé·e pour {len(offers)} date"
            f"{'s' if len(offers) > 1 else ''} de cette série : suivez-les dans « Mes missions »."
        ),
    )
    return redirect("missions:detail", pk=pk)


def own_participation(volunteer, pk) -> Participation:
    return get_object_or_404(
        Participation.objects.select_related("mission__commune"), mission_id=pk, volunteer=volunteer
    )


@require_http_methods(["GET", "HEAD", "POST"])
@as_volunteer
def withdraw(request, volunteer, pk):
    """« Me retirer »: a page asks for confirmation; only its button acts."""
    participation = own_participation(volunteer, pk)
    mission = participation.mission
    if request.method == "POST":
        if act(
            request,
            lambda: services.withdraw(participation=participation),
            f"Vous vous êtes retiré·e de « {mission.title} ». Merci de l'avoir dit : "
            "l'équipe peut trouver quelqu'un d'autre.",
        ):
            return redirect("missions:mine")
        return redirect("missions:detail", pk=pk)
    if mission.is_past or participation.status not in Participation.MAY_WITHDRAW:
        messages.info(request, "Vous n'êtes plus inscrit·e sur cette mission à venir.")
        return redirect("missions:detail", pk=pk)
    return render(
        request, "missions/withdraw.html", {"mission": mission, "participation": participation}
    )


# --- « J'ai besoin d'un coup de main » --------------------------------------------------------


def _prefill(request) -> dict:
    if not request.user.is_authenticated:
        return {}
    user, volunteer = request.user, _volunteer(request)
    initial = {"name": f"{user.first_name} {user.last_name}".strip(), "email": user.email}
    if volunteer:
        initial |= {"commune_query": str(volunteer.commune), "quartier": volunteer.quartier}
    return initial


@rate_limited("help_request")
def ask_for_help(request, limit):
    posted = request.method == "POST"
    form = HelpRequestForm(request.POST if posted else None, initial=_prefill(request))
    if posted and form.is_valid() and not limit.refuses(form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        help_request = people.ask_for_help(
            user=request.user if request.user.is_authenticated else None,
            commune=form.cleaned_data["commune"],
            **fields,
        )
        limit.record()
        request.session["help_request"] = help_request.pk
        return redirect("missions:help_request_sent")
    context = {
        "form": form,
        "details_days": DETAILS_VISIBLE_DAYS,
        "retention_months": BENEFICIARY_RETENTION_MONTHS,
    }
    return render(
        request, "missions/help_request.html", context, status=400 if form.errors else 200
    )


@require_safe
def help_request_sent(request):
    """What happens next, for the request just sent from this browser."""
    pk = request.session.get("help_request")
    help_request = (
        HelpRequest.objects.select_related("commune").filter(pk=pk).first() if pk else None
    )
    if help_request is None:
        return redirect("missions:help_request")
    return render(request, "missions/help_request_sent.html", {"help_request": help_request})

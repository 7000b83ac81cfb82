from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.middleware import is_staff_member
from accounts.models import User
from gestes.models import Geste
from heurecivique.months import add_months, first_of_month
from heurecivique.ratelimits import rate_limited
from heurecivique.text import long_date
from territories.models import Membership

from . import services
from .attestation import BadReference, Facts, attestation_pdf
from .follow_up.rules import spread_reminder_day
from .forms import (
    AttestationForm,
    CivicHourForm,
    EmailPreferencesForm,
    PauseForm,
    VolunteerForm,
)
from .links import Action, BadLink, read_action, read_keep, read_unsubscribe
from .models import (
    EMAIL_LABELS,
    EMAIL_PREFERENCES,
    CivicHour,
    Delivery,
    Volunteer,
    anonymisation_date,
    inactivity_warning,
)
from .progress import progress_for
from .suggestions import suggested_gestes


def _volunteer_or_none(request) -> Volunteer | None:
    """The signed-in person's volunteer profile, with what every page of the space shows."""
    return (
        Volunteer.objects.select_related("user", "commune__department")
        .prefetch_related("pledges__pauses")
        .filter(user=request.user)
        .first()
    )


def _volunteer_or_join(view):
    """Pages of « Mon heure »: signed in, and a volunteer (otherwise, the onboarding; for staff,
    who come to work, their admin: a ?next= to « Mon heure » after signing in leads there)."""

    @login_required
    def wrapper(request, *args, **kwargs):
        volunteer = _volunteer_or_none(request)
        if volunteer is None:
            if is_staff_member(request.user):
                return redirect("admin:index")
            return redirect("volunteers:join")
        return view(request, volunteer, *args, **kwargs)

    return wrapper


@rate_limited("volunteer_profile")
def join(request, limit):
    """« Je donne mon heure »: an account first, then who I am and where I live."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("account_signup"))
    if Volunteer.objects.filter(user=request.user).exists():
        messages.info(request, "Votre espace de volontaire existe déjà : le voici.")
        return redirect("volunteers:dashboard")
    form = VolunteerForm(
        request.POST if request.method == "POST" else None,
        initial={
            "first_name": request.user.first_name,
            "last_name": request.user.last_name,
            "reminder_day": spread_reminder_day(request.user.pk),
        },
    )
    if form.is_bound and form.is_valid() and not limit.refuses(form):
        try:
            services.onboard_volunteer(user=request.user, **_profile_fields(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            limit.record()
            messages.success(
                request,
                "Bienvenue ! Votre engagement à donner une heure par mois commence. "
                "Choisissez un geste près de chez vous et notez-le ici une fois fait.",
            )
            return redirect("volunteers:dashboard")
    return render(request, "volunteers/join.html", {"form": form}, status=_status(form))


def _profile_fields(form) -> dict:
    data = form.cleaned_data
    return {name: data[name] for name in form.fields if name != "commune_query"}


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@rate_limited("volunteer_profile")
@_volunteer_or_join
def profile(request, volunteer, limit):
    initial = {
        "first_name": volunteer.user.first_name,
        "last_name": volunteer.user.last_name,
        "commune_query": str(volunteer.commune),
        "quartier": volunteer.quartier,
        "interests": volunteer.interests.all(),
        "skills": volunteer.skills.all(),
        "availability": volunteer.availability,
        "reminder_day": volunteer.reminder_day,
        "contact_consent": volunteer.contact_consent_at is not None,
    }
    form = VolunteerForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid() and not limit.refuses(form):
        services.update_volunteer(volunteer=volunteer, **_profile_fields(form))
        limit.record()
        messages.success(request, "Votre profil est enregistré.")
        return redirect("volunteers:dashboard")
    quartiers = list(volunteer.commune.quartiers.values_list("name", flat=True))
    if quartiers:
        form.fields["quartier"].widget.attrs["list"] = "quartiers"
    return render(
        request,
        "volunteers/profile.html",
        {"form": form, "volunteer": volunteer, "quartiers": quartiers},
        status=_status(form),
    )


def _default_period() -> dict:
    """The last twelve months, this one included, as the attestation form receives them."""
    end = first_of_month(timezone.localdate())
    return AttestationForm.initial_for(add_months(end, -11), end)


@require_safe
@_volunteer_or_join
def dashboard(request, volunteer):
    return _render_dashboard(request, volunteer)


def _render_dashboard(request, volunteer, hour_form=None, status=200):
    progress = progress_for(volunteer)
    context = {
        "volunteer": volunteer,
        "pledge": volunteer.current_pledge,
        "progress": progress,
        "recent_months": progress.months[:6],
        "this_month_hours": list(
            volunteer.hours.in_month(progress.this_month.month).select_related("geste")
        ),
        "chosen_gestes": Geste.objects.filter(
            choices__volunteer=volunteer, choices__month=progress.this_month.month
        ),
        "hour_form": hour_form or CivicHourForm(volunteer=volunteer, territory=request.territory),
        "attestation_form": AttestationForm(initial=_default_period()),
    }
    return render(request, "volunteers/dashboard.html", context, status=status)


@require_POST
@rate_limited("log_hour")
@_volunteer_or_join
def log_hour(request, volunteer, limit):
    form = CivicHourForm(request.POST, volunteer=volunteer, territory=request.territory)
    if form.is_valid() and not limit.refuses(form):
        services.log_civic_hour(volunteer=volunteer, **form.cleaned_data)
        limit.record()
        messages.success(request, "Merci ! Votre heure civique est enregistrée.")
        return redirect("volunteers:dashboard")
    return _render_dashboard(request, volunteer, hour_form=form, status=_status(form))


def _own_hour(volunteer, pk) -> CivicHour:
    # Someone else's hour is not found: an id in a URL reveals nothing.
    return get_object_or_404(CivicHour, pk=pk, volunteer=volunteer)


@rate_limited("log_hour")
@_volunteer_or_join
def edit_hour(request, volunteer, pk, limit):
    hour = _own_hour(volunteer, pk)
    if not hour.is_editable:
        messages.error(request, "Cette heure est trop ancienne pour être modifiée.")
        return redirect("volunteers:history")
    form = CivicHourForm(
        request.POST if request.method == "POST" else None,
        instance=hour,
        volunteer=volunteer,
        territory=request.territory,
    )
    if form.is_bound and form.is_valid() and not limit.refuses(form):
        try:
            services.update_civic_hour(hour=hour, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("done_on", error)
        else:
            limit.record()
            messages.success(request, "Votre heure est modifiée.")
            return redirect("volunteers:history")
    return render(
        request, "volunteers/hour_form.html", {"form": form, "hour": hour}, status=_status(form)
    )


@_volunteer_or_join
def delete_hour(request, volunteer, pk):
    hour = _own_hour(volunteer, pk)
    if not hour.is_editable:
        messages.error(request, "Cette heure est trop ancienne pour être supprimée.")
        return redirect("volunteers:history")
    if request.method == "POST":
        services.delete_civic_hour(hour=hour)
        messages.success(request, "L'heure est supprimée.")
        return redirect("volunteers:history")
    return render(request, "volunteers/hour_confirm_delete.html", {"hour": hour})


PLEDGE_ACTIONS = {
    "start": (services.start_pledge, "Merci ! Votre engagement d'une heure par mois commence."),
    "resume": (services.resume_pledge, "Votre engagement reprend. Content de vous retrouver !"),
}


@require_POST
@_volunteer_or_join
def pledge(request, volunteer):
    """Start or resume: one click. A pause and a stop have their own page (pause_pledge,
    stop_pledge)."""
    try:
        action, message = PLEDGE_ACTIONS[request.POST.get("action", "")]
    except KeyError:
        raise Http404 from None
    try:
        action(volunteer=volunteer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message)
    return redirect("volunteers:dashboard")


EMERGENCY_ANSWERS = {
    "oui": (
        True,
        "C'est noté : vous êtes disponible en cas d'urgence. Votre mairie pourra faire appel à "
        "vous lors d'une crise.",
    ),
    "non": (False, "C'est noté : vous n'êtes plus inscrit parmi les disponibles en cas d'urgence."),
}


@require_http_methods(["GET", "HEAD", "POST"])
@_volunteer_or_join
def emergency(request, volunteer):
    """« Je suis disponible en cas d'urgence », in one click from the banner of a crisis, the
    home page or « Mon heure » (POST); the address opened directly (after signing in from the
    banner) shows the button (GET)."""
    if request.method != "POST":
        return render(request, "volunteers/emergency.html", {"volunteer": volunteer})
    try:
        available, message = EMERGENCY_ANSWERS[request.POST.get("disponible", "")]
    except KeyError:
        messages.error(request, "Choisissez « disponible » ou « plus disponible ».")
        return redirect("volunteers:emergency")
    services.set_emergency_available(volunteer=volunteer, available=available)
    messages.success(request, message)
    back = request.POST.get("retour", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and back.startswith("/"):
        return redirect(back)
    return redirect("volunteers:dashboard")


def _pledge_or_dashboard(request, volunteer):
    """The running pledge, or a message and the way back when there is none."""
    pledge = volunteer.current_pledge
    if pledge is None:
        messages.error(request, "Vous n'avez pas d'engagement en cours.")
    return pledge


@_volunteer_or_join
def pause_pledge(request, volunteer):
    """« Faire une pause »: until a chosen date, or until the volunteer resumes."""
    pledge = _pledge_or_dashboard(request, volunteer)
    if pledge is None:
        return redirect("volunteers:dashboard")
    if pledge.is_paused:
        messages.info(request, "Votre engagement est déjà en pause.")
        return redirect("volunteers:dashboard")
    form = PauseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            pause = services.pause_pledge(volunteer=volunteer, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            until = f" avant le {long_date(pause.ended_on)}" if pause.ended_on else " d'ici là"
            messages.success(request, f"Votre engagement est en pause : plus de rappel{until}.")
            return redirect("volunteers:dashboard")
    context = {"form": form, "pledge": pledge}
    return render(request, "volunteers/pledge_pause.html", context, status=_status(form))


@_volunteer_or_join
def stop_pledge(request, volunteer):
    """« Arrêter mon engagement »: a page asks for confirmation; only its button stops."""
    pledge = _pledge_or_dashboard(request, volunteer)
    if pledge is None:
        return redirect("volunteers:dashboard")
    if request.method == "POST":
        services.stop_pledge(volunteer=volunteer)
        messages.success(
            request,
            "Votre engagement est arrêté. Vos heures restent acquises ; revenez quand vous voulez.",
        )
        return redirect("volunteers:dashboard")
    return render(request, "volunteers/pledge_stop.html", {"pledge": pledge})


@require_safe
@_volunteer_or_join
def history(request, volunteer):
    progress = progress_for(volunteer)
    hours = volunteer.hours.select_related("geste")
    by_month = {}
    for hour in hours:
        by_month.setdefault(first_of_month(hour.done_on), []).append(hour)
    months = [(month, by_month.get(month.month, [])) for month in progress.months]
    return render(
        request,
        "volunteers/history.html",
        {"volunteer": volunteer, "progress": progress, "months": months},
    )


@require_safe
@_volunteer_or_join
def attestation(request, volunteer):
    form = AttestationForm(request.GET or _default_period())
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("volunteers:dashboard")
    pdf = attestation_pdf(volunteer, form.cleaned_data["start"], form.cleaned_data["end"])
    name = slugify(f"attestation heure civique {volunteer.user.get_full_name()}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@require_safe
def attestation_check(request, reference):
    """The public page an attestation's QR code leads to: it confirms what the attestation
    states, as it stood on its day of issue, and nothing more (see attestation.py)."""
    try:
        facts = Facts.from_reference(reference)
    except BadReference:
        return render(request, "volunteers/attestation_check.html", {"facts": None}, status=404)
    return render(request, "volunteers/attestation_check.html", {"facts": facts})


@require_POST
@_volunteer_or_join
def choose_geste(request, volunteer, slug):
    """« Je le fais ce mois-ci » from a geste's page, or its undoing."""
    geste = get_object_or_404(Geste.objects.published().visible_in(request.territory), slug=slug)
    if request.POST.get("action") == "drop":
        services.drop_geste(volunteer=volunteer, geste=geste)
        messages.info(request, f"« {geste.title} » n'est plus dans vos gestes du mois.")
    else:
        services.choose_geste(volunteer=volunteer, geste=geste)
        messages.success(
            request,
            f"« {geste.title} » est votre geste du mois. Une fois fait, notez-le dans Mon heure.",
        )
    return redirect("gestes:detail", slug=geste.slug)


# --- The links of the follow-up emails: no sign-in, a signed token (see links.py) --------------


def _bad_link(request, message: str, status: int = 400):
    context = {"message": message}
    return render(request, "volunteers/email_link_invalid.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def email_action(request, token):
    """« C'est fait ! », « Pas ce mois-ci », « Proposez-moi un geste ». Opening the link shows
    a page; only its button acts (mail scanners open links)."""
    try:
        link = read_action(token)
    except BadLink as error:
        return _bad_link(request, error.message)
    volunteer = (
        Volunteer.objects.select_related("user", "commune")
        .filter(user_id=link.user_id, user__is_active=True)
        .first()
    )
    if volunteer is None:
        return _bad_link(request, "Ce lien ne correspond plus à aucun volontaire.", status=404)
    context = {"link": link, "volunteer": volunteer, "month": link.month, "Action": Action}
    if link.action == Action.SUGGEST:
        if request.method == "POST":
            return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
        context["gestes"] = suggested_gestes(volunteer, request.territory, link.month)
        return render(request, "volunteers/email_suggest.html", context)
    already_done = volunteer.hours.in_month(link.month).exists()
    if request.method == "POST":
        if link.action == Action.DONE:
            try:
                context["hour"] = services.log_hour_from_email(
                    volunteer=volunteer, month=link.month
                )
            except ValidationError as error:
                return _bad_link(request, " ".join(error.messages))
        else:
            services.skip_month(user=volunteer.user, month=link.month)
        context["acted"] = True
    context["already_done"] = already_done
    return render(request, "volunteers/email_action.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def keep_account(request, token):
    """« Garder mon compte », from an inactivity warning: opening the link shows a page, its
    button keeps the account (mail scanners open links)."""
    try:
        user_id = read_keep(token)
    except BadLink as error:
        return _bad_link(request, error.message)
    volunteer = (
        Volunteer.objects.select_related("user")
        .with_last_activity()
        .annotate(warned=inactivity_warning(Delivery.Kind.INACTIVE_SOON))
        .filter(user_id=user_id, user__is_active=True)
        .first()
    )
    if volunteer is None:
        return _bad_link(
            request,
            "Ce lien ne correspond plus à aucun compte : il a peut-être déjà été anonymisé. "
            "Vous pouvez vous inscrire de nouveau à tout moment.",
            status=404,
        )
    kept = request.method == "POST"
    if kept:
        services.keep_account(volunteer=volunteer)
        volunteer.last_activity = timezone.now()
    context = {
        "volunteer": volunteer,
        "kept": kept,
        "kept_until": anonymisation_date(volunteer.last_activity),
        # Signed in since the warning, say: there is nothing left to do.
        "safe": not volunteer.warned,
    }
    return render(request, "volunteers/keep_account.html", context)


@never_cache
@csrf_exempt  # RFC 8058: mail clients POST here without cookie or token
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """One-click unsubscribe: a GET shows a button; a POST stops that kind of email (twice
    changes nothing) and answers 200, without a redirect."""
    try:
        user_id, kind = read_unsubscribe(token)
    except BadLink as error:
        return _bad_link(request, error.message)
    if kind not in EMAIL_LABELS:
        return _bad_link(request, "Ce lien n'est pas valide.")
    user = User.objects.filter(pk=user_id).first()
    if request.method == "POST" and user is not None:
        services.unsubscribe(user=user, kind=kind)
    return render(
        request,
        "volunteers/unsubscribe.html",
        {
            "label": EMAIL_LABELS[kind],
            "done": request.method == "POST" or user is None,
            "token": token,
        },
    )


@never_cache
@login_required
def email_preferences(request):
    """« Mes courriels »: each kind of follow-up email, on or off."""
    volunteer = Volunteer.objects.filter(user=request.user).with_pledge_state().first()
    memberships = Membership.objects.filter(user=request.user)
    is_staff_member = memberships.exists()
    initial = dict.fromkeys(Delivery.Kind.values, True)
    if volunteer:
        initial |= {kind: volunteer.wants(kind) for kind in EMAIL_PREFERENCES}
    if is_staff_member:
        initial[Delivery.Kind.SUMMARY] = memberships.filter(summary_enabled=True).exists()
    form = EmailPreferencesForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        volunteer=volunteer,
        is_staff_member=is_staff_member,
    )
    if request.method == "POST":
        if request.POST.get("action") == "retry":
            request.user.email_bounced_at = None
            request.user.save(update_fields=["email_bounced_at"])
            messages.success(request, "C'est noté : nous écrirons de nouveau à cette adresse.")
            return redirect("volunteers:email_preferences")
        if form.is_valid():
            services.set_email_preferences(user=request.user, enabled=form.enabled())
            messages.success(request, "Vos choix de courriels sont enregistrés.")
            return redirect("volunteers:email_preferences")
    return render(
        request,
        "volunteers/email_preferences.html",
        {"form": form, "volunteer": volunteer},
        status=_status(form),
    )

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import ListView

from heurecivique.ratelimits import rate_limited
from heurecivique.share import share_image, stored_png
from territories.branding import branding_for
from territories.models import Territory
from territories.scope import staff_scope

from . import services
from .forms import InitiativeFilterForm, InitiativeForm, InterestForm, PhotoFormSet
from .models import GoodPractice, Initiative, Photo


def _published_on_portal(request):
    return (
        Initiative.objects.published()
        .on_portal(request.territory)
        .select_related("commune__department")
        .prefetch_related("themes", Prefetch("photos", queryset=Photo.objects.order_by("position")))
    )


def _home_commune(request):
    """The commune of the signed-in volunteer, for « près de chez moi »."""
    # The volunteer's profile is reached through the account, without depending on its app.
    volunteer = getattr(request.user, "volunteer", None) if request.user.is_authenticated else None
    return volunteer.commune if volunteer else None


class InitiativeListView(ListView):
    """The showcase: a department portal shows its communes' initiatives, the national one all."""

    template_name = "initiatives/initiative_list.html"
    context_object_name = "initiatives"
    paginate_by = 12

    def get_queryset(self):
        self.home = _home_commune(self.request)
        self.filters = InitiativeFilterForm(
            self.request.GET or None, territory=self.request.territory
        )
        return self.filters.filter(_published_on_portal(self.request), self.home)

    def get_context_data(self, **kwargs):
        return super().get_context_data(filters=self.filters, home=self.home, **kwargs)


@require_safe
def initiative_detail(request, slug):
    initiative = get_object_or_404(_published_on_portal(request), slug=slug)
    return render(
        request,
        "initiatives/initiative_detail.html",
        {"initiative": initiative, "form": InterestForm(), **_sharing(request, initiative)},
    )


def _sharing(request, initiative) -> dict:
    return {
        "share_url": request.build_absolute_uri(
            reverse("initiatives:detail", args=[initiative.slug])
        ),
        "share_image_url": request.build_absolute_uri(
            reverse("initiatives:share_image", args=[initiative.slug])
        ),
    }


@require_POST
@login_required
@rate_limited("initiative_interest")
def interest(request, slug, limit):
    """« Je suis intéressé(e) »: a short message relayed to the organiser by email."""
    initiative = get_object_or_404(
        _published_on_portal(request).filter(organiser__isnull=False), slug=slug
    )
    form = InterestForm(request.POST)
    # A refusal adds its error to the form, which keeps the message.
    if form.is_valid() and not limit.refuses(form):
        services.send_interest(
            initiative=initiative,
            sender=request.user,
            message=form.cleaned_data["message"],
            site_url=request.build_absolute_uri("/"),
        )
        limit.record()
        messages.success(
            request,
            "Votre message est transmis à l'organisateur. Il vous répondra à votre adresse "
            "électronique.",
        )
        return redirect("initiatives:detail", slug=slug)
    context = {"initiative": initiative, "form": form, **_sharing(request, initiative)}
    return render(request, "initiatives/initiative_detail.html", context, status=400)


@require_safe
def initiative_share_image(request, slug):
    initiative = get_object_or_404(
        Initiative.objects.published().select_related("commune"), slug=slug
    )
    territory = Territory.objects.for_commune(initiative.commune)
    branding = branding_for(request, territory)
    return stored_png(share_image(initiative.title, initiative.commune.name, branding))


@login_required
@rate_limited("initiative_proposal")
def propose(request, limit):
    """Present an initiative: it waits for the moderators of its commune's portal."""
    posted = request.method == "POST"
    form = InitiativeForm(request.POST if posted else None)
    photos = PhotoFormSet(
        request.POST if posted else None, request.FILES if posted else None, user=request.user
    )
    # Both checked, whatever the first says: the photos are kept across the errors of the form.
    checked = [form.is_valid(), photos.is_valid()] if posted else [False]
    if all(checked) and not limit.refuses(form):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.propose_initiative(
            organiser=request.user,
            commune=form.cleaned_data["commune"],
            themes=data.pop("themes"),
            photos=[
                (photo["variants"], photo["alt_text"])
                for photo in photos.cleaned_data
                if photo.get("variants")
            ],
            **data,
        )
        limit.record()
        messages.success(
            request,
            "Merci ! Votre initiative est transmise à l'équipe du portail de sa commune, qui "
            "la relira avant de la publier. Nous vous écrirons ensuite.",
        )
        return redirect("initiatives:mine")
    if posted:
        photos.keep()
    return render(
        request,
        "initiatives/propose.html",
        {"form": form, "photos": photos},
        status=400 if posted else 200,
    )


@login_required
@require_safe
def my_initiatives(request):
    initiatives = (
        Initiative.objects.filter(organiser=request.user)
        .select_related("commune")
        .annotate(interest_count=Count("interests"))
        .order_by("-created_at")
    )
    return render(request, "initiatives/my_initiatives.html", {"initiatives": initiatives})


# --- Good practices ----------------------------------------------------------------------------


@require_safe
def practice_list(request):
    practices = GoodPractice.objects.published().select_related(
        "territory__department", "territory__commune"
    )
    return render(request, "initiatives/practice_list.html", {"practices": practices})


@require_safe
def practice_detail(request, slug):
    practice = get_object_or_404(
        GoodPractice.objects.published()
        .select_related("territory__department", "territory__commune", "copied_from")
        .prefetch_related("gestes", "kits", "initiatives"),
        slug=slug,
    )
    scope = staff_scope(request)
    context = {
        "practice": practice,
        # Staff copy another territory's practice into theirs (not their own, nor as visitors).
        "can_copy": scope.works_on_content
        and not (practice.territory and scope.manages(practice.territory)),
        "share_url": request.build_absolute_uri(),
        "share_image_url": request.build_absolute_uri(
            reverse("initiatives:practice_share_image", args=[practice.slug])
        ),
    }
    return render(request, "initiatives/practice_detail.html", context)


@require_safe
def practice_share_image(request, slug):
    practice = get_object_or_404(GoodPractice.objects.published(), slug=slug)
    territory = practice.territory or Territory.objects.national()
    return stored_png(
        share_image(practice.title, "Bonne pratique", branding_for(request, territory))
    )


@require_POST
@login_required
def copy_practice(request, slug):
    """A territory's staff take up a good practice as a draft of their own, then adapt it."""
    practice = get_object_or_404(GoodPractice.objects.published(), slug=slug)
    scope = staff_scope(request)
    if not scope.works_on_content:
        raise Http404
    territory = request.territory if scope.manages(request.territory) else None
    if territory is None:
        territory = scope.territories().order_by("kind").first()
    copy = services.copy_good_practice(practice=practice, territory=territory)
    messages.success(
        request,
        f"La bonne pratique est copiée sur le portail {territory.place.of} : adaptez-la.",
    )
    return redirect("admin:initiatives_goodpractice_change", copy.pk)

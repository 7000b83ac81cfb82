from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import ListView

from heurecivique.ratelimits import rate_limited
from territories.scope import staff_scope

from . import services
from .forms import GesteFilterForm, GesteProposalForm
from .models import Geste


class GesteListView(ListView):
    """Les 100 gestes solidaires, and the portal's own: search, filters, « les gestes du mois »."""

    template_name = "gestes/geste_list.html"
    context_object_name = "gestes"
    paginate_by = 24

    def get_queryset(self):
        self.filters = GesteFilterForm(self.request.GET or None)
        visible = Geste.objects.published().visible_in(self.request.territory)
        return self.filters.filter(visible).prefetch_related("themes").order_by("title")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filters=self.filters, **kwargs)
        if not self.filters.is_filtering and context["page_obj"].number == 1:
            month = timezone.localdate().month
            context["gestes_du_mois"] = (
                Geste.objects.published()
                .visible_in(self.request.territory)
                .for_months([month])
                .prefetch_related("themes")
                .order_by("title")[:6]
            )
        return context


def _geste_on_portal(request, slug) -> tuple[Geste, bool]:
    """A published geste as this portal offers it; staff also reach the ones it hides."""
    geste = get_object_or_404(
        Geste.objects.published()
        .select_related("territory__department", "territory__commune")
        .prefetch_related("themes"),
        slug=slug,
    )
    visible = Geste.objects.published().visible_in(request.territory).filter(pk=geste.pk)
    if visible.exists():
        return geste, False
    if staff_scope(request).manages(request.territory) and geste.territory_id is None:
        return geste, True
    raise Http404


@require_safe
def geste_detail(request, slug):
    geste, hidden_here = _geste_on_portal(request, slug)
    related = (
        Geste.objects.published()
        .visible_in(request.territory)
        .filter(themes__in=geste.themes.all())
        .exclude(pk=geste.pk)
        .distinct()
        .order_by("title")[:3]
    )
    context = {
        "geste": geste,
        "related": related,
        "hidden_here": hidden_here,
        "can_hide": geste.territory_id is None
        and not request.territory.is_national
        and staff_scope(request).manages(request.territory),
    }
    return render(request, "gestes/geste_detail.html", context)


@require_POST
def toggle_hidden(request, slug):
    """The staff of a portal hide a national geste there, or show it again."""
    if not (request.user.is_authenticated and staff_scope(request).manages(request.territory)):
        raise Http404
    geste, hidden_here = _geste_on_portal(request, slug)
    if geste.territory_id is not None or request.territory.is_national:
        raise Http404
    services.set_hidden(geste=geste, territory=request.territory, hidden=not hidden_here)
    if hidden_here:
        messages.success(request, "Ce geste est de nouveau proposé sur ce portail.")
    else:
        messages.success(request, "Ce geste n'est plus proposé sur ce portail.")
    return redirect("gestes:detail", slug=geste.slug)


@login_required
@rate_limited("geste_proposal")
def propose(request, limit):
    """The idea box: a signed-in resident proposes a geste to the staff of this portal."""
    form = GesteProposalForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid() and not limit.refuses(form):
        data = form.cleaned_data
        services.propose_geste(
            author=request.user,
            territory=request.territory,
            themes=data.pop("themes"),
            **data,
        )
        limit.record()
        messages.success(
            request,
            "Merci ! Votre idée est transmise à l'équipe qui anime ce portail. Nous vous "
            "écrirons dès qu'elle l'aura relue.",
        )
        return redirect("gestes:my_proposals")
    status = 400 if form.is_bound else 200
    return render(request, "gestes/propose.html", {"form": form}, status=status)


@login_required
@require_safe
def my_proposals(request):
    proposals = Geste.objects.filter(proposed_by=request.user).select_related("territory")
    return render(
        request, "gestes/my_proposals.html", {"proposals": proposals.order_by("-created_at")}
    )

import json
import sys

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import TemplateView

from gestes.models import Geste, MonthTheme
from initiatives.models import Initiative
from mobilisation.models import Signature
from territories.branding import branding_for
from volunteers import stats
from volunteers.stats import counters_for

from . import personal_data as personal_data_module
from .ratelimits import rate_limited
from .share import share_image, stored_png
from .sitemaps import public_pages


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        featured = (
            Initiative.objects.published()
            .on_portal(self.request.territory)
            .filter(featured=True)
            .select_related("commune")
            .prefetch_related("themes", "photos")[:3]
        )
        territory = self.request.territory
        month_theme = MonthTheme.objects.for_month(territory, timezone.localdate().month)
        month_gestes = (
            Geste.objects.published()
            .visible_in(territory)
            .filter(monththeme=month_theme)
            .prefetch_related("themes")[:3]
            if month_theme
            else []
        )
        return super().get_context_data(
            counters=counters_for(territory),
            counter_definitions=stats.definitions(
                "volunteers", "hours_this_month", "hours_total", "communes"
            ),
            counter_minutes=stats.REFRESH_MINUTES,
            signatories=Signature.objects.shown().count(),
            featured=featured,
            month_theme=month_theme,
            month_gestes=month_gestes,
            share_url=self.request.build_absolute_uri("/"),
            share_image_url=self.request.build_absolute_uri(reverse("home_share_image")),
            **kwargs,
        )


@require_safe
def home_share_image(request):
    """The picture shown when a portal's home page is shared, in the portal's colours."""
    territory = request.territory
    place = "Partout en France" if territory.is_national else capfirst(territory.place.in_)
    return stored_png(
        share_image("Donnez une heure par mois à vos voisins", place, branding_for(request))
    )


class LegalPageView(TemplateView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(legal=settings.LEGAL, **kwargs)


@require_safe
def site_map(request):
    return render(request, "pages/site_map.html", {"pages": public_pages()})


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /compte/",
        "Disallow: /mon-heure/",  # personal pages, and the links of the follow-up emails
        "Disallow: /desinscription/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    # Browsers ask for /favicon.ico on pages that do not name an icon (the admin's).
    return redirect(static("img/favicon.svg"), permanent=True)


def server_error(request):
    """The 500 page, or the 503 one when the database is what failed (down, refused, too
    slow): rendered without context, since nothing else can be trusted then."""
    _kind, error, _traceback = sys.exc_info()
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


def permission_denied(request, exception=None):
    """Django's 403 in French: in the admin's layout for a staff member refused an admin page
    (an elected official opening a list, an agent another territory's object), with the way
    back to their dashboard; in the site's layout everywhere else."""
    match = request.resolver_match
    if match and match.app_name == "admin" and getattr(request.user, "is_staff", False):
        context = admin.site.each_context(request) | {"title": "Accès refusé"}
        return render(request, "admin/403.html", context, status=403)
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """Django's CSRF failure, explained in French in the site's layout."""
    return render(request, "403_csrf.html", status=403)


@login_required
@require_safe
def personal_data(request):
    return render(request, "account/personal_data.html")


@require_POST
@reauthentication_required
@rate_limited("personal_data_export", every_attempt=True)
def personal_data_export(request, fmt):
    """Everything about me, downloaded, after the password is asked again."""
    data = personal_data_module.collect(request.user)
    filename = f"mes-donnees-heure-civique-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "json":
        content = json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
    else:
        content = personal_data_module.as_csv(data)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@reauthentication_required
def delete_account(request):
    """Delete my account: the password first (what is chosen on the page is then not lost to
    a password prompt), then the confirmation page, then it is done."""
    signatures = personal_data_module.signatures_of(request.user).select_related(
        "commune", "department"
    )
    context = {"signatures": list(signatures)}
    if request.method == "POST":
        if request.POST.get("confirm") != "oui":
            messages.error(request, "Cochez la case pour confirmer la suppression de votre compte.")
            return render(request, "account/delete_account.html", context, status=400)
        personal_data_module.delete_account(
            request.user, withdraw_signatures=request.POST.get("signatures") == "retirer"
        )
        logout(request)
        messages.success(
            request,
            "Votre compte est supprimé, ainsi que vos données personnelles. Merci pour les heures "
            "données : elles restent comptées, sans votre nom.",
        )
        return redirect("home")
    return render(request, "account/delete_account.html", context)

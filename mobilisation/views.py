from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from heurecivique.links import BadLink
from heurecivique.ratelimits import rate_limited
from heurecivique.share import share_image, stored_png
from territories import places
from territories.branding import branding_for
from territories.models import Commune, Territory

from . import services
from .badge import badge_image
from .forms import SignatureForm
from .models import COMMUNAL_MANDATES, Appeal, Mandate, Signature

PER_PAGE = 50


def _portal_department_id(territory) -> int | None:
    """The department of a department's or a commune's portal (none for the national one)."""
    if territory.kind == Territory.Kind.DEPARTMENT:
        return territory.department_id
    if territory.kind == Territory.Kind.COMMUNE:
        return territory.commune.department_id
    return None


def _share_context(request, title, description, image_url_name):
    return {
        "share_title": title,
        "share_description": description,
        "share_url": request.build_absolute_uri(),
        "share_image_url": request.build_absolute_uri(reverse(image_url_name)),
    }


@require_safe
def appeal(request):
    """The Appel, its signatories counted by department, and the list (the portal's first)."""
    text = Appeal.objects.first()
    shown = Signature.objects.shown()
    by_department = list(
        shown.values("department_id", "department__code", "department__name", "department__tncc")
        .annotate(count=Count("id"))
        .order_by("department__code")
    )
    codes = {row["department__code"] for row in by_department}
    selected = request.GET.get("departement", "")
    signatures = shown.select_related("commune", "department")
    if selected in codes:
        signatures = signatures.filter(department__code=selected)
    else:
        selected = ""
    home_department = _portal_department_id(request.territory)
    president = None
    if home_department:
        # The portal's own signatories first, then the others.
        signatures = signatures.annotate(
            elsewhere=Case(
                When(department_id=home_department, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("elsewhere", "last_name", "first_name")
        president = (
            shown.filter(department_id=home_department, mandate=Mandate.DEPARTMENT_PRESIDENT)
            .exclude(word="")
            .select_related("department")
            .first()
        )
    home_row = next(
        (row for row in by_department if row["department_id"] == home_department),
        None,
    )
    page = Paginator(signatures, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "appeal": text,
        "by_department": by_department,
        "total": sum(row["count"] for row in by_department),
        "selected": selected,
        "page_obj": page,
        "signatures": page.object_list,
        "home_row": home_row,
        # « dans le Loiret », « du Loiret »: the portal's department with its article.
        "home_place": home_row
        and places.department(
            home_row["department__name"], home_row["department__tncc"], home_row["department__code"]
        ),
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "president": president,
        **_share_context(
            request,
            "Appel à la Mobilisation Solidaire",
            "Élus, signez l'Appel ; habitants, donnez une heure par mois à vos voisins.",
            "mobilisation:share_image",
        ),
    }
    return render(request, "mobilisation/appeal.html", context)


@require_safe
def appeal_share_image(request):
    name = share_image(
        "« La générosité citoyenne doit irriguer l'action publique »",
        "Appel à la Mobilisation Solidaire",
        branding_for(request),
    )
    return stored_png(name)


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("appeal_signature")
def sign(request, limit):
    form = SignatureForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid() and not limit.refuses(form):
        try:
            services.sign(**form.signature_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            limit.record()
            return redirect("mobilisation:sign_sent")
    return render(
        request,
        "mobilisation/sign.html",
        {"form": form, "communal_mandates": sorted(COMMUNAL_MANDATES)},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_safe
def sign_sent(request):
    return render(request, "mobilisation/sign_sent.html", {"days": services.CONFIRM_DAYS})


def _bad_link(request, message):
    return render(request, "mobilisation/link_invalid.html", {"message": message}, status=400)


# The pages of the emailed links: a GET shows one button, the POST acts (mail scanners open
# links without meaning to sign or withdraw anything).


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    try:
        signature = services.signature_to_confirm(token)
    except BadLink as error:
        return _bad_link(request, error.message)
    if request.method == "POST" and signature is not None:
        services.confirm(signature)
        signature.refresh_from_db()
    return render(request, "mobilisation/confirm.html", {"signature": signature})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, token):
    try:
        signature = services.signature_to_withdraw(token)
    except BadLink as error:
        return _bad_link(request, error.message)
    withdrawn = request.method == "POST" and signature is not None
    if withdrawn:
        services.withdraw(signature)
    context = {"signature": signature, "withdrawn": withdrawn}
    return render(request, "mobilisation/withdraw.html", context)


def _signatory_commune(insee_code) -> Commune:
    """A commune with at least one published signature of a municipal mandate."""
    signed = Signature.objects.shown().filter(commune=OuterRef("pk"), mandate__in=COMMUNAL_MANDATES)
    return get_object_or_404(
        Commune.objects.select_related("department").filter(Exists(signed)),
        insee_code=insee_code,
    )


@require_safe
def badge(request, insee_code):
    """The badge of a signatory commune, and the HTML to paste on its own website."""
    commune = _signatory_commune(insee_code)
    portal = Territory.objects.for_commune(commune)
    image_url = portal.url(reverse("mobilisation:badge_image", args=[insee_code]))
    alt = f"Commune engagée pour l'Heure Civique : {commune.name}"
    # Shown as text, to copy: the attribute values only need their quotes and brackets escaped.
    quoted = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    snippet = (
        f'<a href="{portal.url(reverse("mobilisation:appeal"))}">'
        f'<img src="{image_url}" width="300" height="100" alt="{quoted}"></a>'
    )
    context = {
        "commune": commune,
        # The preview comes from this very site (its Content-Security-Policy allows no other).
        "preview_url": reverse("mobilisation:badge_image", args=[insee_code]),
        "alt": alt,
        "snippet": snippet,
    }
    return render(request, "mobilisation/badge.html", context)


@require_safe
def badge_png(request, insee_code):
    commune = _signatory_commune(insee_code)
    portal = Territory.objects.for_commune(commune)
    return stored_png(badge_image(commune.name, branding_for(request, portal)))

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from territories.branding import branding_for
from territories.scope import staff_scope

from . import services
from .models import Kit


def _kits_for(request):
    """The kits of this portal this person may see: public ones, and reserved ones for staff."""
    kits = Kit.objects.visible_in(request.territory)
    scope = staff_scope(request)
    if scope.is_national:
        return kits
    if scope.roles:
        return kits.filter(
            Q(is_public=True) | Q(territory__isnull=True) | Q(territory__in=scope.territories())
        )
    return kits.filter(is_public=True)


def _kit(request, slug) -> tuple[Kit, HttpResponse | None]:
    """The kit, and the answer to give instead when it is reserved to others."""
    kit = get_object_or_404(Kit.objects.visible_in(request.territory), slug=slug)
    if kit.is_public or _kits_for(request).filter(pk=kit.pk).exists():
        return kit, None
    if not request.user.is_authenticated:
        return kit, redirect_to_login(request.get_full_path())
    raise PermissionDenied


@require_safe
def kit_list(request):
    topic = request.GET.get("theme", "")
    kits = _kits_for(request).annotate(resource_count=Count("resources"))
    if topic in Kit.Topic.values:
        kits = kits.filter(topic=topic)
    by_audience = [
        (Kit.AUDIENCE_HEADINGS[value], [kit for kit in kits if kit.audience == value])
        for value in Kit.Audience.values
    ]
    return render(
        request,
        "outils/kit_list.html",
        {"by_audience": by_audience, "topics": Kit.Topic.choices, "topic": topic},
    )


@require_safe
def kit_detail(request, slug):
    kit, refusal = _kit(request, slug)
    if refusal:
        return refusal
    branding = branding_for(request)
    resources = [
        (resource, services.file_size(resource, branding)) for resource in kit.resources.all()
    ]
    return render(request, "outils/kit_detail.html", {"kit": kit, "resources": resources})


def _resource(kit, pk):
    return get_object_or_404(kit.resources, pk=pk)


@require_safe
def download_resource(request, slug, pk):
    kit, refusal = _kit(request, slug)
    if refusal:
        return refusal
    resource = _resource(kit, pk)
    branding = branding_for(request)
    name = services.stored_file(resource, branding)
    if request.method == "GET":  # a HEAD request downloads nothing
        services.record_downloads(request, [resource])
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=services.download_name(resource, branding),
        content_type=resource.content_type,
    )


@require_safe
def download_kit(request, slug):
    kit, refusal = _kit(request, slug)
    if refusal:
        return refusal
    resources = list(kit.resources.all())
    if not resources:
        raise Http404
    branding = branding_for(request)
    archive = services.kit_zip(resources, branding)
    if request.method == "GET":
        services.record_downloads(request, resources)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{kit.slug}.zip"'
    return response


@require_safe
def resource_preview(request, slug, pk):
    kit, refusal = _kit(request, slug)
    if refusal:
        return refusal
    name = services.preview_file(_resource(kit, pk), branding_for(request))
    if not name:
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response

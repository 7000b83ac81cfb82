"""The public side of the cockpit: /chiffres/, its open data, and the press page, which prints
the same figures."""

from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from outils.models import Kit
from volunteers import stats

from . import aggregates, public


@require_safe
def figures(request):
    """The portal's public figures, its months, the department portals (nationally) and how
    to read the open data."""
    territory = request.territory
    aggregates.ensure_recent()
    months = public.published_months(territory)
    national = territory.is_national
    context = {
        "figures": public.public_figures(territory),
        "months": months,
        "hours_chart": public.hours_chart(territory.place, months),
        "map": public.departments_map() if national else None,
        "departments": public.department_portals() if national else [],
        "columns": public.COLUMNS,
        "rule": public.SMALL_COUNTS_RULE,
        "counter_minutes": stats.REFRESH_MINUTES,
    }
    return render(request, "pilotage/figures.html", context)


@require_safe
def open_data(request):
    """The portal's communes, month by month, as open data: streamed, whatever their number."""
    territory = request.territory
    aggregates.ensure_recent()
    response = StreamingHttpResponse(
        public.csv_lines(territory), content_type="text/csv; charset=utf-8"
    )
    name = "france" if territory.is_national else territory.slug
    filename = f"heure-civique-{name}-{timezone.localdate():%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def press(request):
    """For journalists and partners: the press kit, the figures of /chiffres/, the Appel and a
    contact."""
    territory = request.territory
    kits = (
        Kit.objects.visible_in(territory)
        .filter(is_public=True, topic__in=[Kit.Topic.COMMUNICATION, Kit.Topic.LAUNCH])
        .order_by("position", "title")
    )
    context = {
        "figures": public.public_figures(territory),
        "counter_minutes": stats.REFRESH_MINUTES,
        "kits": kits,
        "press_email": settings.PRESS_CONTACT_EMAIL,
    }
    return render(request, "pages/press.html", context)

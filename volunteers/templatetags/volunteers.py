from django import template
from django.utils import timezone

from heurecivique.months import first_of_month
from volunteers import stats
from volunteers.models import GesteChoice
from volunteers.progress import format_duration

register = template.Library()


@register.inclusion_tag("volunteers/_geste_box.html", takes_context=True)
def geste_box(context, geste):
    """On a geste's page: how many volunteers did it, and « Je le fais ce mois-ci »."""
    user = context["request"].user
    chosen = (
        user.is_authenticated
        and GesteChoice.objects.filter(
            volunteer__user=user, geste=geste, month=first_of_month(timezone.localdate())
        ).exists()
    )
    return {"geste": geste, "chosen": chosen, "done_by": stats.done_by(geste), "user": user}


@register.filter
def duration(minutes: int) -> str:
    """75 → « 1 h 15 »."""
    return format_duration(minutes or 0)

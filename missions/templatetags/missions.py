from django import template

from missions.models import Mission, Participation

register = template.Library()

# How near home a mission is, as MissionQuerySet.near_first() annotates it.
CLOSENESS = {0: "Dans votre quartier", 1: "Dans votre commune", 2: "Dans votre département"}


@register.filter
def places(mission) -> str:
    """« 1 place », « 2 places libres sur 10 », « Complet : liste d'attente » (a mission annotated
    by MissionQuerySet.with_counts())."""
    left = mission.places - mission.accepted_count
    if left <= 0:
        return "Complet : liste d'attente" if mission.kind == Mission.Kind.COLLECTIVE else "Complet"
    if mission.places == 1:
        return "1 place"
    plural = "s" if left > 1 else ""
    return f"{left} place{plural} libre{plural} sur {mission.places}"


@register.filter
def closeness(mission) -> str:
    return CLOSENESS.get(getattr(mission, "closeness", None), "")


# Where the volunteer stands on a mission, as its card says it.
MY_STATUS = {
    Participation.Status.OFFERED: "Vous vous êtes proposé·e",
    Participation.Status.INVITED: "L'équipe vous invite",
    Participation.Status.ACCEPTED: "Vous êtes retenu·e",
    Participation.Status.WAITING: "Vous êtes sur la liste d'attente",
}


@register.filter
def my_status(mission) -> str:
    return MY_STATUS.get(getattr(mission, "my_status", None), "")


@register.filter
def recurrence(mission) -> str:
    """« chaque semaine » for a recurring need and each of its occurrences; empty otherwise."""
    first = mission.series or mission
    return first.get_recurrence_display().lower() if first.recurrence else ""

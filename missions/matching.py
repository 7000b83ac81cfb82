"""Who to ask for a mission: the volunteers of its department, ranked by how near they live, what
they like and know how to do, when they are free, and how recently the mairie asked them.

The whole ranking is one SQL query, whatever the number of volunteers: the department first,
then a score made of CASE expressions whose subqueries do not depend on the row (the database
computes each once, as a hashed set), and only the ids and scores of the best `limit` rows come
back. Those volunteers, and the words that say why each one is suggested, are then read for
them alone: seven queries in all (bench/matching.py times it).
"""

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import add, or_

from django.db.models import Case, Count, IntegerField, Max, Prefetch, Q, Value, When
from django.utils import timezone

from gestes.models import Theme
from territories.models import Commune
from volunteers.models import Availability, Skill, Volunteer

from .models import Mission, Participation

SHOWN = 20

# The weights of the score. Living near counts most: a neighbour can pop round; then what the
# person knows how to do, likes and when they are free.
SAME_QUARTIER = 40
SAME_COMMUNE = 30
SAME_POSTAL_CODE = 15
PER_SKILL = 15
PER_THEME = 10
AVAILABLE = 15
# Never pester the same three people: an invitation in the last weeks pushes a volunteer down,
# one in the last days more, and many in the last weeks even more.
ASKED_WEEKS = 4
ASKED_DAYS = 7
ASKED_OFTEN = 3
ASKED_LATELY_PENALTY = 20
ASKED_RECENTLY_PENALTY = 25
ASKED_OFTEN_PENALTY = 30


def moment_of(mission: Mission) -> str:
    """The availability a mission's time calls for: the week-end, a weekday evening (from
    6 pm) or a weekday's daytime."""
    local = timezone.localtime(mission.starts_at)
    if local.weekday() >= 5:
        return Availability.WEEKENDS
    return Availability.EVENINGS if local.hour >= 18 else Availability.WEEKDAYS


@dataclass
class Suggestion:
    volunteer: Volunteer
    score: int
    reasons: list[str] = field(default_factory=list)


def _when(condition: Q, points: int) -> Case:
    return Case(When(condition, then=Value(points)), default=Value(0), output_field=IntegerField())


def candidates(mission: Mission, communes=None):
    """The volunteers who may be asked: of the mission's department (and of `communes`, the
    staff member's, when given), their pledge running, agreeing to be contacted by their
    mairie, not already on the mission."""
    volunteers = (
        Volunteer.objects.all()
        if communes is None
        else Volunteer.objects.filter(commune__in=communes)
    )
    return (
        volunteers.with_active_pledge()
        .filter(
            commune__department_id=mission.commune.department_id,
            user__isnull=False,
            user__is_active=True,
            contact_consent_at__isnull=False,
        )
        .exclude(pk__in=Participation.objects.filter(mission=mission).values("volunteer_id"))
    )


def _score(mission: Mission, theme_ids, skill_ids):
    """The score, an expression on a volunteer's row."""
    commune = mission.commune
    parts = [_when(Q(commune_id=commune.pk), SAME_COMMUNE)]
    if mission.quartier:
        parts.append(
            _when(Q(commune_id=commune.pk, quartier__iexact=mission.quartier), SAME_QUARTIER)
        )
    if codes := commune.postal_code_list:
        sharing = Commune.objects.filter(
            reduce(or_, (Q(postal_codes__contains=f" {code} ") for code in codes)),
            department_id=commune.department_id,
        ).exclude(pk=commune.pk)
        parts.append(_when(Q(commune__in=sharing), SAME_POSTAL_CODE))
    interests = Volunteer.interests.through.objects
    skills = Volunteer.skills.through.objects
    parts += [
        _when(Q(pk__in=interests.filter(theme_id=pk).values("volunteer_id")), PER_THEME)
        for pk in theme_ids
    ]
    parts += [
        _when(Q(pk__in=skills.filter(skill_id=pk).values("volunteer_id")), PER_SKILL)
        for pk in skill_ids
    ]
    # The JSON list as text: « "week-end" » quoted is found in it on PostgreSQL and SQLite.
    parts.append(_when(Q(availability__icontains=f'"{moment_of(mission)}"'), AVAILABLE))
    now = timezone.now()
    invited = Participation.objects.filter(
        invited_at__gte=now - datetime.timedelta(weeks=ASKED_WEEKS)
    )
    often = (
        invited.values("volunteer_id")
        .annotate(times=Count("pk"))
        .filter(times__gte=ASKED_OFTEN)
        .values("volunteer_id")
    )
    recently = invited.filter(invited_at__gte=now - datetime.timedelta(days=ASKED_DAYS))
    parts += [
        _when(Q(pk__in=invited.values("volunteer_id")), -ASKED_LATELY_PENALTY),
        _when(Q(pk__in=recently.values("volunteer_id")), -ASKED_RECENTLY_PENALTY),
        _when(Q(pk__in=often), -ASKED_OFTEN_PENALTY),
    ]
    return reduce(add, parts)


MOMENT_WORDS = {
    Availability.WEEKENDS: "disponible le week-end",
    Availability.EVENINGS: "disponible le soir en semaine",
    Availability.WEEKDAYS: "disponible en semaine en journée",
}


def _asked_words(last: datetime.datetime) -> str:
    days = (timezone.localdate() - timezone.localdate(last)).days
    if days == 0:
        return "sollicité·e aujourd'hui"
    return "sollicité·e hier" if days == 1 else f"sollicité·e il y a {days} jours"


def suggest(mission: Mission, *, communes=None, limit: int = SHOWN) -> list[Suggestion]:
    """The `limit` volunteers best placed for this mission among its candidates, best first,
    each with why."""
    themes = list(mission.themes.all())
    skills = list(mission.skills.all())
    # Ranked on narrow rows (an id and a score): the database keeps the best in memory.
    ranked = list(
        candidates(mission, communes)
        .annotate(score=_score(mission, [t.pk for t in themes], [s.pk for s in skills]))
        .order_by("-score", "pk")
        .values_list("pk", "score")[:limit]
    )
    volunteers = (
        Volunteer.objects.select_related("user", "commune")
        .prefetch_related(
            Prefetch("interests", queryset=Theme.objects.filter(pk__in=[t.pk for t in themes])),
            Prefetch("skills", queryset=Skill.objects.filter(pk__in=[s.pk for s in skills])),
        )
        .in_bulk([pk for pk, _score in ranked])
    )
    last_asked = dict(
        Participation.objects.filter(
            volunteer__in=volunteers,
            invited_at__gte=timezone.now() - datetime.timedelta(weeks=ASKED_WEEKS),
        )
        .values_list("volunteer_id")
        .annotate(last=Max("invited_at"))
    )
    return [
        Suggestion(volunteers[pk], score, _reasons(mission, volunteers[pk], last_asked.get(pk)))
        for pk, score in ranked
    ]


def _reasons(mission, volunteer, last_asked) -> list[str]:
    """Why a volunteer is suggested, in the order of the score's parts."""
    if volunteer.commune_id != mission.commune_id:
        shared = set(volunteer.commune.postal_code_list) & set(mission.commune.postal_code_list)
        reasons = ["même code postal" if shared else "même département"]
    elif mission.quartier and volunteer.quartier.casefold() == mission.quartier.casefold():
        reasons = ["même quartier"]
    else:
        reasons = ["même commune"]
    reasons += [skill.name for skill in volunteer.skills.all()]
    reasons += [theme.name for theme in volunteer.interests.all()]
    moment = moment_of(mission)
    if moment in volunteer.availability:
        reasons.append(MOMENT_WORDS[moment])
    if last_asked is not None:
        reasons.append(_asked_words(last_asked))
    return reasons

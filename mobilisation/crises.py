"""Crisis mode: the one place a territory's crisis starts and ends, and what the portals show
while it runs (the banner, the home page's call, the crisis kit, the gestes that help)."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.utils import timezone

from territories.models import Territory
from volunteers.models import Volunteer

from . import calls
from .models import Crisis

# The kit of the toolbox (outils, by its slug: its migration 0008 creates them) put first while a
# crisis of each kind runs; « autre » gets the kit for any alert (outils migration 0009).
KITS = {
    Crisis.Kind.HEATWAVE: "kit-canicule",
    Crisis.Kind.COLD: "kit-grand-froid",
    Crisis.Kind.FLOOD: "kit-inondation",
    Crisis.Kind.EPIDEMIC: "kit-epidemie",
    Crisis.Kind.OTHER: "kit-alerte",
}

# The gestes of the idea box that help in each kind of crisis, in this order: national gestes
# (the « 100 gestes », gestes migration 0004) named by their slug; one a portal hides is left out.
COURSES = "faire-les-courses-dun-voisin-age"
PHONE = "telephoner-a-une-personne-seule"
MEDICINE = "aller-chercher-les-medicaments-dun-voisin-malade"
CCAS = "faire-le-lien-entre-un-voisin-en-difficulte-et-le-ccas"
ALERTS = "relayer-les-alertes-meteo-aupres-de-ses-voisins"
EMERGENCY_KIT = "preparer-un-kit-durgence-avec-ses-voisins"
DIRECTORY = "creer-lannuaire-des-voisins-solidaires"
GESTES = {
    Crisis.Kind.HEATWAVE: [
        "passer-voir-les-personnes-fragiles-pendant-la-canicule",
        PHONE,
        COURSES,
        MEDICINE,
        ALERTS,
        CCAS,
    ],
    Crisis.Kind.COLD: [
        "veiller-sur-les-personnes-isolees-pendant-le-grand-froid",
        PHONE,
        "deneiger-lentree-dun-voisin-age",
        COURSES,
        "preparer-des-trousses-dhygiene-pour-les-personnes-sans-abri",
        CCAS,
    ],
    Crisis.Kind.FLOOD: [
        ALERTS,
        EMERGENCY_KIT,
        DIRECTORY,
        "donner-un-coup-de-main-pour-un-demenagement",
        "cuisiner-un-plat-pour-un-voisin-qui-traverse-une-periode-difficile",
        CCAS,
    ],
    Crisis.Kind.EPIDEMIC: [
        COURSES,
        MEDICINE,
        PHONE,
        "apprendre-a-un-proche-a-faire-un-appel-video",
        "promener-le-chien-dun-voisin-age",
        CCAS,
    ],
    Crisis.Kind.OTHER: [PHONE, COURSES, DIRECTORY, EMERGENCY_KIT, ALERTS, CCAS],
}

# What each resident can do, on the home page while the crisis runs (the kit says more).
ADVICE = {
    Crisis.Kind.HEATWAVE: [
        "Appelez ou passez voir chaque jour un voisin âgé, isolé ou malade : a-t-il bu, "
        "a-t-il frais ?",
        "Proposez de faire ses courses aux heures fraîches, et de lui rapporter de l'eau.",
        "Aux heures chaudes, volets fermés ; la nuit, fenêtres ouvertes. Buvez sans attendre "
        "d'avoir soif.",
        "Une personne confuse, très chaude, qui ne boit plus : appelez le\u00a015.",
    ],
    Crisis.Kind.COLD: [
        "Prenez des nouvelles chaque jour d'un voisin âgé ou isolé : son logement est-il chauffé ?",
        "Proposez de faire ses courses ou d'aller à la pharmacie, pour qu'il évite les "
        "trottoirs gelés.",
        "Vous croisez une personne à la rue en difficulté : appelez le\u00a0115.",
        "Jamais de chauffage d'appoint au gaz en continu ni de groupe électrogène à "
        "l'intérieur : risque de monoxyde de carbone.",
    ],
    Crisis.Kind.FLOOD: [
        "Suivez les consignes de la mairie et de la préfecture ; ne prenez pas la route "
        "sur une voie inondée, ni à pied ni en voiture.",
        "Prévenez vos voisins les plus fragiles et aidez-les à monter leurs affaires à l'étage.",
        "Après la crue : un coup de main pour vider, nettoyer, porter, remplir les "
        "déclarations d'assurance.",
        "En danger : appelez le\u00a0112.",
    ],
    Crisis.Kind.EPIDEMIC: [
        "Faites les courses ou allez à la pharmacie pour un voisin malade ou fragile, en "
        "déposant les sacs devant sa porte.",
        "Téléphonez aux personnes seules : un appel par jour rompt l'isolement.",
        "Lavez-vous les mains souvent, aérez, portez un masque si vous êtes malade.",
        "Suivez les consignes des autorités de santé ; en cas de signes graves, appelez "
        "le\u00a015.",
    ],
    Crisis.Kind.OTHER: [
        "Suivez les consignes de votre mairie, données ci-dessus.",
        "Prenez des nouvelles de vos voisins les plus fragiles.",
        "Proposez votre aide : des courses, un trajet, un appel.",
        "En danger : appelez le\u00a0112.",
    ],
}

# The end date the admin's form suggests.
DEFAULT_LENGTH = datetime.timedelta(days=3)
# The longest a crisis may be planned for at once; it can be extended as often as needed.
LONGEST = datetime.timedelta(days=90)

ALREADY_RUNNING = (
    "Le mode crise est déjà en cours pour ce territoire : prolongez-le ou arrêtez-le depuis "
    "la liste des modes crise."
)


def check_end_date(ends_on: datetime.date) -> None:
    """An end date a crisis can be planned for: from today, for at most three months."""
    today = timezone.localdate()
    if ends_on < today:
        raise ValidationError(
            {"ends_on": "La fin prévue ne peut pas être passée : choisissez aujourd'hui ou après."}
        )
    if ends_on > today + LONGEST:
        raise ValidationError(
            {
                "ends_on": "Un mode crise se prévoit pour trois mois au plus ; vous pourrez le "
                "prolonger."
            }
        )


def end_expired(territory: Territory) -> None:
    """End the territory's crisis whose end date has passed but which beat has not ended yet:
    it no longer runs, and would block a new one (at most one, by the model's constraint)."""
    today = timezone.localdate()
    for crisis in Crisis.objects.filter(
        territory=territory, ended_at__isnull=True, ends_on__lt=today
    ):
        end(crisis)


def start(
    *, territory: Territory, kind: str, message: str, ends_on: datetime.date, by=None
) -> Crisis:
    """Switch a territory into crisis mode: the banner, the home page's call, the kit and the
    gestes show at once on its portals (and below: a department's crisis shows on its communes')."""
    check_end_date(ends_on)
    with transaction.atomic():
        end_expired(territory)
        if Crisis.objects.filter(territory=territory, ended_at__isnull=True).exists():
            raise ValidationError(ALREADY_RUNNING)
        crisis = Crisis(
            territory=territory, kind=kind, message=message.strip(), ends_on=ends_on, started_by=by
        )
        crisis.full_clean(validate_constraints=False)  # the constraint's words are not ours
        try:
            with transaction.atomic():
                crisis.save()
        except IntegrityError as error:  # started by someone else at the same moment
            raise ValidationError(ALREADY_RUNNING) from error
    return crisis


def end(crisis: Crisis, by=None) -> bool:
    """Switch a crisis off, early (by its staff) or on its end date (the beat task, by=None).
    Ending an ended crisis does nothing; returns whether this call ended it."""
    with transaction.atomic():
        locked = Crisis.objects.select_for_update().get(pk=crisis.pk)
        if locked.ended_at is not None:
            return False
        locked.ended_at = timezone.now()
        locked.ended_by = by
        locked.save(update_fields=["ended_at", "ended_by"])  # a new generation of cached pages
        # The volunteers who answered « disponible » to its messages are thanked, once; the
        # emails go out when this transaction commits.
        calls.thank(locked)
    crisis.ended_at, crisis.ended_by = locked.ended_at, locked.ended_by
    return True


def end_past() -> int:
    """End every crisis whose end date has passed (beat, each hour); returns how many."""
    past = Crisis.objects.filter(ended_at__isnull=True, ends_on__lt=timezone.localdate())
    return sum(end(crisis) for crisis in past)


# --- What the portals show -----------------------------------------------------------------

# The crisis closest to the visitor comes first: their commune's, then their department's.
_CLOSEST_FIRST = {
    Territory.Kind.COMMUNE: 0,
    Territory.Kind.DEPARTMENT: 1,
    Territory.Kind.NATIONAL: 2,
}


@dataclass
class CrisisMode:
    """The crises a page tells of, closest first, and the signed-in visitor's answer."""

    crises: list[Crisis] = field(default_factory=list)
    # Whether the signed-in visitor has a volunteer profile, and is available in an emergency.
    is_volunteer: bool = False
    available: bool = False

    def __bool__(self):
        return bool(self.crises)

    @property
    def first(self) -> Crisis | None:
        return self.crises[0] if self.crises else None

    @property
    def kinds(self) -> list[str]:
        return list(dict.fromkeys(crisis.kind for crisis in self.crises))


def crisis_mode(request) -> CrisisMode:
    """What the page of this request shows of the crises: one query, read once per request
    (the banner, the home page, the toolbox and the gestes share it), straight from the
    database so that it never waits on the cache, and right at once when a crisis starts or
    ends."""
    if hasattr(request, "_crisis_mode"):
        return request._crisis_mode
    portal = getattr(request, "territory", None)
    if portal is None:
        request._crisis_mode = CrisisMode()
        return request._crisis_mode
    crises = (
        Crisis.objects.running()
        .concerning(portal)
        .select_related("territory__department", "territory__commune")
    )
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    if signed_in:
        # The visitor's answer in the same query, read only when a crisis runs.
        mine = Volunteer.objects.filter(user=user)
        crises = crises.annotate(
            volunteer_pk=Subquery(mine.values("pk")[:1]),
            available_since=Subquery(mine.values("emergency_available_at")[:1]),
        )
    found = sorted(crises, key=lambda crisis: _CLOSEST_FIRST[crisis.territory.kind])
    mode = CrisisMode(found)
    if found and signed_in:
        mode.is_volunteer = found[0].volunteer_pk is not None
        mode.available = found[0].available_since is not None
    request._crisis_mode = mode
    return mode

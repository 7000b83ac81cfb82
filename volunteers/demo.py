"""Demo volunteers and a year of their hours, so that `make run` shows a living programme."""

import datetime
import random

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from gestes.models import Geste, Theme
from heurecivique.months import add_months, first_of_month, last_of_month, next_month
from territories.models import Commune, Quartier

from .models import (
    Availability,
    CivicHour,
    GesteChoice,
    Pledge,
    PledgePause,
    Skill,
    Volunteer,
)

DEMO_DOMAIN = "demo.test"
VOLUNTEERS = 320

FIRST_NAMES = (
    "Camille Léa Manon Chloé Emma Inès Jade Louise Lina Zoé Alice Rose Anna Mila Julia Lucie "
    "Sarah Nina Élise Margaux Jeanne Agathe Clara Romane Salomé Yasmine Fatou Mireille Odette "
    "Monique Lucas Hugo Louis Jules Gabriel Arthur Adam Raphaël Paul Nathan Léo Noah Tom Théo "
    "Sacha Malik Youssef Mamadou Karim Bernard Michel Gérard Alain Daniel Pierre Jean-Marc "
    "Thierry Patrice Rémi Antoine"
).split()
LAST_NAMES = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
    "Lefebvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine "
    "Rousseau Vincent Muller Lefèvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier "
    "François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu "
    "Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer Dufour Meunier Brun "
    "Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard Roche "
    "Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud "
    "Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq "
    "Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis "
    "Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris "
    "Poirier Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard Baron Bertin "
    "Bailly Hervé Schneider Fernandez Le Gall Collet Léger Bouvier Julien Prévost Millet "
    "Perrot Daniel Le Roux Cousin Germain Breton Besson Langlois Rémy Le Goff Pelletier Lévêque"
).split()

NOTES = [
    "Courses pour ma voisine du troisième",
    "Appel à M. Bernard, qui vit seul",
    "Aide pour une déclaration en ligne",
    "Ramassage de déchets au square",
    "Arrosage des plantes d'une voisine en vacances",
    "Lecture à la médiathèque",
    "Collecte pour la banque alimentaire",
    "Accueil d'une nouvelle voisine",
    "Promenade avec un voisin âgé",
    "Réparation d'un vélo",
    "",
    "",
    "",
]
MINUTES = [30, 45, 60, 60, 60, 60, 75, 90, 120]
ORLEANS_QUARTIERS = [
    "Centre-ville",
    "La Source",
    "Argonne",
    "Saint-Marceau",
    "Les Blossières",
    "Madeleine",
    "Dunois",
    "Barrière Saint-Marc",
]
# Where the demo volunteers live: (department, number of communes, share of the volunteers).
AREAS = [("45", 14, 0.5), ("33", 12, 0.3), (None, 10, 0.2)]


def _communes(rng) -> list[Commune]:
    chosen = []
    for code, count, share in AREAS:
        queryset = Commune.objects.order_by("-population")
        if code:
            communes = list(queryset.filter(department__code=code)[:count])
        else:
            biggest = list(queryset[:60])
            communes = rng.sample(biggest, min(count, len(biggest)))
        if communes:
            # Bigger communes get more volunteers; the first is the département's main city.
            weights = range(len(communes) + 5, 5, -1)
            chosen += rng.choices(communes, weights=weights, k=round(VOLUNTEERS * share))
    return chosen


def _months_back(today: datetime.date, months: int) -> datetime.date:
    return add_months(first_of_month(today), -months)


@transaction.atomic
def load_demo_volunteers(resident) -> int:
    """Create the demo volunteers once; return how many were created (0 the second time)."""
    if Volunteer.objects.filter(user=resident).exists():
        return 0
    rng = random.Random(2026)
    today = timezone.localdate()
    orleans = Commune.objects.get(insee_code="45234")
    for name in ORLEANS_QUARTIERS:
        Quartier.objects.get_or_create(commune=orleans, name=name)
    themes, skills = list(Theme.objects.all()), list(Skill.objects.all())
    gestes = list(Geste.objects.published().filter(territory__isnull=True))
    password = make_password(None)  # demo volunteers cannot sign in; the demo resident can

    User = get_user_model()
    people = []
    for index, commune in enumerate(_communes(rng)):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{slugify(first)}.{slugify(last)}.{index}@{DEMO_DOMAIN}"
        joined = _months_back(today, rng.randint(0, 13)) + datetime.timedelta(rng.randint(0, 27))
        joined = min(joined, today)
        people.append((User(email=email, first_name=first, last_name=last, password=password,
                            date_joined=_aware(joined)), commune, joined))  # fmt: skip
    User.objects.bulk_create([user for user, _c, _j in people])
    users = {u.email: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}
    EmailAddress.objects.bulk_create(
        EmailAddress(user=users[u.email], email=u.email, verified=True, primary=True)
        for u, _c, _j in people
    )

    volunteers = [
        Volunteer(
            user=users[user.email],
            commune=commune,
            quartier=rng.choice(ORLEANS_QUARTIERS) if commune == orleans else "",
            availability=rng.sample(Availability.values, rng.randint(1, 3)),
            reminder_day=rng.randint(1, 28),
            contact_consent_at=_aware(joined) if rng.random() < 0.6 else None,
            created_at=_aware(joined),
        )
        for user, commune, joined in people
    ]
    volunteers.append(_demo_resident(resident, orleans, today))
    Volunteer.objects.bulk_create(volunteers)
    volunteers = list(Volunteer.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}"))
    for volunteer in volunteers:
        volunteer.interests.set(rng.sample(themes, rng.randint(1, 3)))
        volunteer.skills.set(rng.sample(skills, rng.randint(0, 3)))
    _pledges_and_hours(volunteers, rng, today, resident, gestes)
    return len(volunteers)


def _demo_resident(resident, orleans, today) -> Volunteer:
    joined = _months_back(today, 10)
    return Volunteer(
        user=resident,
        commune=orleans,
        quartier="Saint-Marceau",
        availability=[Availability.WEEKENDS, Availability.EVENINGS],
        reminder_day=5,
        contact_consent_at=_aware(joined),
        created_at=_aware(joined),
    )


def _pledges_and_hours(volunteers, rng, today, resident, gestes) -> None:
    pledges, pauses, hours, choices = [], [], [], []
    for volunteer in volunteers:
        start = volunteer.created_at.date()
        is_resident = volunteer.user_id == resident.pk
        diligence = 1.0 if is_resident else rng.uniform(0.35, 0.95)
        fate = 1.0 if is_resident else rng.random()  # 10 % stopped, 8 % on a break today
        ended = None
        if fate < 0.10 and start < _months_back(today, 2):
            ended = start + (today - start) * rng.uniform(0.4, 0.9)
        pledge = Pledge(volunteer=volunteer, started_on=start, ended_on=ended)
        pledges.append(pledge)
        paused_from = (
            today - datetime.timedelta(rng.randint(3, 40)) if 0.10 <= fate < 0.18 else None
        )
        if paused_from and paused_from > start:
            pauses.append(PledgePause(pledge=pledge, started_on=paused_from))
        month = first_of_month(start)
        while month <= today:
            last_day = min(today, (ended or today), last_of_month(month))
            first_day = max(month, start)
            skip = is_resident and month == first_of_month(today)  # her hour of this month is to do
            if first_day <= last_day and not skip and rng.random() < diligence:
                for _action in range(2 if rng.random() < 0.15 else 1):
                    done_on = first_day + datetime.timedelta(
                        rng.randint(0, (last_day - first_day).days)
                    )
                    if paused_from and done_on >= paused_from:
                        continue
                    hours.append(
                        CivicHour(
                            volunteer=volunteer,
                            done_on=done_on,
                            minutes=rng.choice(MINUTES),
                            note=rng.choice(NOTES),
                            geste=rng.choice(gestes) if gestes and rng.random() < 0.6 else None,
                            created_at=_aware(done_on),
                        )
                    )
            month = next_month(month)
        if gestes and not ended and (is_resident or rng.random() < 0.3):
            this_month = first_of_month(today)
            choices.append(
                GesteChoice(volunteer=volunteer, geste=rng.choice(gestes), month=this_month)
            )
    Pledge.objects.bulk_create(pledges)
    PledgePause.objects.bulk_create(pauses)
    CivicHour.objects.bulk_create(hours, batch_size=1000)
    GesteChoice.objects.bulk_create(choices)


def _aware(day: datetime.date) -> datetime.datetime:
    """An evening of that day, or now for today: the demo never writes a moment to come."""
    return min(
        timezone.make_aware(datetime.datetime.combine(day, datetime.time(18, 0))), timezone.now()
    )

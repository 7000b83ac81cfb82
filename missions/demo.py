"""Demo missions, so that `make run` shows the loop alive: needs of Orléans registered by its
CCAS for people who agreed to it, collective actions across the Loiret, an association with its
referent, volunteers matched, actions done with their hours validated, a waiting list, a request
for a hand waiting for the mairie, and the demo resident's own missions (one accepted, one
invitation to answer, one to say how it went).

Written straight to the tables, past missions included (the services refuse a date gone by),
and no email is sent. Loaded once: a second run changes nothing."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from territories.models import Commune
from volunteers.models import CivicHour, Skill, Volunteer

from .models import Association, Beneficiary, HelpRequest, Mission, Participation

Status = Participation.Status
Kind = Mission.Kind
ASSOCIATION_NAME = "Épicerie solidaire de La Source"

# Registered by the CCAS of Orléans on their behalf. Phone numbers from the range the ARCEP
# keeps for fiction (02 61 91 …).
PEOPLE = {
    "marcelle": ("Marcelle Dupuis", "Saint-Marceau", "02 61 91 00 01", "12 rue des Tilleuls",
                 "Des courses le samedi matin.", "Marche avec une canne ; 3e étage sans "
                 "ascenseur.", Beneficiary.Consent.PHONE),
    "jean": ("Jean Morel", "La Source", "02 61 91 00 02", "4 allée Pierre-Chevallier",
             "Déclarer ses revenus en ligne.", "Entend mal au téléphone : préférer passer.",
             Beneficiary.Consent.IN_PERSON),
    "simone": ("Simone Lefort", "Argonne", "02 61 91 00 03", "27 rue de la Borde",
               "Une visite par semaine, pour parler.", "", Beneficiary.Consent.PAPER),
    "raymond": ("Raymond Perrot", "Madeleine", "02 61 91 00 04", "8 rue Porte-Madeleine",
                "Être accompagné chez le médecin.", "Fauteuil roulant pliant.",
                Beneficiary.Consent.PHONE),
}  # fmt: skip


def _at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment `days` from today, at that local time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class _Demo:
    def __init__(self, *, resident, commune_staff, department_staff):
        self.rng = random.Random(14)
        self.resident = resident.volunteer
        self.commune_staff, self.department_staff = commune_staff, department_staff
        self.orleans = Commune.objects.get(insee_code="45234")
        self.missions = 0

    def volunteers(self, commune, count: int) -> list[Volunteer]:
        """`count` demo volunteers of the commune (fewer if it has fewer), the resident aside."""
        people = list(
            Volunteer.objects.filter(commune=commune, user__isnull=False)
            .exclude(pk=self.resident.pk)
            .order_by("pk")[:200]
        )
        return self.rng.sample(people, min(count, len(people)))

    def mission(self, *, days: int, hour: int, minute: int = 0, skills=(), **fields) -> Mission:
        fields.setdefault("commune", self.orleans)
        fields.setdefault("posted_by", self.commune_staff)
        starts_at = _at(days, hour, minute)
        mission = Mission.objects.create(
            starts_at=starts_at, created_at=min(starts_at, timezone.now()) - datetime.timedelta(7),
            **fields,
        )  # fmt: skip
        mission.skills.set(Skill.objects.filter(slug__in=skills))
        self.missions += 1
        return mission

    def take_part(self, mission: Mission, volunteers, status=Status.ACCEPTED) -> None:
        """These volunteers on the mission; a mission gone by with them DONE counts their hour,
        validated by the mission."""
        now = timezone.now()
        past = mission.starts_at < now
        for volunteer in volunteers:
            hour = None
            if status == Status.DONE:
                hour = CivicHour.objects.create(
                    volunteer=volunteer,
                    done_on=mission.day,
                    minutes=mission.minutes,
                    note=f"Mission : {mission.title}"[:280],
                    source=CivicHour.Source.MISSION,
                    created_at=min(mission.ends_at + datetime.timedelta(hours=20), now),
                )
            answered = min(mission.created_at + datetime.timedelta(days=1), now)
            Participation.objects.create(
                mission=mission,
                volunteer=volunteer,
                status=status,
                created_at=answered,
                answered_at=answered if status != Status.INVITED else None,
                invited_at=answered if status == Status.INVITED else None,
                invited_by=self.commune_staff if status == Status.INVITED else None,
                accepted_at=answered if status in Participation.HOLDS_A_PLACE else None,
                # Gone by: the day emails are behind it (a scheduler started on the demo must
                # not write them now).
                reminder_sent_at=mission.starts_at if past else None,
                follow_up_sent_at=now if past else None,
                outcome_at=now if status == Status.DONE else None,
                hour=hour,
            )
        if status in Participation.HOLDS_A_PLACE:
            mission.matched_at = mission.matched_at or min(
                mission.created_at + datetime.timedelta(days=1), now
            )
            taken = mission.participations.filter(status__in=Participation.HOLDS_A_PLACE)
            if taken.count() >= mission.places:
                mission.status = Mission.Status.FILLED
            mission.save(update_fields=["matched_at", "status"])

    def done(self, mission: Mission, volunteers) -> None:
        self.take_part(mission, volunteers, Status.DONE)
        mission.status, mission.done_at = Mission.Status.DONE, timezone.now()
        mission.save(update_fields=["status", "done_at"])

    def weekly(self, first: Mission, weeks: int) -> list[Mission]:
        """The occurrences of a weekly need after its first, a week apart."""
        first.recurrence = Mission.Recurrence.WEEKLY
        first.repeat_until = first.day + datetime.timedelta(weeks=weeks)
        first.save(update_fields=["recurrence", "repeat_until"])
        local = timezone.localtime(first.starts_at)
        days = (local.date() - timezone.localdate()).days
        return [
            self.mission(
                days=days + 7 * week,
                hour=local.hour,
                minute=local.minute,
                series=first,
                kind=first.kind,
                title=first.title,
                summary=first.summary,
                details=first.details,
                quartier=first.quartier,
                places=first.places,
                minutes=first.minutes,
                beneficiary=first.beneficiary,
                association=first.association,
                posted_by=first.posted_by,
            )  # fmt: skip
            for week in range(1, weeks + 1)
        ]


@transaction.atomic
def load_demo_missions(*, resident, commune_staff, department_staff, referent) -> int:
    """Create the demo missions once; return how many were created (0 the second time)."""
    if Association.objects.filter(name=ASSOCIATION_NAME).exists():
        return 0
    demo = _Demo(resident=resident, commune_staff=commune_staff, department_staff=department_staff)
    people = {
        key: Beneficiary.objects.create(
            commune=demo.orleans,
            name=name,
            quartier=quartier,
            phone=phone,
            address=address,
            needs=needs,
            constraints=constraints,
            consent_how=consent,
            consent_recorded_by=commune_staff,
            consent_at=timezone.now() - datetime.timedelta(30),
            created_at=timezone.now() - datetime.timedelta(30),
        )  # fmt: skip
        for key, (name, quartier, phone, address, needs, constraints, consent) in PEOPLE.items()
    }
    _neighbours(demo, people)
    _collective_actions(demo)
    _association(demo, referent)
    _across_the_loiret(demo)
    HelpRequest.objects.create(
        commune=demo.orleans,
        quartier="Les Blossières",
        name="Lucienne Bertrand",
        phone="02 61 91 00 09",
        for_someone_else=True,
        what="Ma mère ne peut plus changer l'ampoule du plafond de sa cuisine ni descendre "
        "un carton à la cave.",
        when="Un matin de la semaine prochaine",
        created_at=timezone.now() - datetime.timedelta(hours=5),
    )
    return demo.missions


def _neighbours(demo: _Demo, people: dict) -> None:
    """« Entre voisins » in Orléans: the resident's own missions among them."""
    resident = demo.resident
    shopping = demo.mission(
        days=3, hour=10, kind=Kind.NEIGHBOURS, quartier="Saint-Marceau", beneficiary=people["marcelle"],
        title="Courses pour une voisine de Saint-Marceau",
        summary="Faire les courses d'une voisine âgée qui ne peut plus porter : une liste, le "
        "supermarché de l'avenue, et un moment pour discuter en rangeant.",
        details="Sonnez à l'interphone « Dupuis » ; elle vous donnera la liste et l'argent.",
    )  # fmt: skip
    demo.take_part(shopping, [resident])
    demo.take_part(shopping, demo.volunteers(demo.orleans, 1), Status.REFUSED)

    forms = demo.mission(
        days=5, hour=14, kind=Kind.NEIGHBOURS, quartier="La Source", beneficiary=people["jean"],
        minutes=90, skills=["numerique", "demarches"],
        title="Aide pour une déclaration en ligne",
        summary="Aider un voisin à remplir sa déclaration de revenus sur internet, chez lui, "
        "avec ses papiers.",
        details="Apporter de quoi noter le mot de passe qu'il choisira.",
    )  # fmt: skip
    demo.take_part(forms, demo.volunteers(demo.orleans, 2), Status.OFFERED)
    demo.take_part(forms, [resident], Status.INVITED)

    visit = demo.mission(
        days=2, hour=15, kind=Kind.NEIGHBOURS, quartier="Argonne", beneficiary=people["simone"],
        title="Visite de convivialité dans l'Argonne",
        summary="Une heure de conversation chaque semaine avec une voisine qui vit seule.",
    )  # fmt: skip
    visitor = demo.volunteers(demo.orleans, 1)
    for occurrence in [visit, *demo.weekly(visit, weeks=7)][:3]:
        demo.take_part(occurrence, visitor)

    doctor = demo.mission(
        days=-9, hour=9, minute=30, kind=Kind.NEIGHBOURS, quartier="Madeleine",
        beneficiary=people["raymond"], minutes=120, skills=["conduite"],
        title="Accompagnement chez le médecin",
        summary="Conduire un voisin à son rendez-vous médical et le ramener.",
    )  # fmt: skip
    demo.done(doctor, demo.volunteers(demo.orleans, 1))

    # Yesterday: the resident has still to say how it went.
    call = demo.mission(
        days=-1, hour=11, kind=Kind.NEIGHBOURS, quartier="Saint-Marceau",
        beneficiary=people["marcelle"], minutes=30,
        title="Appel de courtoisie à une voisine",
        summary="Un coup de téléphone pour prendre des nouvelles d'une voisine qui vit seule.",
    )  # fmt: skip
    demo.take_part(call, [resident])


def _collective_actions(demo: _Demo) -> None:
    clean_up = demo.mission(
        days=10, hour=9, kind=Kind.COLLECTIVE, quartier="Saint-Marceau", places=15,
        minutes=180, title="Nettoyage des bords de Loire",
        summary="Ramasser les déchets le long de la Loire, des gants et des sacs fournis. "
        "Rendez-vous au pont George-V.",
    )  # fmt: skip
    demo.take_part(clean_up, demo.volunteers(demo.orleans, 8))

    bikes = demo.mission(
        days=6, hour=14, kind=Kind.COLLECTIVE, quartier="Dunois", places=4, minutes=120,
        skills=["bricolage"], title="Atelier de réparation de vélos",
        summary="Remettre en état les vélos des voisins du quartier, avec les outils de la "
        "maison de quartier.",
    )  # fmt: skip
    crew = demo.volunteers(demo.orleans, 6)
    demo.take_part(bikes, crew[:4])
    demo.take_part(bikes, crew[4:], Status.WAITING)

    meal = demo.mission(
        days=-20, hour=12, kind=Kind.COLLECTIVE, quartier="La Source", places=10, minutes=150,
        title="Repas partagé de quartier",
        summary="Installer les tables, servir et ranger le repas partagé de la place du marché.",
    )  # fmt: skip
    demo.done(meal, demo.volunteers(demo.orleans, 6))


def _association(demo: _Demo, referent) -> None:
    grocery = Association.objects.create(
        commune=demo.orleans,
        name=ASSOCIATION_NAME,
        description="Une épicerie où les familles aidées par le CCAS font leurs courses à "
        "petit prix.",
    )
    grocery.referents.add(referent)
    saturday = demo.mission(
        days=-6, hour=9, minute=30, kind=Kind.ASSOCIATION, association=grocery,
        quartier="La Source", places=3, minutes=150, posted_by=referent,
        title="Mise en rayon à l'épicerie solidaire",
        summary="Réceptionner la livraison de la banque alimentaire et remplir les rayons, en "
        "équipe avec les bénévoles de l'association.",
    )  # fmt: skip
    team = demo.volunteers(demo.orleans, 3)
    demo.done(saturday, team[:2])
    next_saturday, *_ = demo.weekly(saturday, weeks=5)
    demo.take_part(next_saturday, team[1:])


def _across_the_loiret(demo: _Demo) -> None:
    """A collective action to come and one done, in the largest communes of the Loiret."""
    communes = (
        Commune.objects.filter(department__code="45")
        .exclude(pk=demo.orleans.pk)
        .order_by("-population")[:3]
    )
    for index, commune in enumerate(communes):
        collection = demo.mission(
            days=8 + index, hour=10, kind=Kind.COLLECTIVE, commune=commune, places=8,
            posted_by=demo.department_staff, title="Collecte pour la banque alimentaire",
            summary="Accueillir les clients à l'entrée du supermarché et trier les dons.",
        )  # fmt: skip
        helpers = demo.volunteers(commune, 3)
        demo.take_part(collection, helpers[:2])
        garden = demo.mission(
            days=-12 - index, hour=14, kind=Kind.COLLECTIVE, commune=commune, places=6,
            posted_by=demo.department_staff, skills=["jardinage"],
            title="Plantations au jardin partagé",
            summary="Préparer les carrés du jardin partagé et planter avec les écoliers.",
        )  # fmt: skip
        demo.done(garden, helpers)
        demo.mission(
            days=4 + index, hour=17, kind=Kind.NEIGHBOURS, commune=commune,
            posted_by=demo.department_staff, title="Lecture du courrier à un voisin malvoyant",
            summary="Lire et trier le courrier d'un voisin qui ne voit plus assez.",
        )  # fmt: skip

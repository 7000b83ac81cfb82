"""Demo signatures of the Appel, for `make run`: invented elected officials, most of them
verified, a few waiting for the Loiret and Orléans staff to check their mandate; and a message
of the Orléans CCAS to its volunteers, with its answers."""

import datetime

from django.utils import timezone

from territories.models import Commune, Department, Territory

from .models import Mandate, Signature

M = Mandate
# (first name, last name, mandate, INSEE code of the commune or code of the department, word)
VERIFIED = [
    ("Marc", "Gaudet", M.DEPARTMENT_PRESIDENT, "45",
     "Le Loiret s'engage : chaque habitant a une heure à offrir, et chaque heure compte. Nos "
     "services, nos maisons du département et nos partenaires associatifs seront aux côtés "
     "des communes pour faire vivre l'Heure Civique."),
    ("Claire", "Morin", M.MAYOR, "45234",
     "À Orléans, le CCAS ouvre ses portes aux volontaires : venez donner votre heure."),
    ("Thierry", "Lemaire", M.DEPUTY_MAYOR, "45234", ""),
    ("Sonia", "Benali", M.MUNICIPAL_COUNCILLOR, "45234", ""),
    ("Patrick", "Rousseau", M.MAYOR, "45284",
     "La solidarité de voisinage est la première des politiques sociales."),
    ("Isabelle", "Fontaine", M.MAYOR, "45285", ""),
    ("Jérôme", "Perret", M.MAYOR, "45155", "Gien répond présent."),
    ("Nathalie", "Caron", M.DEPARTMENT_COUNCILLOR, "45", ""),
    ("Bernard", "Lefort", M.DEPARTMENT_COUNCILLOR, "45",
     "Dans nos cantons ruraux, l'entraide entre voisins n'est pas un luxe : c'est une nécessité."),
    ("Aurélie", "Masson", M.MP, "45", ""),
    ("Hélène", "Garnier", M.SENATOR, "45", ""),
    ("Philippe", "Aubert", M.MAYOR, "45208", ""),
    ("Laurence", "Vidal", M.DEPARTMENT_PRESIDENT, "33",
     "La Gironde soutient l'Heure Civique : une heure par mois, c'est un lien qui se tisse."),
    ("Olivier", "Lacoste", M.MAYOR, "33063", "Bordeaux s'engage, quartier par quartier."),
    ("Fatima", "Haddad", M.DEPUTY_MAYOR, "33063", ""),
    ("Julien", "Darrieux", M.MAYOR, "33281", ""),
    ("Sophie", "Marty", M.DEPARTMENT_COUNCILLOR, "33", ""),
    ("Michel", "Bonnet", M.MAYOR, "69123", "Lyon sera au rendez-vous de la solidarité de proximité."),
    ("Catherine", "Roux", M.MAYOR, "44109", ""),
    ("Alain", "Chevalier", M.MAYOR, "35238", ""),
    ("Valérie", "Brun", M.REGIONAL_COUNCILLOR, "35", ""),
    ("Karim", "Mansouri", M.MAYOR, "59350", "À Lille, la fraternité se vit d'abord entre voisins."),
    ("Élodie", "Guérin", M.MUNICIPAL_COUNCILLOR, "31555", ""),
    ("François", "Lambert", M.SENATOR, "67", ""),
]  # fmt: skip
WAITING = [
    ("Damien", "Mercier", M.MUNICIPAL_COUNCILLOR, "45234", "Fier de signer pour mon quartier."),
    ("Corinne", "Blanchard", M.MAYOR, "45302", ""),
    ("Yann", "Le Goff", M.DEPARTMENT_COUNCILLOR, "45", ""),
]


# The demo's women, whose titles are written in the feminine, as they would choose when signing.
WOMEN = {
    "Aurélie", "Catherine", "Claire", "Corinne", "Élodie", "Fatima", "Hélène", "Isabelle",
    "Laurence", "Nathalie", "Sonia", "Sophie", "Valérie",
}  # fmt: skip


def _signature(number, first, last, mandate, place, word, status):
    fields = {
        "first_name": first,
        "last_name": last,
        "mandate": mandate,
        "feminine": first in WOMEN,
        "word": word,
    }
    if len(place) == 5:
        commune = Commune.objects.filter(insee_code=place).select_related("department").first()
        if commune is None:
            return None
        fields |= {"commune": commune, "department": commune.department}
    else:
        department = Department.objects.filter(code=place).first()
        if department is None:
            return None
        fields["department"] = department
    created = timezone.now() - datetime.timedelta(days=60 - number)
    return Signature.objects.create(
        email=f"{first}.{last}@elus.demo.test".lower().replace(" ", "-"),
        status=status,
        created_at=created,
        confirmed_at=created + datetime.timedelta(hours=2),
        verified_at=created + datetime.timedelta(days=2)
        if status == Signature.Status.VERIFIED
        else None,
        **fields,
    )


def load_demo_signatures() -> int:
    """Create the demo signatures once; return how many are published."""
    if Signature.objects.exists():
        return 0
    published = 0
    for number, row in enumerate(VERIFIED):
        if _signature(number, *row, Signature.Status.VERIFIED):
            published += 1
    for number, row in enumerate(WAITING, start=len(VERIFIED)):
        _signature(number, *row, Signature.Status.PENDING)
    return published


def load_demo_watch(*, commune_staff) -> int:
    """The heatwave watch of Orléans, ready for the next alert: the people helped of the demo
    flagged to be called, each with the volunteers of their quartier the portal suggests first
    (one has not answered yet). No email is written. Returns how many people are watched."""
    from missions.models import Beneficiary

    from . import watch
    from .models import WatchPairing

    if WatchPairing.objects.exists():
        return 0
    people = list(
        Beneficiary.objects.filter(commune__insee_code="45234", anonymised_at__isnull=True)
        .exclude(phone="")
        .order_by("pk")[:3]
    )
    for person in people:
        person.watched = True
        person.save(update_fields=["watched"])
    now = timezone.now()
    for number, person in enumerate(people):
        for volunteer in watch.suggest(person, limit=2 if number == 0 else 1):
            WatchPairing.objects.create(
                beneficiary=person,
                volunteer=volunteer,
                proposed_by=commune_staff,
                status=WatchPairing.Status.CONFIRMED
                if number < 2
                else WatchPairing.Status.PROPOSED,
                answered_at=now if number < 2 else None,
            )
    return len(people)


def load_demo_calls(*, commune_staff) -> int:
    """A message of the Orléans CCAS to the volunteers of Orléans, sent three days ago, with its
    answers, and a draft waiting to be checked and sent; return how many received the first.
    No email goes out: the rows are written as the sending left them."""
    from volunteers.models import Volunteer

    from .models import Campaign, CampaignDelivery

    if Campaign.objects.exists():
        return 0
    orleans = Territory.objects.filter(kind=Territory.Kind.COMMUNE, commune__insee_code="45234")
    orleans = orleans.first()
    if orleans is None:
        return 0
    sent_at = timezone.now() - datetime.timedelta(days=3)
    sent = Campaign.objects.create(
        territory=orleans,
        subject="Colis de fin d'année : qui peut aider samedi matin ?",
        body="Le CCAS prépare les colis de fin d'année des personnes âgées isolées.\n\n"
        "Nous cherchons des bras samedi de 9 h à 11 h, salle Eiffel, pour les remplir et les "
        "porter chez les voisins qui ne peuvent pas se déplacer.",
        asks_availability=True,
        status=Campaign.Status.SENT,
        created_by=commune_staff,
        created_at=sent_at - datetime.timedelta(hours=1),
        sent_by=commune_staff,
        sent_at=sent_at,
    )
    volunteers = list(
        Volunteer.objects.filter(
            commune=orleans.commune, user__isnull=False, contact_consent_at__isnull=False
        ).order_by("pk")[:40]
    )
    answers = [CampaignDelivery.Answer.AVAILABLE] * 3 + [CampaignDelivery.Answer.UNAVAILABLE, ""]
    CampaignDelivery.objects.bulk_create(
        [
            CampaignDelivery(
                campaign=sent,
                volunteer=volunteer,
                status=CampaignDelivery.Status.WRITTEN,
                created_at=sent_at,
                enqueued_at=sent_at,
                sent_at=sent_at,
                answer=answers[number % len(answers)],
                answered_at=sent_at + datetime.timedelta(hours=number) if number % 5 < 4 else None,
            )
            for number, volunteer in enumerate(volunteers)
        ]
    )
    Campaign.objects.filter(pk=sent.pk).update(recipient_count=len(volunteers))
    Campaign.objects.create(
        territory=orleans,
        subject="Jardin partagé de l'Argonne : une matinée de plantations",
        body="Le jardin partagé de l'Argonne replante ses carrés au printemps. Venez avec vos "
        "gants : outils et café fournis.",
        quartier="Argonne",
        created_by=commune_staff,
    )
    return len(volunteers)

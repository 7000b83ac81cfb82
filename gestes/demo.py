"""Demo ideas in the idea box: a few waiting for the Loiret moderators, one of Orléans' own."""

from django.contrib.auth import get_user_model

from territories.models import Territory

from .models import Geste, Theme

PROPOSALS = [
    {
        "title": "Installer un banc de l'amitié devant la boulangerie",
        "summary": "Un banc où l'on s'assoit quand on a envie de discuter avec quelqu'un.",
        "how_to": "Avec la mairie, choisissez un banc bien placé et signalez-le par un petit "
        "panneau : s'y asseoir, c'est dire qu'on accepte volontiers une conversation.\n"
        "Passez-y une heure de temps en temps pour lancer l'habitude.",
        "themes": ["culture-lien-social", "personnes-agees"],
        "kind": Geste.Kind.COLLECTIVE,
        "status": Geste.Status.PROPOSED,
    },
    {
        "title": "Accompagner les courses du samedi à vélo-cargo",
        "summary": "Livrer à vélo les courses des voisins qui ne peuvent pas porter.",
        "how_to": "Avec un vélo-cargo prêté par l'association de quartier, proposez de rapporter "
        "du marché les courses de deux ou trois voisins âgés le samedi matin.",
        "themes": ["entraide-quotidien", "environnement"],
        "kind": Geste.Kind.PERSON,
        "status": Geste.Status.PROPOSED,
    },
    {
        "title": "Vendre des objets sur internet pour un voisin",
        "summary": "Mettre en vente les affaires d'un voisin et garder une commission.",
        "how_to": "Je propose de vendre pour lui et de garder une partie de la vente.",
        "themes": ["numerique"],
        "kind": Geste.Kind.PERSON,
        "status": Geste.Status.REJECTED,
        "moderation_note": "Un geste de l'Heure Civique est bénévole : il ne peut pas donner "
        "lieu à une rémunération, même partielle.",
    },
]
ORLEANS_GESTE = {
    "title": "Lire à voix haute aux Fêtes de Jeanne d'Arc",
    "summary": "Raconter l'histoire de la ville aux enfants pendant les fêtes de mai.",
    "how_to": "Pendant les Fêtes de Jeanne d'Arc, la médiathèque cherche des lecteurs bénévoles "
    "pour raconter l'histoire d'Orléans aux enfants, place de l'Étape.\n"
    "Inscrivez-vous auprès de la médiathèque : les textes vous sont fournis.",
    "themes": ["culture-lien-social", "enfance-jeunesse"],
    "kind": Geste.Kind.COLLECTIVE,
    "status": Geste.Status.PUBLISHED,
    "months": 1 << 5,
}


def load_demo_gestes() -> int:
    """Create the demo ideas once; return how many were created."""
    if Geste.objects.filter(territory__isnull=False).exists():
        return 0
    loiret = Territory.objects.get(slug="loiret")
    orleans = Territory.objects.get(slug="orleans")
    author = get_user_model().objects.get(email="habitant@demo.test")
    created = 0
    for spec, territory in [(p, loiret) for p in PROPOSALS] + [(ORLEANS_GESTE, orleans)]:
        spec = dict(spec)
        themes = Theme.objects.filter(slug__in=spec.pop("themes"))
        geste = Geste.objects.create(territory=territory, proposed_by=author, **spec)
        geste.themes.set(themes)
        created += 1
    return created

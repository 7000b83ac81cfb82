"""The national kits of the toolbox; their documents are generated in each portal's colours."""

from django.db import migrations

KITS = [
    {
        "slug": "kit-de-lancement",
        "title": "Kit de lancement",
        "description": "Tout ce qu'il faut à une mairie pour lancer l'Heure Civique : le guide "
        "pas à pas, la lettre aux habitants, le communiqué de presse, la charte entre la mairie "
        "et les volontaires, et les affiches à vos couleurs.",
        "audience": "mairies",
        "topic": "lancement",
        "resources": [
            (
                "guide-lancement",
                "Guide : lancer l'Heure Civique dans sa commune",
                "Les cinq étapes, de l'appel des élus au remerciement des volontaires.",
            ),
            (
                "lettre-habitants",
                "Lettre aux habitants",
                "À glisser dans le bulletin municipal ou dans les boîtes aux lettres.",
            ),
            ("communique-presse", "Communiqué de presse", "Pour annoncer le lancement."),
            (
                "charte-benevole",
                "Charte entre la mairie et le volontaire",
                "Les engagements de chacun, à signer ensemble.",
            ),
            (
                "affiche-lancement",
                "Affiche de lancement (A4)",
                "Avec le code QR vers l'inscription sur votre portail.",
            ),
            (
                "affiche-lancement-a3",
                "Affiche de lancement (A3)",
                "Le même modèle, pour les panneaux d'affichage.",
            ),
        ],
    },
    {
        "slug": "kit-entraide-de-crise",
        "title": "Kit Coronavirus et entraide de crise",
        "description": "Épidémie, canicule, grand froid, inondation : quand les plus fragiles "
        "sont isolés, ces documents aident les voisins à se faire connaître et à s'organiser.",
        "audience": "habitants",
        "topic": "entraide",
        "resources": [
            (
                "affiche-entraide",
                "Affiche « Et si on s'organisait entre voisins ? »",
                "À afficher dans le hall, avec des lignes à compléter.",
            ),
            (
                "avis-de-porte",
                "Avis de porte « Besoin d'un coup de main ? »",
                "Deux avis par feuille, à glisser sous les portes de vos voisins.",
            ),
            (
                "annuaire-voisins",
                "Annuaire des voisins solidaires",
                "Une feuille où chacun inscrit ce qu'il peut offrir.",
            ),
        ],
    },
    {
        "slug": "le-noel-des-voisins",
        "title": "Le Noël des Voisins",
        "description": "Un goûter ou un apéritif de fête entre voisins, pour que personne ne "
        "passe décembre seul : l'affiche et les invitations.",
        "audience": "habitants",
        "topic": "fetes",
        "resources": [
            ("affiche-noel", "Affiche du Noël des Voisins", "Avec la date et le lieu à compléter."),
            ("invitation-noel", "Invitations", "Deux invitations par feuille, à découper."),
        ],
    },
    {
        "slug": "kit-communication",
        "title": "Kit communication",
        "description": "Des visuels pour les réseaux sociaux et les sites internet, et l'affiche "
        "de lancement, pour faire connaître l'Heure Civique sur votre territoire.",
        "audience": "mairies",
        "topic": "communication",
        "resources": [
            (
                "visuel-reseaux",
                "Visuel carré pour les réseaux sociaux",
                "1080 × 1080 pixels, avec le code QR vers l'inscription.",
            ),
            (
                "banniere",
                "Bannière pour un site ou une page",
                "1500 × 500 pixels, pour l'en-tête d'une page ou d'un site.",
            ),
            ("affiche-lancement", "Affiche de lancement (A4)", "À imprimer ou à partager."),
        ],
    },
    {
        "slug": "kit-des-equipes",
        "title": "Kit des équipes départementales",
        "description": "Pour les référents départementaux et les agents : le guide de lancement "
        "et le communiqué, à adapter avant de les transmettre aux communes.",
        "audience": "departements",
        "topic": "lancement",
        "is_public": False,
        "resources": [
            ("guide-lancement", "Guide : lancer l'Heure Civique dans sa commune", ""),
            ("communique-presse", "Communiqué de presse", ""),
        ],
    },
]
FORMATS = {"visuel-reseaux": "png", "banniere": "png"}


def create_kits(apps, schema_editor):
    Kit = apps.get_model("outils", "Kit")
    Resource = apps.get_model("outils", "Resource")
    for position, spec in enumerate(KITS):
        spec = dict(spec)
        resources = spec.pop("resources")
        kit, _created = Kit.objects.update_or_create(
            slug=spec.pop("slug"), defaults={**spec, "position": position, "territory": None}
        )
        for order, (template, title, description) in enumerate(resources):
            Resource.objects.update_or_create(
                kit=kit,
                template=template,
                defaults={
                    "title": title,
                    "description": description,
                    "format": FORMATS.get(template, "pdf"),
                    "position": order,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("outils", "0001_initial")]

    operations = [migrations.RunPython(create_kits, migrations.RunPython.noop)]

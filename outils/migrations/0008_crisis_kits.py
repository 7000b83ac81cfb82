"""A kit per kind of crisis (canicule, grand froid, inondation, épidémie), generated in each
portal's colours: the crisis mode of mobilisation puts it first in the toolbox while it runs."""

from django.db import migrations

KITS = [
    (
        "canicule",
        "Kit canicule",
        "Pendant une canicule : que faire pour soi et pour ses voisins âgés ou isolés, les "
        "signes d'un coup de chaleur, les numéros utiles, et une affiche pour le hall.",
    ),
    (
        "grand-froid",
        "Kit grand froid",
        "Pendant un épisode de grand froid : prendre des nouvelles des plus fragiles, éviter "
        "le monoxyde de carbone, aider les personnes à la rue, et une affiche pour le hall.",
    ),
    (
        "inondation",
        "Kit inondation",
        "Avant, pendant et après une crue : se préparer, protéger les voisins les plus "
        "fragiles, s'entraider pour nettoyer et déclarer, et une affiche pour le hall.",
    ),
    (
        "epidemie",
        "Kit épidémie",
        "Pendant une épidémie : les gestes barrières, les courses et les appels pour ceux qui "
        "doivent rester chez eux, les signes d'alerte, et une affiche pour le hall.",
    ),
]


def create_crisis_kits(apps, schema_editor):
    Kit = apps.get_model("outils", "Kit")
    Resource = apps.get_model("outils", "Resource")
    for position, (kind, title, description) in enumerate(KITS, start=20):
        kit, _created = Kit.objects.update_or_create(
            slug=f"kit-{kind}",
            defaults={
                "title": title,
                "description": description,
                "audience": "habitants",
                "topic": "entraide",
                "territory": None,
                "is_public": True,
                "position": position,
            },
        )
        resources = [
            (f"fiche-{kind}", "Que faire : la fiche conseils", "Deux pages à lire, à imprimer "
             "et à laisser chez un voisin."),
            (f"affiche-{kind}", "Affiche pour le hall (A4)", "Avec le code QR vers "
             "l'inscription des voisins disponibles."),
            ("avis-de-porte", "Avis de porte « Besoin d'un coup de main ? »", "Deux avis par "
             "feuille, à glisser sous les portes."),
        ]  # fmt: skip
        for order, (template, resource_title, resource_description) in enumerate(resources):
            Resource.objects.update_or_create(
                kit=kit,
                template=template,
                defaults={
                    "title": resource_title,
                    "description": resource_description,
                    "format": "pdf",
                    "position": order,
                },
            )


def remove_crisis_kits(apps, schema_editor):
    Kit = apps.get_model("outils", "Kit")
    Kit.objects.filter(slug__in=[f"kit-{kind}" for kind, _t, _d in KITS]).delete()


class Migration(migrations.Migration):
    dependencies = [("outils", "0007_download_by_day")]

    operations = [migrations.RunPython(create_crisis_kits, remove_crisis_kits)]

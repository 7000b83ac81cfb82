"""A kit for any other alert (a water cut, a storm…): the crisis mode of mobilisation puts it
first in the toolbox while a crisis of kind « autre » runs, instead of the Kit Coronavirus."""

from django.db import migrations

SLUG = "kit-alerte"


def create_alert_kit(apps, schema_editor):
    Kit = apps.get_model("outils", "Kit")
    Resource = apps.get_model("outils", "Resource")
    kit, _created = Kit.objects.update_or_create(
        slug=SLUG,
        defaults={
            "title": "Kit alerte",
            "description": "Coupure d'eau ou d'électricité, tempête, incendie : quand une alerte "
            "touche la commune, que faire pour soi et pour ses voisins fragiles, les numéros "
            "utiles, et une affiche pour le hall.",
            "audience": "habitants",
            "topic": "entraide",
            "territory": None,
            "is_public": True,
            "position": 24,
        },
    )
    resources = [
        ("fiche-alerte", "Que faire : la fiche conseils", "Deux pages à lire, à imprimer et à "
         "laisser chez un voisin."),
        ("affiche-alerte", "Affiche pour le hall (A4)", "Avec le code QR vers l'inscription des "
         "voisins disponibles."),
        ("avis-de-porte", "Avis de porte « Besoin d'un coup de main ? »", "Deux avis par "
         "feuille, à glisser sous les portes."),
    ]  # fmt: skip
    for order, (template, title, description) in enumerate(resources):
        Resource.objects.update_or_create(
            kit=kit,
            template=template,
            defaults={
                "title": title,
                "description": description,
                "format": "pdf",
                "position": order,
            },
        )


def remove_alert_kit(apps, schema_editor):
    apps.get_model("outils", "Kit").objects.filter(slug=SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [("outils", "0008_crisis_kits")]

    operations = [migrations.RunPython(create_alert_kit, remove_alert_kit)]

from django.db import migrations

THEMES = [
    ("personnes-agees", "Personnes âgées"),
    ("enfance-jeunesse", "Enfance et jeunesse"),
    ("entraide-quotidien", "Entraide du quotidien"),
    ("numerique", "Numérique"),
    ("environnement", "Environnement"),
    ("culture-lien-social", "Culture et lien social"),
    ("sante-prevention", "Santé et prévention"),
    ("animaux", "Animaux"),
]


def create_themes(apps, schema_editor):
    Theme = apps.get_model("gestes", "Theme")
    for position, (slug, name) in enumerate(THEMES):
        Theme.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("gestes", "0001_initial")]

    operations = [migrations.RunPython(create_themes, migrations.RunPython.noop)]

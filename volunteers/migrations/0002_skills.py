from django.db import migrations

SKILLS = [
    ("bricolage", "Bricolage et petites réparations"),
    ("jardinage", "Jardinage"),
    ("cuisine", "Cuisine"),
    ("numerique", "Informatique et numérique"),
    ("demarches", "Démarches administratives"),
    ("soutien-scolaire", "Soutien scolaire"),
    ("langues", "Langues étrangères"),
    ("conduite", "Conduite : j'ai une voiture"),
    ("ecoute", "Écoute et accompagnement"),
    ("animation", "Animation, musique, arts"),
    ("secourisme", "Premiers secours"),
    ("couture", "Couture et tricot"),
    ("sport", "Sport et activité physique"),
]


def create_skills(apps, schema_editor):
    Skill = apps.get_model("volunteers", "Skill")
    for position, (slug, name) in enumerate(SKILLS):
        Skill.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(create_skills, migrations.RunPython.noop)]

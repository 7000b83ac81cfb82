"""The editable letter of the launch kit is generated for each portal (its address, colours and
signatory), instead of one uploaded file that named no portal."""

from django.db import migrations

TITLE = "Lettre aux habitants, version modifiable"


def add_editable_letter(apps, schema_editor):
    Kit = apps.get_model("outils", "Kit")
    Resource = apps.get_model("outils", "Resource")
    kit = Kit.objects.filter(slug="kit-de-lancement").first()
    if kit is None:
        return
    # The demo used to upload the same letter as a file: it gives way to the generated one.
    Resource.objects.filter(kit=kit, title=TITLE, template="").delete()
    Resource.objects.update_or_create(
        kit=kit,
        template="lettre-habitants-modifiable",
        defaults={
            "title": TITLE,
            "description": "La même lettre à vos couleurs, à adapter dans votre traitement "
            "de texte (LibreOffice, Word).",
            "format": "odt",
            "position": 1,
        },
    )


def remove_editable_letter(apps, schema_editor):
    Resource = apps.get_model("outils", "Resource")
    Resource.objects.filter(template="lettre-habitants-modifiable").delete()


class Migration(migrations.Migration):
    dependencies = [("outils", "0005_agent_words_in_the_admin")]

    operations = [migrations.RunPython(add_editable_letter, remove_editable_letter)]

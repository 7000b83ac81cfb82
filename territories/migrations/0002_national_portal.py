from django.db import migrations


def create_national_portal(apps, schema_editor):
    # The national portal always exists: every unknown host falls back to it.
    Territory = apps.get_model("territories", "Territory")
    Territory.objects.get_or_create(
        kind="national",
        defaults={
            "slug": "national",
            "name": "France",
            "primary_color": "#1b3a6b",
            "secondary_color": "#ffd27a",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("territories", "0001_initial")]

    operations = [migrations.RunPython(create_national_portal, migrations.RunPython.noop)]

"""Custom domains move from a text field to a table with a unique index: no two portals can
share an address, and none can take the portal domain or its sub-domains."""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
from django.core.exceptions import ValidationError
from django.core.validators import validate_domain_name
from django.db import migrations, models

import territories.models


def move_hosts(apps, schema_editor):
    """Each domain to the first portal (by id) that listed it; reserved or invalid ones are
    dropped, since they could only ever have hijacked another portal's address."""
    Territory = apps.get_model("territories", "Territory")
    PortalHost = apps.get_model("territories", "PortalHost")
    taken = set()
    for territory in Territory.objects.order_by("pk"):
        for line in territory.hosts.splitlines():
            name = line.strip().lower().rstrip(".")
            if not name or name in taken or territories.models.reserved_host_reason(name):
                continue
            try:
                validate_domain_name(name)
            except ValidationError:
                continue
            taken.add(name)
            PortalHost.objects.create(territory=territory, name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0004_membership_summary_enabled"),
    ]

    operations = [
        migrations.AlterField(
            model_name="territory",
            name="slug",
            field=models.SlugField(
                help_text="Donne l'adresse du portail : loiret → loiret.lheurecivique.fr.",
                max_length=60,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
                        "Des lettres minuscules sans accent, des chiffres et des tirets, sans tiret au début ni à la fin : il forme l'adresse du portail.",
                    ),
                    territories.models.validate_portal_slug,
                ],
                verbose_name="identifiant",
            ),
        ),
        migrations.CreateModel(
            name="PortalHost",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        error_messages={"unique": "Ce nom de domaine mène déjà à un portail."},
                        help_text="Par exemple heurecivique.orleans.fr. Il doit aussi être dirigé vers le site et ajouté par l'équipe technique à DJANGO_ALLOWED_HOSTS.",
                        max_length=253,
                        unique=True,
                        verbose_name="nom de domaine",
                    ),
                ),
                (
                    "territory",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="custom_hosts",
                        to="territories.territory",
                        verbose_name="portail",
                    ),
                ),
            ],
            options={
                "verbose_name": "autre nom de domaine",
                "verbose_name_plural": "autres noms de domaine",
                "ordering": ["name"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("name", django.db.models.functions.text.Lower("name"))),
                        name="territories_portalhost_lowercase",
                    )
                ],
            },
        ),
        migrations.RunPython(move_hosts, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="territory",
            name="hosts",
        ),
    ]

"""The follow-up log kept the SMTP server's message, which repeats the recipient's address:
staff could read the address of a volunteer who had not agreed to be contacted. Keep the kind
of error only, as the sending now records it (heurecivique.email.describe_failure)."""

import re

from django.db import migrations

ADDRESS = re.compile(r"[^\s<>'\"{}:]+@[^\s<>'\"{}:,]+")


def forget_addresses(apps, schema_editor):
    Delivery = apps.get_model("volunteers", "Delivery")
    for delivery in Delivery.objects.filter(detail__contains="@").only("pk", "detail"):
        kind = delivery.detail.split(":", 1)[0]
        delivery.detail = "" if ADDRESS.search(kind) else kind
        delivery.save(update_fields=["detail"])


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0005_inactive_accounts"),
    ]

    operations = [migrations.RunPython(forget_addresses, migrations.RunPython.noop)]

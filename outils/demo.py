"""Demo content of the toolbox: a kit reserved to the Loiret teams, and downloads counted on
the demo portals."""

import random

from territories.models import Territory

from .models import Download, Kit, Resource


def load_demo_outils() -> int:
    """Create the demo content once; return how many downloads were counted."""
    loiret = Territory.objects.get(slug="loiret")
    reserved, created = Kit.objects.get_or_create(
        slug="reunion-des-maires-du-loiret",
        defaults={
            "title": "Réunion des maires du Loiret",
            "description": "Les documents présentés aux maires du Loiret lors du lancement "
            "départemental : le guide et la charte, aux couleurs du Département.",
            "audience": Kit.Audience.MAIRIES,
            "topic": Kit.Topic.LAUNCH,
            "territory": loiret,
            "is_public": False,
        },
    )
    if not created:
        return 0
    for position, (template, title) in enumerate(
        [("guide-lancement", "Guide de lancement"), ("charte-benevole", "Charte du volontaire")]
    ):
        Resource.objects.get_or_create(
            kit=reserved, template=template, defaults={"title": title, "format": "pdf",
                                                       "position": position},
        )  # fmt: skip

    rng = random.Random(45)
    portals = list(Territory.objects.all())
    resources = list(Resource.objects.filter(kit__is_public=True))
    downloads = [
        Download(resource=rng.choice(resources), territory=rng.choice(portals)) for _ in range(240)
    ]
    Download.objects.bulk_create(downloads)
    return len(downloads)

"""Demo content of the toolbox: an editable letter, a kit reserved to the Loiret teams, and
downloads counted on the demo portals."""

import io
import random
import zipfile
from xml.sax.saxutils import escape

from territories.models import Territory

from .models import Download, Kit, Resource
from .services import store_upload

LETTER = [
    "Madame, Monsieur, chers voisins,",
    "Notre commune lance l'Heure Civique, et nous avons besoin de vous.",
    "Le principe est simple : donner une heure par mois pour une action de solidarité près de "
    "chez soi. Faire les courses d'une voisine âgée, appeler une personne qui vit seule, aider "
    "un voisin à remplir un dossier en ligne, participer au nettoyage du square…",
    "Pour vous inscrire, il suffit d'une minute sur le portail de l'Heure Civique, ou d'un "
    "passage à l'accueil de la mairie.",
    "Avec nos sentiments dévoués,",
    "Le Maire",
]


def editable_letter() -> bytes:
    """The letter to residents as an OpenDocument text, for mairies to adapt in their office
    suite (the smallest valid ODT: mimetype, manifest and content)."""
    paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in LETTER)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        f"<office:body><office:text>{paragraphs}</office:text></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.3"'
        ' manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return output.getvalue()


def load_demo_outils() -> int:
    """Create the demo content once; return how many downloads were counted."""
    launch = Kit.objects.get(slug="kit-de-lancement")
    if launch.resources.exclude(file="").exists():
        return 0
    letter = Resource(
        kit=launch,
        title="Lettre aux habitants, version modifiable",
        description="Le texte de la lettre, à adapter dans votre traitement de texte.",
        position=2,
    )
    store_upload(letter, "odt", editable_letter(), preview=None)

    loiret = Territory.objects.get(slug="loiret")
    reserved, _created = Kit.objects.get_or_create(
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

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from territories.models import Territory

# A title is shown on one line (a heading, a link, a file name): a line break typed or pasted in it
# would be lost on the page and kept in the database.
single_line = RegexValidator(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029]",
    inverse_match=True,
    message="Un titre tient sur une seule ligne : retirez le retour à la ligne ou la tabulation.",
)


class KitQuerySet(models.QuerySet):
    def visible_in(self, territory):
        return self.filter(territory.shows())


class Kit(models.Model):
    """A set of resources to launch or run the programme: posters, letters, visuals…"""

    class Audience(models.TextChoices):
        RESIDENTS = "habitants", "Habitants"
        MAIRIES = "mairies", "Mairies et CCAS"
        DEPARTMENTS = "departements", "Départements"

    AUDIENCE_HEADINGS = {
        Audience.RESIDENTS: "Pour les habitants",
        Audience.MAIRIES: "Pour les mairies et les CCAS",
        Audience.DEPARTMENTS: "Pour les départements",
    }

    class Topic(models.TextChoices):
        LAUNCH = "lancement", "Lancer l'Heure Civique"
        MUTUAL_AID = "entraide", "Entraide entre voisins"
        CELEBRATIONS = "fetes", "Fêtes et moments conviviaux"
        COMMUNICATION = "communication", "Communication"

    title = models.CharField("titre", max_length=120, validators=[single_line])
    slug = models.SlugField(
        "adresse de la page",
        max_length=140,
        unique=True,
        help_text="La fin de l'adresse de la page du kit (/outils/…/). La changer casse les "
        "liens déjà partagés.",
    )
    description = models.TextField("description")
    audience = models.CharField("pour qui", max_length=12, choices=Audience.choices)
    topic = models.CharField("thème", max_length=14, choices=Topic.choices)
    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="kits",
        verbose_name="territoire",
        help_text="Vide : un kit national, proposé sur tous les portails.",
    )
    is_public = models.BooleanField(
        "public",
        default=True,
        help_text="Décoché : réservé aux équipes du territoire (agents, référents).",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    created_at = models.DateTimeField("créé le", default=timezone.now)

    objects = KitQuerySet.as_manager()

    class Meta:
        verbose_name = "kit"
        verbose_name_plural = "kits"
        ordering = ["position", "title"]

    def __str__(self):
        return self.title

    @property
    def audience_heading(self) -> str:
        return self.AUDIENCE_HEADINGS[self.audience]


class Resource(models.Model):
    """A file of a kit: uploaded as it is, or generated in the colours of each portal."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        PNG = "png", "Image PNG"
        JPEG = "jpeg", "Image JPEG"
        DOCX = "docx", "Document Word"
        ODT = "odt", "Document OpenDocument"
        XLSX = "xlsx", "Tableur Excel"
        ODS = "ods", "Tableur OpenDocument"

    EXTENSIONS = {"jpeg": "jpg"}
    CONTENT_TYPES = {
        "pdf": "application/pdf",
        "png": "image/png",
        "jpeg": "image/jpeg",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "odt": "application/vnd.oasis.opendocument.text",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
    }

    kit = models.ForeignKey(
        Kit, on_delete=models.CASCADE, related_name="resources", verbose_name="kit"
    )
    title = models.CharField("titre", max_length=120, validators=[single_line])
    description = models.CharField("description", max_length=300, blank=True)
    template = models.CharField(
        "modèle « à vos couleurs »",
        max_length=40,
        blank=True,
        help_text="Un document généré aux couleurs de chaque portail, à la place d'un fichier.",
    )
    file = models.FileField("fichier", upload_to="outils/fichiers/", blank=True)
    format = models.CharField("format", max_length=4, choices=Format.choices)
    size = models.PositiveIntegerField("taille (octets)", default=0, editable=False)
    preview = models.ImageField("aperçu", upload_to="outils/apercus/", blank=True, editable=False)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "ressource"
        verbose_name_plural = "ressources"
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(template="") & ~Q(file="")) | (~Q(template="") & Q(file="")),
                name="outils_resource_file_or_template",
                violation_error_message="Une ressource est soit un fichier, soit un modèle à vos "
                "couleurs.",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def brandable(self) -> bool:
        return bool(self.template)

    @property
    def has_preview(self) -> bool:
        """Generated PDFs and images get a picture of their first page; an upload has one when
        it could be drawn (not an office document)."""
        return bool(self.preview) or (self.brandable and self.format in ("pdf", "png", "jpeg"))

    @property
    def extension(self) -> str:
        return self.EXTENSIONS.get(self.format, self.format)

    @property
    def content_type(self) -> str:
        return self.CONTENT_TYPES[self.format]


class Download(models.Model):
    """A resource downloaded on a portal, counted once per visitor and day. The visitor is a keyed
    hash of their address that changes every day (services.visitor_key): nothing that says who
    they are, nor links their days together."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="downloads", verbose_name="ressource"
    )
    territory = models.ForeignKey(
        Territory,
        on_delete=models.SET_NULL,
        null=True,
        related_name="downloads",
        verbose_name="portail",
    )
    day = models.DateField("jour", default=timezone.localdate)
    # Empty for the downloads counted before visitors were told apart.
    visitor = models.CharField("visiteur", max_length=64, blank=True, editable=False)
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "téléchargement"
        verbose_name_plural = "téléchargements"
        # The second for the cockpit's monthly count of downloads (pilotage/aggregates.py).
        indexes = [
            models.Index(fields=["resource", "territory"]),
            models.Index(fields=["day", "territory"], name="outils_download_day"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "day", "visitor"],
                condition=~Q(visitor=""),
                name="outils_download_once_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.resource} ({self.day:%d/%m/%Y})"

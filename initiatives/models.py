from django.conf import settings
from django.db import models
from django.utils import timezone

from gestes.models import Geste, Theme
from heurecivique.models import moderated
from heurecivique.text import render_markdown, search, search_key, unique_slug
from outils.models import Kit
from territories.models import Commune, Territory

MAX_PHOTOS = 6


class InitiativeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Initiative.Status.PUBLISHED)

    def on_portal(self, territory):
        """The initiatives of the communes a portal covers (all of them on the national one)."""
        return self.filter(territory.covers())

    def search(self, text: str):
        return search(self, text)


class Initiative(moderated(feminine=True)):
    """A local solidarity initiative, presented by a resident, an association or an agent."""

    class Status(models.TextChoices):
        PROPOSED = "propose", "En attente de modération"
        PUBLISHED = "publie", "Publiée"
        REJECTED = "refuse", "Refusée"
        UNPUBLISHED = "retire", "Retirée"

    class Frequency(models.TextChoices):
        ONCE = "ponctuel", "Ponctuelle"
        WEEKLY = "hebdo", "Chaque semaine"
        MONTHLY = "mensuel", "Chaque mois"
        REGULAR = "regulier", "Régulièrement"

    title = models.CharField("titre", max_length=120)
    slug = models.SlugField(
        "adresse de la page",
        max_length=140,
        unique=True,
        blank=True,
        help_text="La fin de l'adresse de la page de l'initiative (/initiatives/…/), faite "
        "d'après le titre. La changer casse les liens déjà partagés.",
    )
    summary = models.CharField("en une phrase", max_length=200)
    body = models.TextField("présentation")
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="initiatives", verbose_name="commune"
    )
    quartier = models.CharField("quartier", max_length=100, blank=True)
    themes = models.ManyToManyField(Theme, related_name="initiatives", verbose_name="thèmes")
    run_by = models.CharField(
        "qui l'anime", max_length=150, help_text="Une association, un collectif, des voisins…"
    )
    place = models.CharField("lieu", max_length=200)
    frequency = models.CharField("fréquence", max_length=10, choices=Frequency.choices)
    schedule = models.CharField(
        "quand", max_length=200, help_text="Par exemple : le samedi de 10 h à 12 h."
    )
    how_to_join = models.TextField("comment participer")
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name="organisateur",
    )
    status = models.CharField(
        "état",
        max_length=8,
        choices=Status.choices,
        default=Status.PROPOSED,
        help_text="Seules les initiatives publiées sont visibles du public.",
    )
    featured = models.BooleanField(
        "à la une", default=False, help_text="Mise en avant sur la page d'accueil du portail."
    )
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField("proposée le", default=timezone.now)

    author_field = "organiser"

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = "initiative"
        verbose_name_plural = "initiatives"
        ordering = ["-published_at", "-created_at"]

    def __str__(self):
        return self.title

    def moderation_changes(self) -> list[str]:
        # Its date is that of its first publication; off the portal, it is off the front page.
        if self.status != self.Status.PUBLISHED:
            self.featured = False
            return ["featured"]
        if self.published_at:
            return []
        self.published_at = timezone.now()
        return ["published_at"]

    def save(self, *args, **kwargs):
        self.search_text = search_key(
            f"{self.title} {self.summary} {self.body} {self.run_by} {self.quartier}"
        )
        if not self.slug:
            self.slug = unique_slug(Initiative, self.title, self.pk)
        super().save(*args, **kwargs)

    @property
    def cover(self) -> "Photo | None":
        return next(iter(self.photos.all()), None)


class Photo(models.Model):
    """A photo of an initiative, re-encoded at three widths for `srcset` (heurecivique.images)."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="photos", verbose_name="initiative"
    )
    small = models.ImageField("petite", upload_to="initiatives/photos/")
    medium = models.ImageField("moyenne", upload_to="initiatives/photos/")
    large = models.ImageField("grande", upload_to="initiatives/photos/")
    small_width = models.PositiveSmallIntegerField(default=0, editable=False)
    medium_width = models.PositiveSmallIntegerField(default=0, editable=False)
    large_width = models.PositiveSmallIntegerField(default=0, editable=False)
    alt_text = models.CharField(
        "description de la photo",
        max_length=200,
        help_text="Ce que montre la photo, pour les personnes qui ne la voient pas.",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "photo"
        verbose_name_plural = "photos"
        ordering = ["position", "pk"]

    def __str__(self):
        return self.alt_text

    @property
    def srcset(self) -> str:
        variants = {
            self.small_width: self.small.url,
            self.medium_width: self.medium.url,
            self.large_width: self.large.url,
        }
        return ", ".join(f"{url} {width}w" for width, url in sorted(variants.items()))


class InterestMessage(models.Model):
    """« Je suis intéressé(e) »: a volunteer's message, relayed to the organiser by email."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="interests", verbose_name="initiative"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="interest_messages",
        verbose_name="expéditeur",
    )
    message = models.TextField("message", max_length=1000)
    created_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "message d'intérêt"
        verbose_name_plural = "messages d'intérêt"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.initiative} ({self.created_at:%d/%m/%Y})"


class GoodPracticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=GoodPractice.Status.PUBLISHED)


class GoodPractice(models.Model):
    """A how-to written by a territory's staff and shared with every portal."""

    class Status(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        PUBLISHED = "publie", "Publiée"

    title = models.CharField("titre", max_length=150)
    slug = models.SlugField(
        "adresse de la page",
        max_length=160,
        unique=True,
        blank=True,
        help_text="La fin de l'adresse de la page (/bonnes-pratiques/…/), faite d'après le titre. "
        "La changer casse les liens déjà partagés.",
    )
    summary = models.CharField("en une phrase", max_length=250)
    body = models.TextField(
        "texte",
        help_text="Mise en forme Markdown : « ## » pour un intertitre, « - » pour une liste, "
        "**gras**, [lien](https://…). Tout autre HTML est retiré.",
    )
    body_html = models.TextField(editable=False, default="")
    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="good_practices",
        verbose_name="partagée par",
        help_text="Vide : une bonne pratique de l'équipe nationale.",
    )
    gestes = models.ManyToManyField(Geste, blank=True, verbose_name="gestes liés")
    kits = models.ManyToManyField(Kit, blank=True, verbose_name="kits liés")
    initiatives = models.ManyToManyField(Initiative, blank=True, verbose_name="initiatives liées")
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name="copiée depuis",
    )
    status = models.CharField(
        "état",
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Un brouillon n'est visible que de l'équipe ; publiée, la pratique est visible "
        "de tous.",
    )
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", default=timezone.now)

    objects = GoodPracticeQuerySet.as_manager()

    class Meta:
        verbose_name = "bonne pratique"
        verbose_name_plural = "bonnes pratiques"
        ordering = ["-published_at", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        if not self.slug:
            self.slug = unique_slug(GoodPractice, self.title, self.pk)
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from heurecivique.models import moderated
from heurecivique.text import search, search_key, unique_slug
from territories.models import Territory

# The months of the year, 1 to 12.
MONTH_NAMES = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
SEASONS = {
    "hiver": ("L'hiver", (12, 1, 2)),
    "printemps": ("Le printemps", (3, 4, 5)),
    "ete": ("L'été", (6, 7, 8)),
    "automne": ("L'automne", (9, 10, 11)),
}


def month_mask(months) -> int:
    """The months a geste suits, as bits: mars and avril → 0b11000."""
    return sum(1 << month for month in set(months))


def months_of(mask: int) -> list[int]:
    return [month for month in range(1, 13) if mask & (1 << month)]


class Theme(models.Model):
    """A field of solidarity (personnes âgées, environnement…): gestes and interests share them."""

    name = models.CharField("nom", max_length=80, unique=True)
    slug = models.SlugField("identifiant", max_length=80, unique=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "thème"
        verbose_name_plural = "thèmes"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class GesteQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Geste.Status.PUBLISHED)

    def visible_in(self, territory):
        """What the portal shows (see Territory.shows), minus the gestes it chose to hide."""
        return self.filter(territory.shows()).exclude(hidden_in=territory)

    def for_months(self, months):
        """Gestes marked for at least one of these months (all-year gestes are not): the ones
        a month puts forward."""
        return self.annotate(_in_months=F("months").bitand(month_mask(months))).filter(
            _in_months__gt=0
        )

    def suited_to(self, months):
        """Gestes one can do in these months: the ones marked for one of them, and the
        all-year ones (no month marked). What a season filter means."""
        return self.annotate(_in_months=F("months").bitand(month_mask(months))).filter(
            Q(_in_months__gt=0) | Q(months=0)
        )

    def search(self, text: str):
        """Every word somewhere in the title, summary or advice; accents, case and a plural's
        final s ignored (heurecivique.text.search)."""
        return search(self, text)


class Geste(moderated()):
    """A solidarity action close to home that fits in about an hour: an idea of the idea box."""

    class Kind(models.TextChoices):
        PERSON = "personne", "Aider une personne"
        COLLECTIVE = "collectif", "Agir ensemble dans la commune"
        ASSOCIATION = "association", "Aider une association"

    class Effort(models.IntegerChoices):
        EASY = 1, "Facile, sans préparation"
        SOME = 2, "Un peu d'organisation"
        PLANNED = 3, "À préparer à plusieurs"

    class Status(models.TextChoices):
        PROPOSED = "propose", "En attente de modération"
        PUBLISHED = "publie", "Publié"
        REJECTED = "refuse", "Refusé"

    title = models.CharField("titre", max_length=120)
    slug = models.SlugField(
        "adresse de la page",
        max_length=140,
        unique=True,
        blank=True,
        help_text="La fin de l'adresse de la page du geste (/gestes/…/), faite d'après le titre. "
        "La changer casse les liens déjà partagés.",
    )
    summary = models.CharField("en une phrase", max_length=200)
    how_to = models.TextField("comment faire")
    safety = models.TextField("conseils de prudence", blank=True)
    themes = models.ManyToManyField(Theme, related_name="gestes", verbose_name="thèmes")
    kind = models.CharField("type d'action", max_length=12, choices=Kind.choices)
    months = models.PositiveSmallIntegerField(
        "mois les plus indiqués",
        default=0,
        help_text="Le geste est suggéré ces mois-là. Aucun coché : toute l'année.",
    )
    effort = models.PositiveSmallIntegerField("effort", choices=Effort.choices, default=Effort.EASY)
    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="gestes",
        verbose_name="territoire",
        help_text="Vide : un geste national, visible sur tous les portails.",
    )
    hidden_in = models.ManyToManyField(
        Territory,
        blank=True,
        related_name="hidden_gestes",
        verbose_name="masqué sur les portails",
    )
    status = models.CharField(
        "état",
        max_length=8,
        choices=Status.choices,
        default=Status.PROPOSED,
        help_text="Seuls les gestes publiés sont visibles du public.",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_gestes",
        verbose_name="proposé par",
    )
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField("créé le", default=timezone.now)

    author_field = "proposed_by"

    objects = GesteQuerySet.as_manager()

    class Meta:
        verbose_name = "geste"
        verbose_name_plural = "gestes"
        ordering = ["title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = search_key(f"{self.title} {self.summary} {self.how_to}")
        if not self.slug:
            self.slug = unique_slug(Geste, self.title, self.pk)
        super().save(*args, **kwargs)

    @property
    def month_list(self) -> list[int]:
        return months_of(self.months)

    @property
    def month_names(self) -> list[str]:
        return [MONTH_NAMES[month - 1] for month in self.month_list]

    @property
    def how_to_steps(self) -> list[str]:
        """The advice, one paragraph per line."""
        return [line.strip() for line in self.how_to.splitlines() if line.strip()]


class MonthThemeQuerySet(models.QuerySet):
    def for_month(self, territory, month: int) -> "MonthTheme | None":
        """A month's theme on a portal: its own, else its department's, else the national one."""
        themes = list(self.filter(territory.shows(), month=month).select_related("territory"))

        def rank(theme):
            if theme.territory_id is None:
                return 2
            return 0 if theme.territory_id == territory.pk else 1

        return min(themes, key=rank, default=None)


class MonthTheme(models.Model):
    """The yearly calendar: what the programme puts forward each month (galette, canicule…)."""

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="month_themes",
        verbose_name="territoire",
        help_text="Vide : le calendrier national, que chaque territoire peut remplacer.",
    )
    month = models.PositiveSmallIntegerField(
        "mois", choices=[(n, name.capitalize()) for n, name in enumerate(MONTH_NAMES, start=1)]
    )
    title = models.CharField("thème du mois", max_length=120)
    message = models.TextField(
        "message", help_text="Quelques phrases, reprises dans le rappel mensuel et sur l'accueil."
    )
    gestes = models.ManyToManyField(Geste, blank=True, verbose_name="gestes mis en avant")

    objects = MonthThemeQuerySet.as_manager()

    class Meta:
        # « 12 mois du calendrier » in the admin's counts and messages.
        verbose_name = "mois du calendrier"
        verbose_name_plural = "mois du calendrier"
        ordering = ["month", "territory__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "month"],
                name="gestes_one_theme_per_month",
                violation_error_message="Ce mois a déjà son thème sur ce territoire.",
            ),
            models.UniqueConstraint(
                fields=["month"],
                condition=models.Q(territory__isnull=True),
                name="gestes_one_national_theme_per_month",
                violation_error_message="Ce mois a déjà son thème national.",
            ),
        ]

    def __str__(self):
        return f"{MONTH_NAMES[self.month - 1].capitalize()} : {self.title}"

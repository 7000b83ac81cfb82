from django.db import models


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

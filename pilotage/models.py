"""The aggregates the cockpit reads (aggregates.py keeps them): a month of a commune, counted once,
so that a dashboard, the élus' report or /chiffres/ never scans a million hours."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from territories.models import Commune, Department, Territory


class MonthFigures(models.Model):
    """What happened in one month, in one place.

    A row holds a commune's month (`commune` set, with its department); what belongs to a portal
    rather than to a commune — the downloads of a department's portal, or of the national one —
    has its own row without a commune (and, for the national portal, without a department).
    Every count adds up across rows: a volunteer lives in one commune, an hour is given once."""

    month = models.DateField("mois")
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name="département",
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, null=True, related_name="+", verbose_name="commune"
    )
    # See figures.DEFINITIONS for what each one counts.
    minutes = models.PositiveBigIntegerField("minutes données", default=0)
    hours_logged = models.PositiveIntegerField("heures notées", default=0)
    active = models.PositiveIntegerField("volontaires actifs", default=0)
    engaged = models.PositiveIntegerField("volontaires engagés", default=0)
    engaged_active = models.PositiveIntegerField("volontaires engagés et actifs", default=0)
    new_volunteers = models.PositiveIntegerField("nouveaux volontaires", default=0)
    missions_done = models.PositiveIntegerField("missions réalisées", default=0)
    downloads = models.PositiveIntegerField("téléchargements", default=0)
    computed_at = models.DateTimeField("calculé le")

    class Meta:
        verbose_name = "chiffres d'un mois"
        verbose_name_plural = "chiffres des mois"
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "month"],
                condition=Q(commune__isnull=False),
                name="pilotage_month_commune_unique",
            ),
            models.UniqueConstraint(
                fields=["department", "month"],
                condition=Q(commune__isnull=True, department__isnull=False),
                name="pilotage_month_department_unique",
            ),
            models.UniqueConstraint(
                fields=["month"],
                condition=Q(commune__isnull=True, department__isnull=True),
                name="pilotage_month_national_unique",
            ),
        ]
        indexes = [models.Index(fields=["month", "department"])]

    def __str__(self):
        return f"{self.commune or self.department or 'National'} — {self.month:%m/%Y}"


class GesteMonth(models.Model):
    """How many hours were noted with a geste in a month, in a department: the most-done gestes of
    a department or of the nation, without reading the hours. A commune's are read from its
    hours, few enough."""

    month = models.DateField("mois")
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="+", verbose_name="département"
    )
    geste = models.ForeignKey(
        "gestes.Geste", on_delete=models.CASCADE, related_name="+", verbose_name="geste"
    )
    hours_logged = models.PositiveIntegerField("heures notées")

    class Meta:
        verbose_name = "geste d'un mois"
        verbose_name_plural = "gestes des mois"
        constraints = [
            models.UniqueConstraint(
                fields=["month", "department", "geste"], name="pilotage_geste_month_unique"
            ),
        ]

    def __str__(self):
        return f"{self.geste} — {self.department} — {self.month:%m/%Y}"


class ReportSending(models.Model):
    """The quarterly report sent to a person for a territory and a quarter: written with the
    email, in the same transaction, so that a second run of the task (or two at once) sends
    nothing more."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="personne",
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="+", verbose_name="territoire"
    )
    period_start = models.DateField("premier mois du trimestre")
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "bilan trimestriel envoyé"
        verbose_name_plural = "bilans trimestriels envoyés"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "territory", "period_start"], name="pilotage_report_sent_once"
            ),
        ]

    def __str__(self):
        return f"{self.territory} — {self.period_start:%m/%Y} — {self.user}"

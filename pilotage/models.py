"""The aggregates the cockpit reads (aggregates.py keeps them): a month of a commune, counted once,
so that a dashboard, the élus' report or /chiffres/ never scans a million hours."""

import datetime
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from territories.models import Commune, Department, Territory

from .periods import Period


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


class ExportStorage(FileSystemStorage):
    """The folder of the export files, settings.EXPORTS_ROOT, read when used (a test or a
    worker may point it elsewhere). No URL: they are served by the admin's download view,
    which checks who asks, never as media."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.EXPORTS_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Les fichiers exportés n'ont pas d'adresse publique.")


export_storage = ExportStorage()


def _export_storage():
    return export_storage


class ExportQuerySet(models.QuerySet):
    def in_progress(self):
        """Asked, and not given up on: being prepared or waiting for a worker."""
        return self.filter(
            status__in=[Export.Status.PENDING, Export.Status.RUNNING],
            updated_at__gte=timezone.now() - Export.STALLED_AFTER,
        )


class Export(models.Model):
    """A file a staff member or an élu asked for, prepared by Celery (pilotage/exports.py).

    Its row says how it goes (status, progress) for the admin's list and its refresh; the file
    lies in settings.EXPORTS_ROOT, kept KEPT_DAYS days."""

    KEPT_DAYS = 7
    # A file not moved on for this long was left by a worker that stopped: it can be asked
    # again (its task also comes back from Redis after CELERY_VISIBILITY_TIMEOUT).
    STALLED_AFTER = datetime.timedelta(minutes=15)

    class Kind(models.TextChoices):
        HOURS = "hours", "Heures par mois et par commune"
        MISSIONS = "missions", "Missions"
        VOLUNTEERS = "volunteers", "Volontaires ayant accepté d'être contactés"
        BILAN = "bilan", "Le bilan de l'Heure Civique (pour le conseil)"

    class Format(models.TextChoices):
        CSV = "csv", "CSV (tableur)"
        XLSX = "xlsx", "XLSX (Excel, LibreOffice)"
        PDF = "pdf", "PDF (le bilan)"

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        RUNNING = "running", "En préparation"
        READY = "ready", "Prêt"
        FAILED = "failed", "Échec"

    kind = models.CharField("contenu", max_length=12, choices=Kind.choices)
    format = models.CharField("format", max_length=4, choices=Format.choices)
    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="+", verbose_name="territoire"
    )
    start = models.DateField("du mois de", null=True, blank=True)
    end = models.DateField("au mois de", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="demandé par",
    )
    created_at = models.DateTimeField("demandé le", default=timezone.now)
    status = models.CharField("état", max_length=8, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField("lignes écrites", default=0)
    total = models.PositiveIntegerField("lignes à écrire", default=0)
    file = models.FileField("fichier", storage=_export_storage, blank=True, max_length=200)
    # The last sign of life of its preparation: a row left behind by a dead worker stops there.
    updated_at = models.DateTimeField("mis à jour le", default=timezone.now)
    finished_at = models.DateTimeField("prêt le", null=True, blank=True)
    error = models.CharField("erreur", max_length=300, blank=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        verbose_name = "fichier à télécharger"
        verbose_name_plural = "fichiers à télécharger"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["territory", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True)
                | Q(start__isnull=False, end__isnull=False, start__lte=F("end")),
                name="pilotage_export_period",
                violation_error_message="Indiquez une période dont le premier mois vient avant "
                "le dernier, ou aucune période.",
            ),
            # The bilan is a PDF of a period; the tables are spreadsheets.
            models.CheckConstraint(
                condition=Q(kind="bilan", format="pdf", start__isnull=False)
                | (~Q(kind="bilan") & ~Q(format="pdf")),
                name="pilotage_export_bilan_pdf",
                violation_error_message="Le bilan se télécharge en PDF, pour une période ; les "
                "autres fichiers en CSV ou XLSX.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.territory}"

    @property
    def period(self) -> Period | None:
        return Period(self.start, self.end) if self.start else None

    @property
    def is_stalled(self) -> bool:
        return (
            self.status in (self.Status.PENDING, self.Status.RUNNING)
            and self.updated_at < timezone.now() - self.STALLED_AFTER
        )

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 0

    def file_name(self) -> str:
        """What the person's computer saves it as: « heures-loiret-2026-01_2026-06.xlsx »."""
        words = {
            self.Kind.HOURS: "heures",
            self.Kind.MISSIONS: "missions",
            self.Kind.VOLUNTEERS: "volontaires",
            self.Kind.BILAN: "bilan",
        }
        period = self.period.slug if self.period else f"{self.created_at:%Y-%m-%d}"
        return f"{words.get(self.kind, self.kind)}-{self.territory.slug}-{period}.{self.format}"

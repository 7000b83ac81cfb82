"""The files staff ask for in the admin (« Fichiers à télécharger »), written by a Celery worker
(tasks.prepare_export) in chunks, the progress saved every few hundred rows; and the élus'
bilan, a PDF of a period (report.py).

Each kind reads what scales: the hours from the aggregates of a commune's month (MonthFigures),
never the hours themselves; the missions and the volunteers from their own tables, streamed
from the database. Only the volunteers who agreed to be contacted by their mairie are listed.
CSV and XLSX hold the same cells (heurecivique.spreadsheets.cell: formulas neutralised, French
dates)."""

import contextlib
import datetime
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from heurecivique.months import add_months, first_of_month
from heurecivique.spreadsheets import SpreadsheetWriter, cell
from missions.models import Mission, Participation
from volunteers.models import Volunteer

from . import report
from .aggregates import KEPT_MONTHS
from .figures import Area
from .models import Export, export_storage

logger = logging.getLogger(__name__)

# The name of a file being written, until it is moved to the export's name.
PARTIAL = ".en-cours-"

FAILED = (
    "La préparation du fichier a échoué. Demandez-le à nouveau ; si cela se reproduit, "
    "prévenez l'équipe nationale."
)


@dataclass(frozen=True)
class Column:
    header: str
    width: int  # in characters, for the XLSX


@dataclass(frozen=True)
class Content:
    """What a kind of export holds: its columns, how many rows, and the rows."""

    sheet: str
    columns: list[Column]
    count: Callable[[], int]
    rows: Callable[[], Iterable[list]]


def _months(export: Export) -> tuple:
    """The first and last months of the export: its period, or every month the aggregates
    keep."""
    if export.period:
        return export.period.start, export.period.end
    current = first_of_month(timezone.localdate())
    return add_months(current, -(KEPT_MONTHS - 1)), current


def hours(export: Export) -> Content:
    first, last = _months(export)
    figures = (
        Area.of_portal(export.territory)
        .month_rows()
        .filter(commune__isnull=False, month__gte=first, month__lte=last)
        .order_by("month", "commune__name", "commune__insee_code")
    )

    def rows():
        # Plain tuples rather than objects: half the time, for up to 36 months of 5,000 communes.
        for month, department, insee_code, commune, minutes, *counts in figures.values_list(
            "month",
            "department__name",
            "commune__insee_code",
            "commune__name",
            "minutes",
            "hours_logged",
            "active",
            "engaged",
            "new_volunteers",
            "missions_done",
        ).iterator(chunk_size=2000):
            yield [f"{month:%m/%Y}", department or "", insee_code, commune, minutes // 60, *counts]

    return Content(
        "Heures par commune",
        [
            Column("Mois", 9),
            Column("Département", 18),
            Column("Code INSEE", 11),
            Column("Commune", 28),
            Column("Heures données", 15),
            Column("Heures notées", 14),
            Column("Volontaires actifs", 18),
            Column("Volontaires engagés", 19),
            Column("Nouveaux volontaires", 20),
            Column("Missions réalisées", 18),
        ],
        figures.count,
        rows,
    )


def missions(export: Export) -> Content:
    first, last = _months(export)
    area = Area.of_portal(export.territory)
    day_after = add_months(last, 1)
    found = (
        Mission.objects.filter(area.q("commune"))
        .filter(starts_at__date__gte=first, starts_at__date__lt=day_after)
        .select_related("commune", "association")
        .annotate(
            taken=Count(
                "participations",
                filter=Q(participations__status__in=Participation.HOLDS_A_PLACE),
            )
        )
        .order_by("starts_at", "pk")
    )

    def rows():
        # Never the helped person nor the private details: a mission as the public sees it.
        for mission in found.iterator(chunk_size=2000):
            yield [
                timezone.localtime(mission.starts_at),
                mission.title,
                mission.get_kind_display(),
                mission.commune.name,
                mission.quartier,
                mission.association.name if mission.association else "",
                mission.get_status_display(),
                mission.places,
                mission.taken,
                mission.created_at,
                mission.done_at,
            ]

    return Content(
        "Missions",
        [
            Column("Date", 17),
            Column("Titre", 40),
            Column("Type", 30),
            Column("Commune", 24),
            Column("Quartier", 20),
            Column("Association", 28),
            Column("État", 12),
            Column("Places", 8),
            Column("Volontaires retenus", 19),
            Column("Publiée le", 17),
            Column("Réalisée le", 17),
        ],
        found.count,
        rows,
    )


def volunteers(export: Export) -> Content:
    area = Area.of_portal(export.territory)
    # Only the volunteers who agreed to be contacted by their mairie: the others' names and
    # addresses are theirs (territories.scope.StaffScope.sees_contact).
    found = (
        Volunteer.objects.filter(area.q("commune"), contact_consent_at__isnull=False)
        .filter(user__isnull=False)
        .select_related("user", "commune")
        .prefetch_related("interests", "skills")
        .order_by("commune__name", "user__last_name", "user__first_name", "pk")
    )

    def rows():
        for volunteer in found.iterator(chunk_size=1000):
            yield [
                volunteer.user.first_name,
                volunteer.user.last_name,
                volunteer.user.email,
                volunteer.commune.name,
                volunteer.quartier,
                ", ".join(sorted(t.name for t in volunteer.interests.all())),
                ", ".join(sorted(s.name for s in volunteer.skills.all())),
                # Its labels hold commas themselves: a slash between them.
                " / ".join(volunteer.availability_labels),
                volunteer.created_at,
                volunteer.contact_consent_at,
            ]

    return Content(
        "Volontaires",
        [
            Column("Prénom", 16),
            Column("Nom", 20),
            Column("Adresse électronique", 32),
            Column("Commune", 24),
            Column("Quartier", 20),
            Column("Centres d'intérêt", 30),
            Column("Compétences", 30),
            Column("Disponibilités", 30),
            Column("Inscrit le", 17),
            Column("Accord donné le", 17),
        ],
        found.count,
        rows,
    )


CONTENTS = {
    Export.Kind.HOURS: hours,
    Export.Kind.MISSIONS: missions,
    Export.Kind.VOLUNTEERS: volunteers,
}


class CsvFile:
    def __init__(self, path, content: Content):
        self._stream = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._writer = SpreadsheetWriter(self._stream)
        self._writer.writerow([column.header for column in content.columns])

    def write(self, row) -> None:
        self._writer.writerow(row)

    def close(self) -> None:
        self._stream.close()


class XlsxFile:
    """openpyxl's write-only mode: rows go to a temporary file as they come, whatever their
    number, never all in memory."""

    def __init__(self, path, content: Content):
        self._path = path
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(content.sheet)
        for number, column in enumerate(content.columns, start=1):
            self._sheet.column_dimensions[get_column_letter(number)].width = column.width
        self._sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for column in content.columns:
            title = WriteOnlyCell(self._sheet, value=column.header)
            title.font = bold
            header.append(title)
        self._sheet.append(header)

    def write(self, row) -> None:
        self._sheet.append([cell(value) for value in row])

    def close(self) -> None:
        self._book.save(self._path)


FILES = {Export.Format.CSV: CsvFile, Export.Format.XLSX: XlsxFile}


def _progress(pk: int, **fields) -> int:
    """One UPDATE; how many rows it changed (none once the export is gone or done)."""
    fields["updated_at"] = timezone.now()
    return Export.objects.exclude(status=Export.Status.READY).filter(pk=pk).update(**fields)


def prepare(pk: int) -> bool:
    """Write the file of export `pk`; whether it is ready.

    Run again (a task redelivered after a worker died, or run twice), it starts over and still
    leaves one file: the rows go to a file of their own, moved in one step to the export's
    name at the end. A ready export is left as it is."""
    export = Export.objects.select_related("territory").filter(pk=pk).first()
    if export is None or export.status == Export.Status.READY:
        return False
    folder = str(export.pk)
    os.makedirs(export_storage.path(folder), exist_ok=True)
    partial = export_storage.path(f"{folder}/{PARTIAL}{uuid.uuid4().hex}")
    try:
        if export.kind == Export.Kind.BILAN:
            done = _write_bilan(export, partial)
        else:
            done = _write_rows(export, partial)
        if done is None:
            return False
        name = f"{folder}/{export.file_name()}"
        os.replace(partial, export_storage.path(name))
        _forget_partials(export_storage.path(folder))
        return bool(
            _progress(
                pk,
                status=Export.Status.READY,
                done=done,
                total=done,
                file=name,
                finished_at=timezone.now(),
            )
        )
    except Exception:
        logger.exception("Export %s failed", pk)
        _progress(pk, status=Export.Status.FAILED, error=FAILED)
        return False
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _forget_partials(folder) -> None:
    """The half-written files of earlier runs (a worker killed mid-way): one file stays. A run
    still going on would fail to move its own, leaving the ready export as it is."""
    for entry in os.scandir(folder):
        if entry.name.startswith(PARTIAL):
            with contextlib.suppress(FileNotFoundError):
                os.remove(entry.path)


def _write_bilan(export: Export, path) -> int | None:
    """The élus' PDF (report.py): one document, its progress 0 then 1."""
    if not _progress(export.pk, status=Export.Status.RUNNING, done=0, total=1, error=""):
        return None
    with open(path, "wb") as output:
        output.write(report.render(export.territory, export.period))
    return 1


def _write_rows(export: Export, path) -> int | None:
    """A table, in chunks: how many rows were written (None if the export went meanwhile)."""
    pk = export.pk
    content = CONTENTS[export.kind](export)
    total = content.count()
    if not _progress(pk, status=Export.Status.RUNNING, done=0, total=total, error=""):
        return None
    every = max(1, settings.EXPORT_PROGRESS_EVERY)
    output = FILES[export.format](path, content)
    done = 0
    try:
        for row in content.rows():
            output.write(row)
            done += 1
            if done % every == 0:
                # Rows may have come since the count: the bar never goes past the end.
                _progress(pk, done=done, total=max(total, done))
    finally:
        output.close()
    return done


def delete_old(now=None) -> int:
    """Delete the exports asked more than Export.KEPT_DAYS days ago, their files, and any
    folder of the exports' storage no kept export owns (left by an export deleted otherwise);
    how many exports were deleted."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=Export.KEPT_DAYS)
    deleted, _ = Export.objects.filter(created_at__lt=limit).delete()
    kept = {str(pk) for pk in Export.objects.values_list("pk", flat=True)}
    root = export_storage.location
    # A folder younger than a day may belong to an export asked since `kept` was read.
    old = time.time() - 24 * 3600
    if os.path.isdir(root):
        for entry in os.scandir(root):
            if entry.is_dir() and entry.name not in kept and entry.stat().st_mtime < old:
                shutil.rmtree(entry.path, ignore_errors=True)
    return deleted

import csv
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from heurecivique.text import search_key
from territories.models import Commune, Department

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class Command(BaseCommand):
    help = (
        "Charge ou met à jour les départements et les communes (Code officiel géographique, "
        "codes postaux ; Licence Ouverte). Peut être relancée sans créer de doublon."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():
            departments = self._load_departments()
            communes = self._load_communes({d.code: d.pk for d in Department.objects.all()})
        self.stdout.write(
            f"{communes} communes et {departments} départements chargés "
            f"en {time.monotonic() - started:.1f} s."
        )

    def _rows(self, name):
        with (DATA_DIR / name).open(encoding="utf-8", newline="") as source:
            yield from csv.DictReader(source)

    def _load_departments(self) -> int:
        departments = [
            Department(code=row["code"], name=row["nom"], tncc=int(row["tncc"]))
            for row in self._rows("departements.csv")
        ]
        Department.objects.bulk_create(
            departments,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "tncc"],
        )
        return len(departments)

    def _load_communes(self, department_ids: dict[str, int]) -> int:
        communes = [
            Commune(
                insee_code=row["code_insee"],
                name=row["nom"],
                search_name=search_key(row["nom"]),
                department_id=department_ids[row["departement"]],
                postal_codes=f" {row['codes_postaux']} " if row["codes_postaux"] else "",
                population=int(row["population"]) if row["population"] else None,
                tncc=int(row["tncc"]),
            )
            for row in self._rows("communes.csv")
        ]
        Commune.objects.bulk_create(
            communes,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["insee_code"],
            update_fields=[
                "name",
                "search_name",
                "department",
                "postal_codes",
                "population",
                "tncc",
            ],
        )
        return len(communes)

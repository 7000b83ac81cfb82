import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from volunteers.tasks import dispatch


class Command(BaseCommand):
    help = (
        "Envoie les courriels de suivi dus un jour donné (rappels, relances, bilans), comme le "
        "fait chaque matin Celery beat. Sans risque de doublon : ce qui est déjà parti ne "
        "repart pas."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Le jour, AAAA-MM-JJ (par défaut : aujourd'hui).")

    def handle(self, *args, date=None, **options):
        day = date or timezone.localdate().isoformat()
        try:
            datetime.date.fromisoformat(day)
        except ValueError:
            raise CommandError(
                "Indiquez la date au format AAAA-MM-JJ, par exemple 2026-11-05."
            ) from None
        planned = dispatch(day)
        self.stdout.write(f"{planned} courriel(s) de suivi prévu(s) pour le {day}.")

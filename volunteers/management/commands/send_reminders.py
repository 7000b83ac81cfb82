import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from heurecivique.text import long_date
from volunteers.tasks import dispatch, emails


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
            when = datetime.date.fromisoformat(day)
        except ValueError:
            raise CommandError(
                "Indiquez la date au format AAAA-MM-JJ, par exemple 2026-11-05."
            ) from None
        planned = dispatch(day)
        self.stdout.write(f"Suivi du {long_date(when)} : {emails(planned, 'prévu')}.")

from django.core.management.base import BaseCommand

from volunteers.tasks import anonymise_inactive


class Command(BaseCommand):
    help = (
        "Anonymise les comptes de volontaires inutilisés depuis deux ans et prévenus, comme le "
        "fait chaque nuit Celery beat. Sans risque de le lancer deux fois ; les heures données "
        "restent comptées."
    )

    def handle(self, *args, **options):
        # Today only: a later date would anonymise people before the day their warning says.
        anonymised = anonymise_inactive()
        self.stdout.write(f"{anonymised} compte(s) inactif(s) anonymisé(s).")

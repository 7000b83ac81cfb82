import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .load_demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Affiche le code de double authentification du moment des comptes de démonstration "
        "de l'équipe, pour qui n'a pas d'application d'authentification sous la main."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Réservé à la démonstration, en développement (DJANGO_DEBUG=true).")
        counter = int(time.time()) // mfa_settings.TOTP_PERIOD
        remaining = mfa_settings.TOTP_PERIOD - int(time.time()) % mfa_settings.TOTP_PERIOD
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))
        self.stdout.write(f"{code}  (encore {remaining} s)")

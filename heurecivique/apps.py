from django.apps import AppConfig


class HeureCiviqueConfig(AppConfig):
    name = "heurecivique"
    verbose_name = "L'Heure Civique"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
        from .page_cache import connect_signals

        connect_signals()

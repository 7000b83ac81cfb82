from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = "Initiatives et bonnes pratiques"

    def ready(self):
        from . import signals  # noqa: F401  (deletes the files of deleted photos)

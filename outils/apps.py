from django.apps import AppConfig


class OutilsConfig(AppConfig):
    name = "outils"
    verbose_name = "Boîte à outils"

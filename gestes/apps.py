from django.apps import AppConfig


class GestesConfig(AppConfig):
    name = "gestes"
    verbose_name = "Gestes solidaires"

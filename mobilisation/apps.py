from django.apps import AppConfig


class MobilisationConfig(AppConfig):
    name = "mobilisation"
    verbose_name = "Appel à la Mobilisation Solidaire"

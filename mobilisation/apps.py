from django.apps import AppConfig


class MobilisationConfig(AppConfig):
    name = "mobilisation"
    verbose_name = "Appel à la Mobilisation Solidaire"

    def ready(self):
        from missions.models import ON_ANONYMISE

        from .watch import forget_person

        # A helped person anonymised (missions) leaves the watch, and their calls' notes go.
        if forget_person not in ON_ANONYMISE:
            ON_ANONYMISE.append(forget_person)

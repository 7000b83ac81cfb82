from django.conf import settings
from django.core.checks import Warning, register

REQUIRED_LEGAL_FIELDS = {
    "publisher": "LEGAL_PUBLISHER",
    "publisher_address": "LEGAL_PUBLISHER_ADDRESS",
    "publication_director": "LEGAL_PUBLICATION_DIRECTOR",
    "host": "LEGAL_HOST",
    "host_address": "LEGAL_HOST_ADDRESS",
}


@register(deploy=True)
def legal_notice_is_complete(app_configs, **kwargs):
    """A public French website must name its publisher and host (LCEN, article 6)."""
    return [
        Warning(
            f"Les mentions légales sont incomplètes : {variable} n'est pas renseigné.",
            hint="Renseignez-le dans l'environnement avant la mise en ligne.",
            id="heurecivique.W001",
        )
        for key, variable in REQUIRED_LEGAL_FIELDS.items()
        if not settings.LEGAL.get(key)
    ]

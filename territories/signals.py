from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import PortalHost, Territory
from .resolver import forget_hosts


@receiver([post_save, post_delete], sender=Territory)
@receiver([post_save, post_delete], sender=PortalHost)
def territory_changed(sender, **kwargs):
    forget_hosts()

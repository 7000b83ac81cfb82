"""Photo files go with their row, whatever deleted it (the admin, an account's deletion, a
cascade from the initiative): the storage is cleaned once the deletion is committed."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Photo


@receiver(post_delete, sender=Photo)
def delete_photo_files(sender, instance, **kwargs):
    for image in (instance.small, instance.medium, instance.large):
        if image.name:
            storage, name = image.storage, image.name
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))

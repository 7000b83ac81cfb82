"""What waits for a staff member: the « à faire » of the admin's index, and of the staff
dashboard that will reuse it. Each count is made through the model's admin, so on the person's
territory and with their permissions: one COUNT per queue, whatever the size of the data."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse

from gestes.models import Geste
from heurecivique.models import OutgoingEmail
from heurecivique.text import count_of
from initiatives.models import Initiative
from mobilisation.models import Signature
from volunteers.models import Delivery


@dataclass(frozen=True)
class Waiting:
    count: int
    label: str  # with its count: « 3 initiatives à modérer »
    url: str  # the admin list, filtered on what waits


# model, the filter of what waits, the words for one and for several, and whether acting on it
# takes the right to change (moderation) or only to see (sending an email again).
QUEUES = [
    (Initiative, {"status__exact": Initiative.Status.PROPOSED}, "initiative à modérer",
     "initiatives à modérer", "change"),
    (Geste, {"status__exact": Geste.Status.PROPOSED}, "proposition de geste à modérer",
     "propositions de gestes à modérer", "change"),
    (Signature, {"status__exact": Signature.Status.PENDING}, "signature à vérifier",
     "signatures à vérifier", "change"),
    (Delivery, {"status__exact": Delivery.Status.FAILED}, "courriel de suivi en échec",
     "courriels de suivi en échec", "view"),
    (OutgoingEmail, {"status__exact": OutgoingEmail.Status.FAILED}, "courriel du site en échec",
     "courriels du site en échec", "view"),
]  # fmt: skip


def waiting_for(request, site=admin.site) -> list[Waiting]:
    """The queues this staff member may act on, each with its count on their territory."""
    waiting = []
    for model, lookup, one, many, permission in QUEUES:
        if not site.is_registered(model):
            continue
        model_admin = site.get_model_admin(model)
        if not getattr(model_admin, f"has_{permission}_permission")(request):
            continue
        count = model_admin.get_queryset(request).filter(**lookup).count()
        opts = model._meta
        url = reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_changelist")
        waiting.append(Waiting(count, count_of(count, one, many), f"{url}?{urlencode(lookup)}"))
    return waiting

"""What waits for a staff member: the « À faire » of the dashboard (the admin's index,
pilotage/dashboard.py). Each count is made through the model's admin, so on the person's
territory and with their permissions: one COUNT per queue, whatever the size of the data."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse

from gestes.models import Geste
from heurecivique.models import OutgoingEmail
from heurecivique.text import count_of
from initiatives.models import Initiative
from missions.models import HelpRequest, Mission
from mobilisation.models import Signature, WatchedPerson
from volunteers.models import Delivery


@dataclass(frozen=True)
class Waiting:
    count: int
    label: str  # with its count: « 3 initiatives à modérer »
    url: str  # the admin list, filtered on what waits


@dataclass(frozen=True)
class Queue:
    """A model's rows that wait, the words for one and for several, and whether acting on them
    takes the right to change (moderation) or only to see (sending an email again).

    `query` is the filter of the admin's list, in its address; it is also the lookup that
    counts them, unless `narrow` (the admin's rows → those waiting) says how the list filter
    of that name chooses them. A queue `only_when_waiting` is left out when it is empty."""

    model: type
    query: dict
    one: str
    many: str
    permission: str = "change"
    narrow: Callable | None = None
    # Told only when something waits (the watch's alerts, which exist only during an alert).
    only_when_waiting: bool = False

    def waiting_among(self, queryset):
        return self.narrow(queryset) if self.narrow else queryset.filter(**self.query)


# The missions' queues name the list filters of missions/admin/filters.py.
QUEUES = [
    Queue(Initiative, {"status__exact": Initiative.Status.PROPOSED}, "initiative à modérer",
          "initiatives à modérer"),
    Queue(Geste, {"status__exact": Geste.Status.PROPOSED}, "proposition de geste à modérer",
          "propositions de gestes à modérer"),
    Queue(Signature, {"status__exact": Signature.Status.PENDING}, "signature à vérifier",
          "signatures à vérifier"),
    Queue(HelpRequest, {"status__exact": HelpRequest.Status.NEW},
          "demande de coup de main à traiter", "demandes de coup de main à traiter"),
    Queue(Mission, {"a_suivre": "propositions"}, "mission avec des propositions à examiner",
          "missions avec des propositions à examiner",
          narrow=lambda missions: missions.with_offers_to_examine()),
    Queue(Mission, {"a_suivre": "a-pourvoir"}, "mission à pourvoir d'ici 7 jours",
          "missions à pourvoir d'ici 7 jours",
          narrow=lambda missions: missions.short_of_volunteers(7)),
    Queue(Mission, {"a_suivre": "souci", "quand": "toutes"}, "mission avec un souci signalé",
          "missions avec un souci signalé", narrow=lambda missions: missions.with_problem()),
    Queue(WatchedPerson, {"veille": "alertes"}, "alerte de la veille canicule à traiter",
          "alertes de la veille canicule à traiter",
          narrow=lambda people: people.filter(open_alert=True), only_when_waiting=True),
    Queue(Delivery, {"status__exact": Delivery.Status.FAILED}, "courriel de suivi en échec",
          "courriels de suivi en échec", "view"),
    Queue(OutgoingEmail, {"status__exact": OutgoingEmail.Status.FAILED},
          "courriel du site en échec", "courriels du site en échec", "view"),
]  # fmt: skip


def waiting_for(request, site=admin.site) -> list[Waiting]:
    """The queues this staff member may act on, each with its count on their territory."""
    waiting = []
    for queue in QUEUES:
        if not site.is_registered(queue.model):
            continue
        model_admin = site.get_model_admin(queue.model)
        if not getattr(model_admin, f"has_{queue.permission}_permission")(request):
            continue
        count = queue.waiting_among(model_admin.get_queryset(request)).count()
        if queue.only_when_waiting and not count:
            continue
        opts = queue.model._meta
        url = reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_changelist")
        label = count_of(count, queue.one, queue.many)
        waiting.append(Waiting(count, label, f"{url}?{urlencode(queue.query)}"))
    return waiting

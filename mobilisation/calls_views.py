"""The page behind the buttons of a mairie's message (calls.answer_path), which works without
signing in: opening the link shows the question and a button; only the button (POST) records
the answer, as mail scanners open links. A damaged or old link says so and changes nothing; a
link opened on another portal's address leads to the same page on the message's own portal."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heurecivique.links import BadLink

from . import calls
from .models import CampaignDelivery

Answer = CampaignDelivery.Answer


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request, token):
    """« Je suis disponible » or « Pas disponible »."""
    try:
        pk, available = calls.read_answer(token)
    except BadLink as error:
        return render(request, "link_invalid.html", {"message": error.message}, status=400)
    delivery = (
        CampaignDelivery.objects.select_related("campaign__territory", "volunteer__user")
        .filter(
            pk=pk,
            status=CampaignDelivery.Status.WRITTEN,
            campaign__asks_availability=True,
            volunteer__user__is_active=True,
        )
        .first()
    )
    if delivery is None:
        message = "Ce lien ne correspond plus à aucun message de votre mairie."
        return render(request, "link_invalid.html", {"message": message}, status=404)
    territory = delivery.campaign.territory
    if request.territory != territory:
        # Its own portal's colours and name, never another's.
        return HttpResponseRedirect(territory.url(request.get_full_path()))
    wanted = Answer.AVAILABLE if available else Answer.UNAVAILABLE
    acted = request.method == "POST"
    if acted:
        delivery = calls.record_answer(delivery=delivery, available=available)
    context = {
        "delivery": delivery,
        "campaign": delivery.campaign,
        "available": available,
        "acted": acted,
        "already": not acted and delivery.answer == wanted,
        "other_url": calls.answer_path(delivery.pk, not available),
    }
    return render(request, "mobilisation/calls/answer.html", context)

"""What the moderation queues share in the admin (gestes, initiatives, signatures of the
Appel): refusing with a reason."""

from django import forms
from django.contrib.admin import helpers
from django.template.response import TemplateResponse


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus, envoyé à l'auteur",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
    )


def reject_with_reason(modeladmin, request, proposals, reject, what="propositions"):
    """An admin action in two steps: ask the reason once, then `reject(item, reason)` each.
    `what` names the items, a feminine plural (« propositions », « signatures »).

    Returns the page asking the reason, or None once done (the admin goes back to its list).
    """
    form = RejectionForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        for item in proposals:
            reject(item, form.cleaned_data["reason"])
        modeladmin.message_user(
            request, f"{len(proposals)} {what} refusée(s) ; leurs auteurs sont prévenus."
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Refuser des {what}",
        "what": what,
        "opts": modeladmin.model._meta,
        "proposals": proposals,
        "form": form,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/reject_with_reason.html", context)

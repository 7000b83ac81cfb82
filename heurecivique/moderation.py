"""What the moderation queues share in the admin (gestes, initiatives, signatures of the
Appel): refusing with a reason, in bulk from the list or with the buttons of one object's page,
and the preview of an object as the public will see it."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from .services import moderate
from .text import count_of

REASON_MISSING = "Indiquez le motif du refus : il est envoyé à l'auteur."


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus, envoyé à l'auteur",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        error_messages={"required": REASON_MISSING},
    )


def reject_with_reason(
    modeladmin, request, proposals, reject, what=("proposition", "propositions")
):
    """An admin action in two steps: ask the reason once, then `reject(item, reason)` each.
    `what` names an item and items, a feminine noun (« proposition », « signature »).

    Returns the page asking the reason, or None once done (the admin goes back to its list).
    """
    form = RejectionForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        for item in proposals:
            reject(item, form.cleaned_data["reason"])
        modeladmin.message_user(
            request,
            count_of(
                len(proposals),
                f"{what[0]} refusée ; son auteur est prévenu.",
                f"{what[1]} refusées ; leurs auteurs sont prévenus.",
            ),
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Refuser des {what[1]}",
        "what": what[1],
        "opts": modeladmin.model._meta,
        "proposals": proposals,
        "form": form,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/reject_with_reason.html", context)


class ModerationButtons:
    """A ModelAdmin mixin: on the page of an object waiting for moderation, « Publier » and
    « Refuser avec un motif » (each a POST to its own address), and on any object's page
    « Voir comme le public ».

    The subclass says which status waits (`waiting_status`), how to publish a queryset
    (`publish_queryset`, also called by its bulk action) and refuse one object (`refuse_one`,
    also called by its bulk action), what the staff read once done (`published_message`,
    `refused_message`, formatted with `obj`), and how the public sees it (`preview_template`,
    `preview_context`)."""

    change_form_template = "admin/moderation_change_form.html"
    waiting_status = None
    published_message = "« {obj} » est publié."
    refused_message = "« {obj} » est refusé ; son auteur reçoit le motif par courriel."
    preview_template = None

    # What each moderated admin must say for itself (ModeratedAdmin says it for the models built
    # on heurecivique.models.moderated(); SignatureAdmin for signatures).
    def publish_queryset(self, request, queryset) -> int:
        raise NotImplementedError(f"{type(self).__name__} must say how it publishes")

    def refuse_one(self, request, obj, reason: str) -> None:
        raise NotImplementedError(f"{type(self).__name__} must say how it refuses")

    def preview_context(self, request, obj) -> dict:
        raise NotImplementedError(f"{type(self).__name__} must say how the public sees it")

    def is_waiting(self, obj) -> bool:
        return obj is not None and obj.status == self.waiting_status

    def _url_name(self, what: str) -> str:
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_{what}"

    def _url(self, what: str, obj) -> str:
        return reverse(f"{self.admin_site.name}:{self._url_name(what)}", args=[obj.pk])

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/publier/",
                wrap(require_POST(self.publish_view)),
                name=self._url_name("publish"),
            ),
            path(
                "<int:pk>/refuser/",
                wrap(require_POST(self.refuse_view)),
                name=self._url_name("refuse"),
            ),
            path(
                "<int:pk>/apercu/",
                wrap(self.preview_view),
                name=self._url_name("preview"),
            ),
        ] + super().get_urls()

    def _object_for(self, request, pk, *, change: bool):
        # Through the scoped list: an object of another territory does not exist here.
        obj = self.get_queryset(request).filter(pk=pk).first()
        if obj is None:
            raise Http404
        allowed = (
            self.has_change_permission(request, obj)
            if change
            else self.has_view_permission(request, obj)
        )
        if not allowed:
            raise PermissionDenied
        return obj

    def _back_to(self, obj):
        return HttpResponseRedirect(self._url("change", obj))

    def publish_view(self, request, pk):
        obj = self._object_for(request, pk, change=True)
        if not self.is_waiting(obj):
            self.message_user(request, "Cette fiche n'attend plus de modération.", messages.WARNING)
        elif self.publish_queryset(request, self.model._default_manager.filter(pk=obj.pk)):
            self.message_user(request, self.published_message.format(obj=obj), messages.SUCCESS)
        else:
            self.message_user(request, "Cette fiche ne peut pas être publiée.", messages.WARNING)
        return self._back_to(obj)

    def refuse_view(self, request, pk):
        obj = self._object_for(request, pk, change=True)
        form = RejectionForm(request.POST)
        if not self.is_waiting(obj):
            self.message_user(request, "Cette fiche n'attend plus de modération.", messages.WARNING)
        elif not form.is_valid():
            self.message_user(request, " ".join(form.errors["reason"]), messages.ERROR)
        else:
            self.refuse_one(request, obj, form.cleaned_data["reason"])
            self.message_user(request, self.refused_message.format(obj=obj), messages.SUCCESS)
        return self._back_to(obj)

    def preview_view(self, request, pk):
        """The public page of this object as it is now, published or not: for staff only
        (the admin's own sign-in), and kept out of search engines."""
        obj = self._object_for(request, pk, change=False)
        context = {
            **self.preview_context(request, obj),
            "public_template": self.preview_template,
            "preview_of": obj,
            "preview_back": self._url("change", obj),
        }
        response = TemplateResponse(request, "admin/public_preview.html", context)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(
                moderation_waiting=self.is_waiting(obj)
                and self.has_change_permission(request, obj),
                moderation_form=RejectionForm(),
                moderation_publish_url=self._url("publish", obj),
                moderation_refuse_url=self._url("refuse", obj),
                moderation_preview_url=self._url("preview", obj),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


class ModeratedAdmin(ModerationButtons):
    """ModerationButtons for a moderated model (heurecivique.models.moderated): its buttons,
    its bulk actions (« approve »/« publish » of the subclass, « reject » here) and a status
    changed by hand in its form all decide through heurecivique.services.moderate."""

    def publishable(self, queryset):
        """What « Publier » takes among the chosen objects: those waiting for moderation."""
        return queryset.filter(status=self.waiting_status)

    @transaction.atomic
    def publish_queryset(self, request, queryset) -> int:
        chosen = list(self.publishable(queryset).select_related(self.model.author_field))
        for item in chosen:
            moderate(item=item, moderator=request.user, status=item.Status.PUBLISHED)
        return len(chosen)

    def refuse_one(self, request, obj, reason: str) -> None:
        moderate(item=obj, moderator=request.user, status=obj.Status.REJECTED, note=reason)

    @admin.action(description="Refuser les propositions sélectionnées, avec un motif")
    def reject(self, request, queryset):
        waiting = queryset.filter(status=self.waiting_status)
        return reject_with_reason(
            self,
            request,
            list(waiting.select_related(self.model.author_field)),
            lambda item, reason: self.refuse_one(request, item, reason),
        )

    def save_model(self, request, obj, form, change):
        previous = form.initial.get("status")
        super().save_model(request, obj, form, change)
        # A status changed by hand goes through the same steps as the buttons and actions.
        if obj.status not in (previous, obj.Status.PROPOSED):
            note = obj.moderation_note if obj.status == obj.Status.REJECTED else ""
            moderate(item=obj, moderator=request.user, status=obj.status, note=note)

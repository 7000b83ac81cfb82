"""The error summary of a page whose form came back with errors (RGAA 11.10, WCAG 3.3.1).

base.html asks for it once, so that every form of the site, allauth's included, starts with the
same summary without each template having to remember it.
"""

from dataclasses import dataclass

from django import template
from django.forms import BaseForm, BaseFormSet

register = template.Library()


@dataclass(frozen=True)
class FieldError:
    label: str
    message: str
    # The id of the control the link leads to; empty for an error about the whole form.
    anchor: str


def _anchor(bound_field) -> str:
    if bound_field.is_hidden:
        return ""
    # A group of radio buttons has no label of its own (Django leaves its id_for_label empty):
    # the link leads to its first button, as crispy renders it (id_<name>_0).
    return bound_field.id_for_label or f"{bound_field.auto_id}_0"


def _form_errors(form: BaseForm) -> list[FieldError]:
    errors = [FieldError("", message, "") for message in form.non_field_errors()]
    for name, messages in form.errors.items():
        if name == "__all__":
            continue
        bound_field = form[name]
        label = "" if bound_field.is_hidden else str(bound_field.label or "")
        errors += [FieldError(label, message, _anchor(bound_field)) for message in messages]
    return errors


def _bound_forms(context):
    """The submitted forms and formsets of the page, each once, in the order the view gave them.

    Only a POST submits: the GET forms are searches and filters read from the address, which
    ignore a bad value rather than report it (GesteFilterForm.filter)."""
    request = context.get("request")
    if request is None or request.method != "POST":
        return
    seen = set()
    for value in context.flatten().values():
        if isinstance(value, BaseForm | BaseFormSet) and value.is_bound and id(value) not in seen:
            seen.add(id(value))
            yield value


@register.simple_tag(takes_context=True)
def form_errors(context) -> list[FieldError]:
    """Every error of the page's bound forms and formsets, each with the field it is about."""
    errors = []
    for form in _bound_forms(context):
        if isinstance(form, BaseFormSet):
            errors += [FieldError("", message, "") for message in form.non_form_errors()]
            for member in form.forms:
                errors += _form_errors(member)
        else:
            errors += _form_errors(form)
    return errors

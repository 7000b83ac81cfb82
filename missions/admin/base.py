"""What the missions' admins share: who works on missions, on which communes, and what an
association's referent reaches (the missions of their own associations, nothing else)."""

import functools

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from heurecivique.text import long_date
from territories.admin import MANAGERS, TerritoryScopedAdmin
from territories.models import Membership
from territories.scope import staff_scope

from ..models import Association

# The mairie and its CCAS, the department and the national team. Not the moderators: they look
# after the site's content, not after the people helped.
MISSION_ROLES = MANAGERS | {Membership.Role.COMMUNE_AGENT}


def moment(when) -> str:
    """« samedi 14 juin 2026, 10 h », « mardi 1er décembre 2026, 18 h 30 »."""
    local = timezone.localtime(when)
    hour = f"{local.hour} h" + (f" {local:%M}" if local.minute else "")
    return f"{long_date(local, 'l j F Y')}, {hour}"


def works_on_missions(request) -> bool:
    """Whether this person runs the missions of a territory (not only an association's)."""
    if not (request.user.is_active and request.user.is_staff):
        return False
    scope = staff_scope(request)
    return scope.is_national or bool(scope.roles & MISSION_ROLES)


def referent_association_ids(request) -> frozenset[int]:
    """The associations this person is a referent of, in the communes where they hold that
    role (read once per request)."""
    if not hasattr(request, "_referent_association_ids"):
        scope = staff_scope(request)
        ids = frozenset()
        if scope.referent_commune_ids and request.user.is_staff:
            ids = frozenset(
                Association.objects.filter(
                    referents=request.user, commune__in=scope.referent_commune_ids
                ).values_list("pk", flat=True)
            )
        request._referent_association_ids = ids
    return request._referent_association_ids


def is_referent_only(request) -> bool:
    """An association's referent with no other role on missions: their pages and forms are
    narrowed to their associations' missions."""
    return not works_on_missions(request) and bool(referent_association_ids(request))


def add_errors(form, error: ValidationError) -> None:
    """A service's refusal, under the form's field it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class MissionsScopedAdmin(TerritoryScopedAdmin):
    """A missions admin: the rows of the communes the staff member's territories cover."""

    territory_field = "commune"
    view_roles = add_roles = change_roles = delete_roles = MISSION_ROLES

    def scope_queryset(self, queryset, scope):
        return queryset.filter(**{f"{self.territory_field}__in": scope.communes()})

    def admin_context(self, request, title: str, **context) -> dict:
        """What every admin page needs (header, breadcrumbs), with its title."""
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **context,
        }


def object_page(*, change: bool = True):
    """A custom admin page about one object (`<path:object_id>/…`). The object comes through
    the scoped list: another territory's, or an id that names nothing (« ² »), gets the admin's
    own answer to an unknown id; `change`: the page acts, and needs the right to change it."""

    def decorate(view):
        @functools.wraps(view)
        def page(self, request, object_id, *args, **kwargs):
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
            if change:
                allowed = self.has_change_permission(request, obj)
            else:
                allowed = self.has_view_permission(request, obj)
            if not allowed:
                raise PermissionDenied
            return view(self, request, obj, *args, **kwargs)

        return page

    return decorate

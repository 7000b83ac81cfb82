"""What a staff member may see: the territories of their roles and the territories below them."""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Value

from .models import Commune, Department, Membership, Territory


@dataclass(frozen=True)
class StaffScope:
    is_national: bool
    roles: frozenset[str]
    territory_ids: frozenset[int]
    department_ids: frozenset[int]
    # Where the person is an association's referent: that role opens only the missions of their
    # association (missions/admin), never the territory's content, so it is kept apart from the
    # roles and territories above.
    referent_commune_ids: frozenset[int] = frozenset()
    # The communes of the commune portals among `territory_ids`.
    commune_ids: frozenset[int] = frozenset()

    @property
    def works_on_content(self) -> bool:
        """Whether this person works on a territory's content; an elected official only reads
        its dashboard."""
        return self.is_national or bool(self.roles - {Membership.Role.ELECTED})

    @property
    def is_elected_only(self) -> bool:
        """An elected official with no other role: the dashboard without personal data."""
        return not self.is_national and self.roles == {Membership.Role.ELECTED}

    def territories(self):
        """The territories this person manages: theirs, and for a department its communes'."""
        if self.is_national:
            return Territory.objects.all()
        return Territory.objects.filter(pk__in=self.territory_ids_managed)

    @cached_property
    def territory_ids_managed(self) -> frozenset[int]:
        """territories() as numbers, read once (not for the national team): as constants in a
        query rather than a subquery, the planner sees how few portals these are and reads
        the long lists filtered by them (the follow-up's emails) through their indexes."""
        below = Territory.objects.filter(
            kind=Territory.Kind.COMMUNE, commune__department__in=self.department_ids
        )
        below = below.values_list("pk", flat=True) if self.department_ids else []
        return self.territory_ids | frozenset(below)

    def communes(self):
        """The communes covered by the territories this person manages."""
        if self.is_national:
            return Commune.objects.all()
        # Constants, not a join to the portals: the planner then sees how few communes this is
        # and reads the long lists of hours and volunteers through their indexes.
        return Commune.objects.filter(
            Q(department__in=self.department_ids) | Q(pk__in=self.commune_ids)
        )

    def manages(self, territory) -> bool:
        """Whether this person holds a role on this very portal (or is national staff)."""
        return self.is_national or territory.pk in self.territory_ids

    # A resident's contact (name, address): the national team sees it; the others only where
    # the resident agreed to be contacted by their mairie, on their volunteer profile
    # (volunteers.Volunteer.contact_consent_at, named by path: territories knows no other app).

    def sees_contact(self, volunteer) -> bool:
        """Whether this person may see the contact of the resident with this volunteer
        profile (None for a resident without one)."""
        return self.is_national or getattr(volunteer, "contact_consent_at", None) is not None

    def sees_contact_of(self, person: str) -> Q:
        """sees_contact as a filter on the resident at `person`, a path to an account."""
        return (
            Q()
            if self.is_national
            else Q(**{f"{person}__volunteer__contact_consent_at__isnull": False})
        )

    def contact_visible(self, person: str):
        """sees_contact as an annotation on the resident at `person`, a path to an account.
        A subquery rather than a join: counting a long list then reads the list alone."""
        if self.is_national:
            return ExpressionWrapper(Value(True), output_field=BooleanField())
        profile = get_user_model()._meta.get_field("volunteer")
        consenting = profile.related_model._default_manager.filter(
            **{profile.field.name: OuterRef(person), "contact_consent_at__isnull": False}
        )
        return Exists(consenting)

    def departments(self):
        """The departments this person works in."""
        if self.is_national:
            return Department.objects.all()
        return Department.objects.filter(
            Q(pk__in=self.department_ids)
            | Q(pk__in=Commune.objects.filter(pk__in=self.commune_ids).values("department"))
        )


def scope_for_user(user) -> StaffScope:
    if not user.is_authenticated or not user.is_active:
        return StaffScope(False, frozenset(), frozenset(), frozenset())
    memberships = list(Membership.objects.filter(user=user).select_related("territory"))
    referent = Membership.Role.ASSOCIATION_REFERENT
    staff = [m for m in memberships if m.role != referent]
    roles = frozenset(m.role for m in staff)
    return StaffScope(
        is_national=user.is_superuser or Membership.Role.NATIONAL_ADMIN in roles,
        roles=roles,
        territory_ids=frozenset(m.territory_id for m in staff),
        department_ids=frozenset(
            m.territory.department_id
            for m in staff
            if m.territory.kind == Territory.Kind.DEPARTMENT
        ),
        referent_commune_ids=frozenset(
            m.territory.commune_id for m in memberships if m.role == referent
        ),
        commune_ids=frozenset(
            m.territory.commune_id for m in staff if m.territory.kind == Territory.Kind.COMMUNE
        ),
    )


def staff_scope(request) -> StaffScope:
    """The scope of the signed-in person, computed once per request."""
    if not hasattr(request, "_staff_scope"):
        request._staff_scope = scope_for_user(request.user)
    return request._staff_scope

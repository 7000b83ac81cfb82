from django.contrib.auth.backends import BaseBackend

from .models import Membership


class NationalAdminBackend(BaseBackend):
    """National administrators hold every permission through their role, as superusers do."""

    def _is_national_admin(self, user) -> bool:
        if not user.is_active or user.is_anonymous:
            return False
        if not hasattr(user, "_is_national_admin"):
            user._is_national_admin = Membership.objects.filter(
                user=user, role=Membership.Role.NATIONAL_ADMIN
            ).exists()
        return user._is_national_admin

    def has_perm(self, user_obj, perm, obj=None):
        return self._is_national_admin(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return self._is_national_admin(user_obj)

"""The missions in the admin: the needs and their volunteers, the people helped, the residents'
requests, the partner associations and their referents."""

from . import associations, beneficiaries, missions, requests  # noqa: F401

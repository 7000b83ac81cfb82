"""What makes a generated document or picture belong to a portal: its name, colours, logo,
address and who speaks in it. The toolbox's documents, the share images and the badges are
drawn from a Branding."""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.files.storage import default_storage
from django.urls import reverse
from reportlab.lib import colors

from .models import portal_name
from .places import Place


@dataclass(frozen=True)
class Branding:
    """What makes a document belong to a portal, and who speaks in it."""

    territory_name: str  # empty for the national portal
    primary_color: str
    secondary_color: str
    logo_path: str | None
    site_url: str
    join_url: str
    territory_key: str
    kind: str = "national"  # Territory.Kind
    place: Place | None = None  # None for the national portal
    authority: str = "l'équipe nationale de L'Heure Civique"  # Territory.authority
    signatory: tuple[str, ...] = ("L'équipe nationale de L'Heure Civique",)
    press_contact: str = ""

    @property
    def portal_name(self) -> str:
        return portal_name(self.territory_name)

    @property
    def site_label(self) -> str:
        return urlsplit(self.site_url).netloc

    @property
    def key(self) -> str:
        address = hashlib.sha256(self.site_url.encode()).hexdigest()[:8]
        return f"{self.territory_key}-{address}"

    @property
    def primary(self):
        return colors.HexColor(self.primary_color)

    @property
    def secondary(self):
        return colors.HexColor(self.secondary_color)


def branding_for(request, territory=None) -> Branding:
    """The branding of a portal (by default the one of the request), with its address: the
    address of the request when it is on that portal, else the portal's own."""
    territory = territory or request.territory
    site_url = None
    if territory == request.territory:
        site_url = request.build_absolute_uri("/").rstrip("/")
    return branding_of(territory, site_url)


def branding_of(territory, site_url: str | None = None) -> Branding:
    """The branding of a portal outside any request (a report built by a worker), at its own
    address unless `site_url` is given."""
    logo = None
    if territory.logo and default_storage.exists(territory.logo.name):
        logo = territory.logo.path
    site_url = site_url or territory.url("").rstrip("/")
    return Branding(
        territory_name="" if territory.is_national else territory.name,
        primary_color=territory.primary_color,
        secondary_color=territory.secondary_color,
        logo_path=logo,
        site_url=site_url,
        join_url=site_url + reverse("volunteers:join"),
        territory_key=territory.branding_key,
        kind=territory.kind,
        place=None if territory.is_national else territory.place,
        authority=territory.authority,
        signatory=tuple(territory.signatory),
        press_contact=territory.press_contact,
    )

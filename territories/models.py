import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, validate_domain_name
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.http.request import split_domain_port
from django.utils import timezone

from heurecivique.text import search_key

from . import places
from .colors import validate_primary_color, validate_secondary_color


class Department(models.Model):
    """A French département (reference data from the Code officiel géographique)."""

    code = models.CharField("code", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)
    # Insee's « type de nom en clair »: which article the name takes (see territories/places.py).
    tncc = models.PositiveSmallIntegerField("article (TNCC de l'Insee)", null=True, blank=True)

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def place(self) -> places.Place:
        """Its name with its article: « dans le Loiret », « de la Gironde »."""
        return places.department(self.name, self.tncc, self.code)


NAME_WITH_DEPARTMENT = re.compile(r"^(?P<name>.+?)\s*\((?P<department>\w{2,3})\)$")
POSTAL_CODE_AND_NAME = re.compile(r"^(?P<postal_code>\d{2,5})\b\s*(?P<name>.*)$")


class CommuneQuerySet(models.QuerySet):
    def search(self, text: str, *, anywhere: bool = False):
        """Communes matching what a resident typed, most populous first.

        Understands a postal code or its start (« 450 »), a name or its start, accents and case
        ignored (« orleans »), both (« 45000 Orléans »), and the way communes are shown on
        the site (« Orléans (45) »). `anywhere` finds the name inside (« jean de braye »).
        """
        text = text.strip()
        queryset = self
        if match := NAME_WITH_DEPARTMENT.match(text):
            queryset = queryset.filter(department__code=match["department"].upper())
            text = match["name"]
        if match := POSTAL_CODE_AND_NAME.match(text):
            queryset = queryset.filter(postal_codes__contains=f" {match['postal_code']}")
            text = match["name"]
        elif not search_key(text):
            return self.none()
        if key := search_key(text):
            lookup = "search_name__contains" if anywhere else "search_name__startswith"
            queryset = queryset.filter(**{lookup: key})
        return queryset.order_by(F("population").desc(nulls_last=True), "name")


class Commune(models.Model):
    """A current French commune (reference data, loaded by `manage.py load_communes`)."""

    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=100)
    search_name = models.CharField(max_length=100, db_index=True, editable=False)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="communes", verbose_name="département"
    )
    # Space-separated and space-framed (" 45000 45100 "), so a prefix search is a `contains`.
    postal_codes = models.CharField("codes postaux", max_length=255, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    tncc = models.PositiveSmallIntegerField("article (TNCC de l'Insee)", null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["name", "insee_code"]

    def __str__(self):
        return f"{self.name} ({self.department_code})"

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name)
        super().save(*args, **kwargs)

    @property
    def department_code(self) -> str:
        # The INSEE code starts with the department code: no query needed to show it.
        return self.insee_code[:3] if self.insee_code.startswith("97") else self.insee_code[:2]

    @property
    def postal_code_list(self) -> list[str]:
        return self.postal_codes.split()

    @property
    def place(self) -> places.Place:
        """Its name with its article: « à Orléans », « au Mans », « des Lilas »."""
        return places.commune(self.name, self.tncc)


class TerritoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def national(self) -> "Territory":
        return self.get(kind=Territory.Kind.NATIONAL)

    def for_commune(self, commune: Commune) -> "Territory":
        """The portal a commune belongs to: its own, or its department's, or the national one."""
        return self.for_area(department_id=commune.department_id, commune_id=commune.pk)

    def for_area(self, *, department_id: int | None, commune_id: int | None = None) -> "Territory":
        """The portal of a commune, or of a department alone (an official elected there):
        the commune's own, else the department's, else the national one."""
        area = Q(kind=Territory.Kind.NATIONAL)
        if department_id is not None:
            area |= Q(kind=Territory.Kind.DEPARTMENT, department_id=department_id)
        if commune_id is not None:
            area |= Q(kind=Territory.Kind.COMMUNE, commune_id=commune_id)
        candidates = {t.kind: t for t in self.active().filter(area)}
        return (
            candidates.get(Territory.Kind.COMMUNE)
            or candidates.get(Territory.Kind.DEPARTMENT)
            or candidates[Territory.Kind.NATIONAL]
        )


# Sub-domains of the portal domain that no portal may take: www is the national site's.
RESERVED_SLUGS = frozenset({"www", "admin", "api", "mail", "static", "media"})


def validate_portal_slug(slug: str) -> None:
    if slug in RESERVED_SLUGS:
        raise ValidationError(f"L'identifiant « {slug} » est réservé : choisissez-en un autre.")


PROGRAMME = "L'Heure Civique"


def portal_name(territory_name: str = "") -> str:
    """How a portal signs its pages, emails and documents: « L'Heure Civique · Loiret », and
    the programme's name alone on the national portal."""
    return f"{PROGRAMME} · {territory_name}" if territory_name else PROGRAMME


def portal_domain() -> str:
    """The domain under which portals live (lheurecivique.fr), without a port."""
    return split_domain_port(settings.PORTAL_DOMAIN)[0] or settings.PORTAL_DOMAIN


class Territory(models.Model):
    """A portal: the national site, a department's or a commune's, with its own name and colours."""

    class Kind(models.TextChoices):
        NATIONAL = "national", "National"
        DEPARTMENT = "departement", "Département"
        COMMUNE = "commune", "Commune"

    kind = models.CharField("type", max_length=12, choices=Kind.choices)
    slug = models.SlugField(
        "identifiant",
        max_length=60,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
                "Des lettres minuscules sans accent, des chiffres et des tirets, sans tiret au "
                "début ni à la fin : il forme l'adresse du portail.",
            ),
            validate_portal_slug,
        ],
        help_text="Donne l'adresse du portail : loiret → loiret.lheurecivique.fr.",
    )
    name = models.CharField("nom affiché", max_length=120)
    department = models.OneToOneField(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="territory",
        verbose_name="département",
    )
    commune = models.OneToOneField(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="territory",
        verbose_name="commune",
    )
    logo = models.ImageField("logo", upload_to="territoires/logos/", blank=True)
    primary_color = models.CharField(
        "couleur principale",
        max_length=7,
        default="#1b3a6b",
        validators=[validate_primary_color],
        help_text="Fond de l'en-tête et des boutons, sous un texte blanc : une teinte foncée.",
    )
    secondary_color = models.CharField(
        "couleur secondaire",
        max_length=7,
        default="#ffd27a",
        validators=[validate_secondary_color],
        help_text="Fond des bandeaux et des encadrés, sous un texte noir : une teinte claire.",
    )
    welcome_text = models.TextField(
        "mot d'accueil",
        blank=True,
        help_text="Affiché sur la page d'accueil du portail. Texte simple, sans mise en forme.",
    )
    signatory_name = models.CharField(
        "signataire des documents",
        max_length=120,
        blank=True,
        help_text="Le nom imprimé sous les lettres du portail, par exemple « Marc Gaudet ». "
        "Vide : la fonction seule.",
    )
    signatory_title = models.CharField(
        "fonction du signataire",
        max_length=160,
        blank=True,
        help_text="Telle qu'elle s'imprime sous la signature, au féminin ou au masculin : "
        "« Présidente du Conseil départemental du Loiret », « Maire d'Orléans ». Vide : « Le "
        "Président du Conseil départemental » ou « Le Maire » du territoire.",
    )
    press_contact = models.TextField(
        "contact presse",
        blank=True,
        help_text="Imprimé à la fin du communiqué de presse : nom, service, téléphone, "
        "courriel. Vide : le service communication de la collectivité et l'adresse du portail.",
    )
    is_active = models.BooleanField(
        "portail en ligne",
        default=True,
        help_text="Hors ligne, l'adresse du portail mène au portail national.",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "territoire"
        verbose_name_plural = "territoires"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="national"),
                name="territories_single_national_portal",
                violation_error_message="Il existe déjà un portail national.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="national", department__isnull=True, commune__isnull=True)
                    | Q(kind="departement", department__isnull=False, commune__isnull=True)
                    | Q(kind="commune", department__isnull=True, commune__isnull=False)
                ),
                name="territories_kind_matches_area",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == self.Kind.DEPARTMENT:
            if not self.department_id:
                errors["department"] = "Choisissez le département de ce portail."
            self.commune = None
        elif self.kind == self.Kind.COMMUNE:
            if not self.commune_id:
                errors["commune"] = "Choisissez la commune de ce portail."
            self.department = None
        else:
            self.department = None
            self.commune = None
            if not self.is_active:
                # Every other address falls back to it: without it no page can be served.
                errors["is_active"] = "Le portail national reste en ligne."
        if errors:
            raise ValidationError(errors)

    @property
    def is_national(self) -> bool:
        return self.kind == self.Kind.NATIONAL

    @property
    def portal_name(self) -> str:
        return portal_name("" if self.is_national else self.name)

    @property
    def place(self) -> places.Place:
        """Where the portal is, with its article: « dans le Loiret », « à Orléans », « en
        France »; every sentence that names the territory takes it from here."""
        if self.kind == self.Kind.DEPARTMENT and self.department_id:
            return self.department.place
        if self.kind == self.Kind.COMMUNE and self.commune_id:
            return self.commune.place
        return places.FRANCE

    @property
    def signatory(self) -> list[str]:
        """The lines under a letter of this portal: the name entered by its staff, and the
        title, by default the one of the office that speaks for the territory."""
        title = self.signatory_title
        if not title:
            if self.kind == self.Kind.DEPARTMENT:
                title = f"Le Président du Conseil départemental {self.place.of}"
            elif self.kind == self.Kind.COMMUNE:
                title = f"Le Maire {self.place.of}"
            else:
                title = "L'équipe nationale de L'Heure Civique"
        return [line for line in (self.signatory_name, title) if line]

    @property
    def authority(self) -> str:
        """The body that speaks for the portal: « le Département du Loiret », « la commune
        d'Orléans »."""
        if self.kind == self.Kind.DEPARTMENT:
            return f"le Département {self.place.of}"
        if self.kind == self.Kind.COMMUNE:
            return f"la commune {self.place.of}"
        return "l'équipe nationale de L'Heure Civique"

    def shows(self, field: str = "territory") -> Q:
        """What content this portal shows: national (no territory), its own, and on a commune
        portal its department's. `field` is the path from the content to its territory."""
        if self.is_national:
            return Q(**{f"{field}__isnull": True})
        shown = Q(**{f"{field}__isnull": True}) | Q(**{field: self})
        if self.kind == self.Kind.COMMUNE:
            shown |= Q(
                **{
                    f"{field}__kind": self.Kind.DEPARTMENT,
                    f"{field}__department_id": self.commune.department_id,
                }
            )
        return shown

    def covers(self, commune_field: str = "commune") -> Q:
        """The rows on the communes this portal covers (every row on the national portal);
        `commune_field` is the path from the row to its commune. QuerySets name it on_portal."""
        if self.is_national:
            return Q()
        return Q(**{f"{commune_field}__in": self.communes()})

    def communes(self):
        """The communes this portal covers."""
        if self.kind == self.Kind.DEPARTMENT:
            return Commune.objects.filter(department_id=self.department_id)
        if self.kind == self.Kind.COMMUNE:
            return Commune.objects.filter(pk=self.commune_id)
        return Commune.objects.all()

    @property
    def own_hosts(self) -> list[str]:
        """The addresses the portal has by right: the national domain (and www.), or
        <slug>.<portal domain>; `.localhost` ones for development."""
        domain = portal_domain()
        if self.is_national:
            return [domain, f"www.{domain}", "localhost"]
        return [f"{self.slug}.{domain}", f"{self.slug}.localhost"]

    def url(self, path: str = "/") -> str:
        """The absolute address of a page on this portal, as links in emails need it."""
        domain = settings.PORTAL_DOMAIN
        host = domain if self.is_national else f"{self.slug}.{domain}"
        return f"{settings.PORTAL_SCHEME}://{host}{path}"

    @property
    def branding_key(self) -> str:
        """Changes whenever what a branded document shows changes: name and place, colours,
        logo, signatory and press contact."""
        branding = ":".join(
            [
                self.slug,
                self.name,
                self.place.in_,
                self.primary_color,
                self.secondary_color,
                self.logo.name or "",
                self.signatory_name,
                self.signatory_title,
                self.press_contact,
            ]
        )
        return hashlib.sha256(branding.encode()).hexdigest()[:16]

    @property
    def theme_version(self) -> str:
        """Changes whenever the colours change, so browsers may cache the theme forever."""
        colours = f"{self.pk}:{self.primary_color}:{self.secondary_color}"
        return hashlib.sha256(colours.encode()).hexdigest()[:10]


def reserved_host_reason(name: str) -> str:
    """Why a custom domain cannot be given to a portal (empty when it can): the portal domain
    and all its sub-domains belong to the portals' own addresses."""
    domain = portal_domain()
    # The programme's own domain is reserved even where portals live elsewhere (development).
    for reserved in (domain, "lheurecivique.fr", "localhost"):
        if name == reserved or name.endswith(f".{reserved}"):
            return (
                f"« {name} » est une adresse de L'Heure Civique : chaque portail y a déjà la "
                f"sienne (identifiant.{domain}). Indiquez ici un domaine de votre collectivité."
            )
    return ""


class PortalHost(models.Model):
    """A custom domain of a portal (heurecivique.orleans.fr): one portal per domain.

    The unique index is what stops a portal from answering on another's address; the portal
    domain and its sub-domains are refused on validation (they are the portals' own)."""

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="custom_hosts", verbose_name="portail"
    )
    name = models.CharField(
        "nom de domaine",
        max_length=253,
        unique=True,
        error_messages={"unique": "Ce nom de domaine mène déjà à un portail."},
        help_text="Par exemple heurecivique.orleans.fr. Il doit aussi être dirigé vers le site "
        "et ajouté par l'équipe technique à DJANGO_ALLOWED_HOSTS.",
    )

    class Meta:
        verbose_name = "autre nom de domaine"
        verbose_name_plural = "autres noms de domaine"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(name=Lower("name")), name="territories_portalhost_lowercase"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = self.name.strip().lower().rstrip(".")
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.name = self.name.strip().lower().rstrip(".")
        try:
            validate_domain_name(self.name)
        except ValidationError:
            raise ValidationError(
                {"name": f"« {self.name} » n'est pas un nom de domaine valide."}
            ) from None
        if "." not in self.name:
            raise ValidationError({"name": "Indiquez un nom de domaine complet (avec son point)."})
        if reason := reserved_host_reason(self.name):
            raise ValidationError({"name": reason})


class MembershipQuerySet(models.QuerySet):
    def handling(self, commune) -> "MembershipQuerySet":
        """Who handles what happens in a commune (a request for help, a problem reported): the
        agents of its own portal, else the officers of its department, else the national team;
        active accounts only."""
        active = self.filter(user__is_active=True)
        for level in (
            Q(role=Membership.Role.COMMUNE_AGENT, territory__commune_id=commune.pk),
            Q(role=Membership.Role.DEPARTMENT_OFFICER,
              territory__department_id=commune.department_id),
            Q(role=Membership.Role.NATIONAL_ADMIN),
        ):  # fmt: skip
            if (holders := active.filter(level)).exists():
                return holders
        return self.none()


class Membership(models.Model):
    """A staff role held by a person on a territory; it opens the administration to them."""

    class Role(models.TextChoices):
        NATIONAL_ADMIN = "national", "Administrateur national"
        DEPARTMENT_OFFICER = "departement", "Référent départemental"
        COMMUNE_AGENT = "commune", "Agent de mairie ou de CCAS"
        MODERATOR = "moderateur", "Modérateur"
        # Posts and follows the missions of their own association (missions.Association's
        # referents), in its commune, and nothing else.
        ASSOCIATION_REFERENT = "association", "Référent d'association"
        # An elected official of a commune or a department: reads its dashboard and its report
        # (pilotage), without personal data, and changes nothing.
        ELECTED = "elu", "Élu ou élue (consultation du tableau de bord)"

    # Which kind of territory each role is held on; a moderator can serve at any level.
    ROLE_KINDS = {
        Role.NATIONAL_ADMIN: {Territory.Kind.NATIONAL},
        Role.DEPARTMENT_OFFICER: {Territory.Kind.DEPARTMENT},
        Role.COMMUNE_AGENT: {Territory.Kind.COMMUNE},
        Role.MODERATOR: set(Territory.Kind.values),
        Role.ASSOCIATION_REFERENT: {Territory.Kind.COMMUNE},
        Role.ELECTED: {Territory.Kind.COMMUNE, Territory.Kind.DEPARTMENT},
    }
    # Who may receive the territory's quarterly report: those who answer for the territory.
    REPORT_ROLES = frozenset(
        {Role.ELECTED, Role.COMMUNE_AGENT, Role.DEPARTMENT_OFFICER, Role.NATIONAL_ADMIN}
    )

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="personne",
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="memberships", verbose_name="territoire"
    )
    role = models.CharField("rôle", max_length=12, choices=Role.choices)
    summary_enabled = models.BooleanField(
        "reçoit le bilan mensuel", default=True, help_text="Le bilan du territoire, chaque mois."
    )
    # The élus' quarterly report (pilotage.tasks.send_quarterly_reports), for those who ask.
    report_enabled = models.BooleanField(
        "reçoit le bilan trimestriel",
        default=False,
        help_text="« Le bilan de l'Heure Civique » du territoire, en PDF, au début de chaque "
        "trimestre (janvier, avril, juillet, octobre).",
    )
    created_at = models.DateTimeField("depuis le", default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "rôle d'un membre de l'équipe"
        verbose_name_plural = "rôles des membres de l'équipe"
        ordering = ["territory__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "territory", "role"],
                name="territories_membership_unique",
                violation_error_message="Cette personne a déjà ce rôle sur ce territoire.",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.territory})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # A role is what opens the administration; there is no separate switch to forget.
        if not self.user.is_staff:
            self.user.is_staff = True
            self.user.save(update_fields=["is_staff"])

    def clean(self):
        super().clean()
        if not (self.role and self.territory_id):
            return
        if self.territory.kind not in self.ROLE_KINDS[self.role]:
            kind = self.territory.get_kind_display().lower()
            raise ValidationError(
                {"role": f"Ce rôle ne peut pas être donné sur un territoire de type « {kind} »."}
            )
        if self.report_enabled and self.role not in self.REPORT_ROLES:
            raise ValidationError(
                {
                    "report_enabled": "Le bilan trimestriel est envoyé aux élus, aux agents de "
                    "mairie et aux référents du territoire : pas à ce rôle."
                }
            )


class Quartier(models.Model):
    """A neighbourhood as the mairie names it, offered to the volunteers of its commune."""

    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="quartiers", verbose_name="commune"
    )
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "quartier"
        verbose_name_plural = "quartiers"
        ordering = ["commune__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "name"],
                name="territories_quartier_unique",
                violation_error_message="Ce quartier existe déjà dans cette commune.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.commune.name})"

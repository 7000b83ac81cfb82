"""Needs turned into actions: a mission posted by the mairie, its CCAS or a partner association,
the person it helps (never public), the volunteers who take part, and the résidents' requests
for a hand that the mairie turns into missions."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Q, When
from django.utils import timezone

from gestes.models import Theme
from heurecivique.months import add_months
from territories.models import Commune
from volunteers.models import MAX_MINUTES, MIN_MINUTES, CivicHour, Skill, Volunteer

MAX_PLACES = 200
# The accepted volunteer sees the helped person's contact until this many days after the
# mission; then it is gone from their pages and emails.
DETAILS_VISIBLE_DAYS = 3
# A helped person's record is anonymised this many months after their last mission (or after
# it was written, when no mission came of it).
BENEFICIARY_RETENTION_MONTHS = 12
# A recurring need creates at most this many occurrences ahead (a weekly visit: six months).
MAX_OCCURRENCES = 26
# What the apps above keep about a helped person and forget with them: each adds its function of
# the Beneficiary here, explicitly, when it loads (mobilisation's watch: its calls' notes).
ON_ANONYMISE: list = []


class Association(models.Model):
    """A partner association of a commune, whose referents post and manage its own missions."""

    name = models.CharField("nom", max_length=150)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="associations", verbose_name="commune"
    )
    description = models.CharField(
        "présentation", max_length=300, blank=True, help_text="Une phrase, montrée au public."
    )
    referents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="associations",
        verbose_name="référents",
        help_text="Les personnes qui publient et suivent les missions de l'association.",
    )
    created_at = models.DateTimeField("ajoutée le", default=timezone.now)

    class Meta:
        verbose_name = "association partenaire"
        verbose_name_plural = "associations partenaires"
        ordering = ["commune__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "name"],
                name="missions_association_unique",
                violation_error_message="Cette association existe déjà dans cette commune.",
            ),
        ]

    def __str__(self):
        return self.name


class BeneficiaryQuerySet(models.QuerySet):
    def on_portal(self, territory):
        return self.filter(territory.covers())

    def to_anonymise(self, today: datetime.date):
        """The records kept past their retention: BENEFICIARY_RETENTION_MONTHS after their
        last mission, or after they were written when no mission came of them. A person on
        the heatwave watch's list is kept as long after their consent was last recorded (the
        mairie renews it each year, as for the « registre canicule »)."""
        cutoff = add_months(today, -BENEFICIARY_RETENTION_MONTHS)
        since = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
        return (
            self.filter(anonymised_at__isnull=True, created_at__lt=since)
            .exclude(watched=True, consent_at__gte=since)
            .annotate(last_mission=models.Max("missions__starts_at"))
            .filter(Q(last_mission__isnull=True) | Q(last_mission__lt=since))
        )


class Beneficiary(models.Model):
    """A person helped, registered by the mairie or its CCAS on their behalf (most are not
    online). Never public: only the commune's staff, and the volunteer accepted for one of
    their missions for a few days, see who they are."""

    class Consent(models.TextChoices):
        PHONE = "telephone", "Par téléphone"
        PAPER = "papier", "Sur papier"
        IN_PERSON = "en-personne", "En personne"
        ONLINE = "en-ligne", "Sur le site (demande en ligne)"

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="beneficiaries", verbose_name="commune"
    )
    quartier = models.CharField("quartier", max_length=100, blank=True)
    name = models.CharField("nom et prénom", max_length=150)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    address = models.CharField("adresse", max_length=250, blank=True)
    needs = models.TextField("aide souhaitée", max_length=1000, blank=True)
    constraints = models.TextField(
        "contraintes",
        max_length=1000,
        blank=True,
        help_text="Horaires, mobilité, animal, escalier… ce que le ou la volontaire doit savoir.",
    )
    consent_how = models.CharField(
        "accord donné", max_length=12, choices=Consent.choices, default=Consent.PHONE
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="accord recueilli par",
    )
    consent_at = models.DateTimeField("accord recueilli le", default=timezone.now)
    watched = models.BooleanField(
        "à appeler pendant une alerte canicule ou grand froid",
        default=False,
        help_text="Pendant une alerte, un ou deux volontaires de son quartier l'appellent chaque "
        "matin et disent à la mairie comment elle va. La personne doit en être d'accord ; sa "
        "fiche est gardée tant que son accord a moins d'un an : renouvelez-le chaque année.",
    )
    created_at = models.DateTimeField("enregistrée le", default=timezone.now)
    anonymised_at = models.DateTimeField("anonymisée le", null=True, blank=True)

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = "personne aidée"
        verbose_name_plural = "personnes aidées"
        ordering = ["-created_at"]
        indexes = [
            # The heatwave watch reads the few people flagged in a commune, never the others.
            models.Index(
                fields=["commune"], condition=Q(watched=True), name="missions_beneficiary_watched"
            ),
        ]

    def __str__(self):
        return self.name

    def anonymise(self, *, at: datetime.datetime | None = None) -> None:
        """Forget who the person is; the missions done for them stay, counted. Their own
        request for help, if they made one, goes too."""
        HelpRequest.objects.filter(mission__beneficiary=self).delete()
        # The private details of their missions hold their door code, their floor…
        self.missions.update(details="")
        self.name = "Personne anonymisée"
        self.phone = self.address = self.needs = self.constraints = self.quartier = ""
        self.watched = False
        self.anonymised_at = at or timezone.now()
        self.save()
        for forget in ON_ANONYMISE:
            forget(self)


class MissionQuerySet(models.QuerySet):
    def on_portal(self, territory):
        return self.filter(territory.covers())

    def public(self):
        """What the public list shows: open missions still to come, and the collective
        actions already full, whose waiting list is still open."""
        return self.filter(
            Q(status=Mission.Status.OPEN)
            | Q(status=Mission.Status.FILLED, kind=Mission.Kind.COLLECTIVE),
            starts_at__gt=timezone.now(),
        )

    def near_first(self, volunteer):
        """Annotate `closeness` (0 in the volunteer's quartier, 1 in their commune, 2 in their
        department, 3 elsewhere) and order by it, then by date: « près de chez moi » first."""
        levels = [
            When(commune_id=volunteer.commune_id, then=1),
            When(commune__department_id=volunteer.commune.department_id, then=2),
        ]
        if volunteer.quartier:
            levels.insert(
                0,
                When(commune_id=volunteer.commune_id, quartier__iexact=volunteer.quartier, then=0),
            )
        return self.annotate(
            closeness=Case(*levels, default=3, output_field=models.PositiveSmallIntegerField())
        ).order_by("closeness", "starts_at", "pk")

    def ahead(self):
        """Still to come and not closed: where the staff's answers matter."""
        return self.filter(
            status__in=[Mission.Status.OPEN, Mission.Status.FILLED], starts_at__gt=timezone.now()
        )

    def with_offers_to_examine(self):
        """Those still ahead where a volunteer's offer waits for the staff's answer."""
        offered = Participation.objects.filter(
            mission=OuterRef("pk"), status=Participation.Status.OFFERED
        )
        return self.ahead().filter(Exists(offered))

    def with_problem(self):
        """Those not yet closed where a volunteer reported « un souci » the day after: the
        staff call, then mark the mission done (or enter the volunteer's hour)."""
        problem = Participation.objects.filter(
            mission=OuterRef("pk"), status=Participation.Status.PROBLEM
        )
        return self.filter(Exists(problem)).exclude(
            status__in=[Mission.Status.DONE, Mission.Status.CANCELLED]
        )

    def short_of_volunteers(self, days: int = 7):
        """Those starting within `days` days with a place still free."""
        now = timezone.now()
        return self.filter(
            status=Mission.Status.OPEN,
            starts_at__gt=now,
            starts_at__lte=now + datetime.timedelta(days=days),
        )

    def with_counts(self):
        """Annotate `accepted_count` and `waiting_count` (one query, no loop)."""
        return self.annotate(
            accepted_count=Count(
                "participations",
                filter=Q(participations__status__in=Participation.HOLDS_A_PLACE),
            ),
            waiting_count=Count(
                "participations", filter=Q(participations__status=Participation.Status.WAITING)
            ),
        )


class Mission(models.Model):
    """A need turned into an action: one person helps another, a collective action of the
    commune with places, or a hand given to an association."""

    class Kind(models.TextChoices):
        NEIGHBOURS = "voisins", "Entre voisins"
        COLLECTIVE = "collective", "Action collective pour la commune"
        ASSOCIATION = "association", "Coup de main à une association"

    class Status(models.TextChoices):
        OPEN = "ouverte", "Ouverte"
        FILLED = "pourvue", "Pourvue"
        DONE = "realisee", "Réalisée"
        CANCELLED = "annulee", "Annulée"

    class Recurrence(models.TextChoices):
        NONE = "", "Une seule fois"
        WEEKLY = "semaine", "Chaque semaine"
        FORTNIGHTLY = "quinzaine", "Toutes les deux semaines"

    kind = models.CharField("type de mission", max_length=12, choices=Kind.choices)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="missions", verbose_name="commune"
    )
    quartier = models.CharField("quartier", max_length=100, blank=True)
    title = models.CharField("titre", max_length=120)
    summary = models.TextField(
        "ce qui est demandé",
        max_length=1000,
        help_text="Montré au public : des mots qui ne permettent de reconnaître personne "
        "(ni nom, ni adresse, ni téléphone).",
    )
    details = models.TextField(
        "informations pour le ou la volontaire retenu(e)",
        max_length=2000,
        blank=True,
        help_text="Lieu de rendez-vous, code d'entrée… Visible seulement des volontaires "
        "retenus, jusqu'à quelques jours après la mission.",
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="missions", verbose_name="compétences utiles"
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="missions", verbose_name="thèmes"
    )
    starts_at = models.DateTimeField("le")
    minutes = models.PositiveSmallIntegerField(
        "durée (minutes)",
        default=60,
        validators=[
            MinValueValidator(MIN_MINUTES, f"Indiquez au moins {MIN_MINUTES} minutes."),
            MaxValueValidator(MAX_MINUTES, f"Au plus {MAX_MINUTES // 60} heures."),
        ],
    )
    places = models.PositiveSmallIntegerField(
        "nombre de volontaires",
        default=1,
        validators=[
            MinValueValidator(1, "Il faut au moins une place."),
            MaxValueValidator(MAX_PLACES, f"Au plus {MAX_PLACES} places."),
        ],
    )
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.OPEN)
    association = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="missions",
        verbose_name="association",
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="missions",
        verbose_name="personne aidée",
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="publiée par",
    )
    recurrence = models.CharField(
        "répétition", max_length=10, choices=Recurrence.choices, default="", blank=True
    )
    repeat_until = models.DateField("jusqu'au", null=True, blank=True)
    series = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="occurrences",
        verbose_name="première de la série",
    )
    created_at = models.DateTimeField("publiée le", default=timezone.now)
    matched_at = models.DateTimeField("premier volontaire retenu le", null=True, blank=True)
    done_at = models.DateTimeField("réalisée le", null=True, blank=True)

    objects = MissionQuerySet.as_manager()

    class Meta:
        verbose_name = "mission"
        verbose_name_plural = "missions"
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(places__gte=1) & Q(places__lte=MAX_PLACES),
                name="missions_mission_places_bounded",
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=MIN_MINUTES) & Q(minutes__lte=MAX_MINUTES),
                name="missions_mission_minutes_bounded",
            ),
            models.CheckConstraint(
                condition=~Q(kind="association") | Q(association__isnull=False),
                name="missions_association_mission_names_it",
                violation_error_message="Choisissez l'association qui propose ce coup de main.",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == self.Kind.ASSOCIATION and not self.association_id:
            errors["association"] = "Choisissez l'association qui propose ce coup de main."
        if (
            self.association_id
            and self.commune_id
            and self.association.commune_id != (self.commune_id)
        ):
            errors["association"] = "Cette association n'est pas de la commune de la mission."
        if (
            self.beneficiary_id
            and self.commune_id
            and self.beneficiary.commune_id != (self.commune_id)
        ):
            errors["beneficiary"] = "Cette personne n'habite pas la commune de la mission."
        if self.kind == self.Kind.NEIGHBOURS and self.places and self.places > 5:
            errors["places"] = "Une aide entre voisins se donne à cinq personnes au plus."
        starts_changed = self._state.adding or (
            self.starts_at
            != type(self).objects.filter(pk=self.pk).values_list("starts_at", flat=True).first()
        )
        if self.starts_at and starts_changed and self.starts_at <= timezone.now():
            errors["starts_at"] = "Cette date est passée : choisissez un moment à venir."
        if self.recurrence and not self.repeat_until:
            errors["repeat_until"] = "Dites jusqu'à quand la mission se répète."
        if self.repeat_until and self.starts_at:
            if self.repeat_until < timezone.localtime(self.starts_at).date():
                errors["repeat_until"] = "Cette date précède la première mission."
        if errors:
            raise ValidationError(errors)

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.minutes)

    @property
    def day(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def is_past(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def details_visible_until(self) -> datetime.datetime:
        """Until when its accepted volunteers see the helped person's contact."""
        return self.ends_at + datetime.timedelta(days=DETAILS_VISIBLE_DAYS)


class Participation(models.Model):
    """A volunteer on a mission: offered, invited, accepted, waiting for a place, and what
    came of it the day after."""

    class Status(models.TextChoices):
        OFFERED = "proposee", "S'est proposé·e"
        INVITED = "invitee", "Invité·e, sans réponse"
        ACCEPTED = "retenue", "Retenu·e"
        WAITING = "attente", "En liste d'attente"
        DECLINED = "declinee", "Pas disponible cette fois"
        REFUSED = "non-retenue", "Non retenu·e"
        WITHDRAWN = "retiree", "S'est retiré·e"
        DONE = "faite", "Mission faite"
        NOT_HAPPENED = "annulee", "N'a pas eu lieu"
        PROBLEM = "souci", "Un souci signalé"

    # The statuses that take one of the mission's places.
    HOLDS_A_PLACE = (Status.ACCEPTED, Status.DONE, Status.PROBLEM)
    # The statuses in which the volunteer may still step back, before the mission.
    MAY_WITHDRAW = (Status.OFFERED, Status.INVITED, Status.ACCEPTED, Status.WAITING)

    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="participations", verbose_name="mission"
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name="volontaire",
    )
    status = models.CharField("état", max_length=12, choices=Status.choices)
    created_at = models.DateTimeField("depuis le", default=timezone.now)
    invited_at = models.DateTimeField("invité·e le", null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="invité·e par",
    )
    answered_at = models.DateTimeField("réponse le", null=True, blank=True)
    accepted_at = models.DateTimeField("retenu·e le", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("rappel de la veille le", null=True, blank=True)
    follow_up_sent_at = models.DateTimeField("« Ça s'est bien passé ? » le", null=True, blank=True)
    outcome_at = models.DateTimeField("suite donnée le", null=True, blank=True)
    problem = models.TextField("le souci", max_length=1000, blank=True)
    hour = models.OneToOneField(
        CivicHour,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participation",
        verbose_name="heure comptée",
    )

    class Meta:
        verbose_name = "participation"
        verbose_name_plural = "participations"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "volunteer"],
                name="missions_one_participation_per_volunteer",
                violation_error_message="Ce ou cette volontaire est déjà sur cette mission.",
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "status"])]

    def __str__(self):
        return f"{self.mission} — {self.get_status_display()}"

    @property
    def holds_a_place(self) -> bool:
        return self.status in self.HOLDS_A_PLACE

    @property
    def sees_details(self) -> bool:
        """Whether its volunteer sees the helped person's contact and the private details:
        accepted, and until a few days after the mission."""
        return self.holds_a_place and timezone.now() <= self.mission.details_visible_until


class HelpRequest(models.Model):
    """« J'ai besoin d'un coup de main »: a resident's request, which the mairie reads, calls
    back and, when it can, turns into a mission."""

    class Status(models.TextChoices):
        NEW = "nouvelle", "À traiter"
        ACCEPTED = "mission", "Transformée en mission"
        REFUSED = "refusee", "Sans suite"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="help_requests",
        verbose_name="compte",
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="help_requests", verbose_name="commune"
    )
    quartier = models.CharField("quartier", max_length=100, blank=True)
    name = models.CharField("nom et prénom", max_length=150)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    for_someone_else = models.BooleanField("demande faite pour quelqu'un d'autre", default=False)
    what = models.TextField("aide souhaitée", max_length=1000)
    when = models.CharField("quand", max_length=200, blank=True)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="traitée par",
    )
    handled_at = models.DateTimeField("traitée le", null=True, blank=True)
    answer = models.TextField("réponse de la mairie", max_length=1000, blank=True)
    mission = models.OneToOneField(
        Mission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="request",
        verbose_name="mission créée",
    )
    created_at = models.DateTimeField("reçue le", default=timezone.now)

    class Meta:
        verbose_name = "demande de coup de main"
        verbose_name_plural = "demandes de coup de main"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email=""),
                name="missions_help_request_reachable",
                violation_error_message="Laissez un téléphone ou une adresse électronique.",
            ),
        ]

    def __str__(self):
        return f"Demande n° {self.pk} ({self.commune.name})"


class DetailsView(models.Model):
    """One look at a helped person's contact, by staff or by a volunteer: the log the person
    (or the CNIL) may ask to see."""

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="views", verbose_name="personne aidée"
    )
    mission = models.ForeignKey(
        Mission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="mission",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="vue par",
    )
    where = models.CharField("où", max_length=80)
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "consultation des coordonnées"
        verbose_name_plural = "consultations des coordonnées"
        ordering = ["-at"]

    def __str__(self):
        return f"Consultation du {timezone.localtime(self.at):%d/%m/%Y %H:%M}"


def new_calendar_secret() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A volunteer's personal calendar of their missions, at a secret address they may
    change at any time (which cuts off the old one)."""

    volunteer = models.OneToOneField(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name="volontaire",
    )
    secret = models.CharField("adresse secrète", max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "agenda personnel"
        verbose_name_plural = "agendas personnels"

    def __str__(self):
        return f"Agenda du volontaire n° {self.volunteer_id}"

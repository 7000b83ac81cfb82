import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from gestes.models import Geste, Theme
from heurecivique.months import add_months, first_of_month, next_month, previous_month
from territories.models import Commune

MIN_MINUTES = 5
MAX_MINUTES = 480


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day`, in Paris."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


# --- Accounts nobody uses any more (the CNIL's retention rule) -----------------------------------
# A volunteer's account is kept INACTIVITY_MONTHS after the person's last activity (see
# VolunteerQuerySet.with_last_activity), then anonymised: warned first by email (follow_up/),
# then anonymised by a nightly task (inactivity.py).
INACTIVITY_MONTHS = 24
# What counts as activity, besides logging an hour: signing in, the creation of the account and
# of the volunteer profile, « Garder mon compte » in a warning email.
ACTIVITY_FIELDS = ["user__last_login", "user__date_joined", "created_at", "kept_at"]


def anonymisation_date(last_activity: datetime.datetime) -> datetime.date:
    """The day an account unused since `last_activity` reaches the end of its retention."""
    return add_months(timezone.localdate(last_activity), INACTIVITY_MONTHS)


def inactive_before(day: datetime.date) -> datetime.datetime:
    """The accounts whose last activity is before this moment reach their anonymisation date on
    `day` or earlier (exactly as anonymisation_date counts)."""
    last_day = add_months(day, -INACTIVITY_MONTHS)
    # A 29th of February reaches its two years on the 28th, as the 28th does.
    while anonymisation_date(start_of_day(last_day + datetime.timedelta(days=1))) <= day:
        last_day += datetime.timedelta(days=1)
    return start_of_day(last_day + datetime.timedelta(days=1))


class Skill(models.Model):
    """Something a volunteer knows how to do (bricolage, numérique…), for the mairie to call on."""

    name = models.CharField("nom", max_length=80, unique=True)
    slug = models.SlugField("identifiant", max_length=80, unique=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "compétence"
        verbose_name_plural = "compétences"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Availability(models.TextChoices):
    WEEKDAYS = "semaine", "En semaine, en journée"
    EVENINGS = "soirs", "En semaine, le soir"
    WEEKENDS = "week-end", "Le week-end"
    HOLIDAYS = "vacances", "Pendant les vacances scolaires"


class VolunteerQuerySet(models.QuerySet):
    def on_portal(self, territory):
        """The volunteers living in the communes a portal covers."""
        return self.filter(territory.covers())

    def with_pledge_state(self, *, select: bool = True):
        """Annotate `has_open_pledge` and `is_paused` (one query, no loop); `select=False`
        only names them for a filter, without reading them for every row."""
        open_pledges = Pledge.objects.filter(volunteer=OuterRef("pk"), ended_on__isnull=True)
        open_pauses = PledgePause.objects.current().filter(
            pledge__volunteer=OuterRef("pk"), pledge__ended_on__isnull=True
        )
        state = {"has_open_pledge": Exists(open_pledges), "is_paused": Exists(open_pauses)}
        return self.annotate(**state) if select else self.alias(**state)

    def with_active_pledge(self):
        """Volunteers whose pledge is running: neither paused nor stopped."""
        return self.with_pledge_state().filter(has_open_pledge=True, is_paused=False)

    def with_last_activity(self):
        """Annotate `last_activity`, « dernière activité »: the latest of the person's last
        sign-in, the creation of their account and profile, their last hour logged and their
        « Garder mon compte ». An hour counts when it was logged (`created_at`), not the day it
        was given: noting today last week's hour is today's activity."""
        last_hour = (
            CivicHour.objects.filter(volunteer=OuterRef("pk"))
            .order_by("-created_at")
            .values("created_at")[:1]
        )
        # Greatest() is empty on some databases as soon as one value is: the account's creation,
        # never empty, stands in for the others.
        joined = F("user__date_joined")
        return self.annotate(
            last_activity=Greatest(
                *(Coalesce(F(field), joined) for field in ACTIVITY_FIELDS),
                Coalesce(Subquery(last_hour), joined),
            )
        )

    def inactive_by(self, day: datetime.date):
        """The volunteers whose account reaches its anonymisation date on `day` or earlier.
        Staff accounts are left out: their roles, not this rule, say how long they stay."""
        cutoff = inactive_before(day)
        # Each mark of activity compared first on its own: the database leaves out the active
        # accounts from their own row, before it looks for their last hour.
        each_before = [
            Q(**{f"{field}__lt": cutoff}) | Q(**{f"{field}__isnull": True})
            for field in ACTIVITY_FIELDS
        ]
        return (
            self.filter(*each_before, user__isnull=False, user__is_staff=False)
            .with_last_activity()
            .filter(last_activity__lt=cutoff)
        )


def inactivity_warning(kind: str, *, before: datetime.datetime | None = None, settled=False):
    """A condition on volunteers annotated with_last_activity(): they got this inactivity
    warning since their last activity (planned `before` a moment; `settled`: its sending over,
    whatever came of it)."""
    warnings = Delivery.objects.filter(
        user=OuterRef("user_id"), kind=kind, created_at__gt=OuterRef("last_activity")
    )
    if before is not None:
        warnings = warnings.filter(created_at__lt=before)
    if settled:
        warnings = warnings.exclude(status=Delivery.Status.QUEUED)
    return Exists(warnings)


class Volunteer(models.Model):
    """A resident who gives (or has given) their monthly hour.

    When the account is deleted, the row stays without anything personal (no user, no
    quartier, no interests) so that the programme's statistics do not change.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name="compte",
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="volunteers", verbose_name="commune"
    )
    quartier = models.CharField("quartier", max_length=100, blank=True)
    interests = models.ManyToManyField(
        Theme, blank=True, related_name="volunteers", verbose_name="centres d'intérêt"
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="volunteers", verbose_name="compétences"
    )
    availability = models.JSONField("disponibilités", default=list, blank=True)
    reminder_day = models.PositiveSmallIntegerField(
        "jour du rappel mensuel",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    reminders_enabled = models.BooleanField("rappels mensuels", default=True)
    nudges_enabled = models.BooleanField("relances de fin de mois", default=True)
    reengagement_enabled = models.BooleanField("nouvelles après une longue absence", default=True)
    calls_enabled = models.BooleanField("messages de ma mairie", default=True)
    contact_consent_at = models.DateTimeField(
        "accepte d'être contacté par sa mairie depuis le", null=True, blank=True
    )
    emergency_available_at = models.DateTimeField(
        "disponible en cas d'urgence depuis le",
        null=True,
        blank=True,
        help_text="Coché par le ou la volontaire : sa mairie peut l'appeler lors d'une crise.",
    )
    created_at = models.DateTimeField("inscrit le", default=timezone.now)
    kept_at = models.DateTimeField(
        "compte gardé le",
        null=True,
        blank=True,
        help_text="Le dernier clic sur « Garder mon compte » dans un avertissement d'inactivité.",
    )

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = "volontaire"
        verbose_name_plural = "volontaires"
        ordering = ["-created_at"]
        indexes = [
            # The admin's list of volunteers, newest first (the ordering above, then the id
            # the admin adds), read a page at a time.
            models.Index(fields=["created_at", "id"], name="volunteers_volunteer_list"),
        ]

    def __str__(self):
        # Not the person's name: this shows in the admin (its history, its checkboxes) where
        # a volunteer who did not agree to be contacted must stay unnamed.
        return f"Volontaire n° {self.pk}"

    def clean(self):
        super().clean()
        unknown = set(self.availability) - set(Availability.values)
        if unknown:
            raise ValidationError({"availability": "Disponibilité inconnue."})

    @property
    def availability_labels(self) -> list[str]:
        return [Availability(code).label for code in self.availability]

    def wants(self, kind: str) -> bool:
        """Whether this volunteer left this kind of follow-up email on (EMAIL_PREFERENCES)."""
        return getattr(self, EMAIL_PREFERENCES[kind])

    @property
    def current_pledge(self) -> "Pledge | None":
        """The pledge not yet stopped, if any (from the prefetched pledges when there are some)."""
        return next((p for p in self.pledges.all() if p.ended_on is None), None)


class Pledge(models.Model):
    """« Je m'engage à donner une heure par mois », from a start to an optional stop."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="pledges", verbose_name="volontaire"
    )
    started_on = models.DateField("depuis le")
    ended_on = models.DateField("arrêté le", null=True, blank=True)

    class Meta:
        verbose_name = "engagement"
        verbose_name_plural = "engagements"
        ordering = ["started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=Q(ended_on__isnull=True),
                name="volunteers_one_open_pledge",
                violation_error_message="Un engagement est déjà en cours.",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="volunteers_pledge_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"Engagement du {self.started_on:%d/%m/%Y}"

    @property
    def open_pause(self) -> "PledgePause | None":
        """The pause under way today (from the prefetched pauses when there are some)."""
        return next((p for p in self.pauses.all() if p.is_current), None)

    @property
    def is_paused(self) -> bool:
        return self.open_pause is not None


class PledgePauseQuerySet(models.QuerySet):
    def current(self):
        """The pauses under way today. A pause given a date of return is over from that date
        on, without anything to update: the reminders resume by themselves."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=timezone.localdate()))


class PledgePause(models.Model):
    """A break in a pledge (holidays, illness): no reminder, and a month paused from its first
    to its last day neither counts nor breaks the streak."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="pauses", verbose_name="engagement"
    )
    started_on = models.DateField("en pause depuis le")
    ended_on = models.DateField(
        "repris le",
        null=True,
        blank=True,
        help_text="Le jour où l'engagement reprend, fixé d'avance ou à la reprise ; vide : "
        "jusqu'à ce que le ou la volontaire reprenne.",
    )

    objects = PledgePauseQuerySet.as_manager()

    class Meta:
        verbose_name = "pause"
        verbose_name_plural = "pauses"
        ordering = ["started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge"],
                condition=Q(ended_on__isnull=True),
                name="volunteers_one_open_pause",
                violation_error_message="L'engagement est déjà en pause.",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="volunteers_pause_ends_after_start",
                violation_error_message="La reprise ne peut pas précéder le début de la pause.",
            ),
        ]

    def __str__(self):
        return f"Pause du {self.started_on:%d/%m/%Y}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None or self.ended_on > timezone.localdate()


class CivicHourQuerySet(models.QuerySet):
    def on_portal(self, territory):
        return self.filter(territory.covers("volunteer__commune"))

    def in_month(self, month: datetime.date):
        return self.filter(done_on__gte=month, done_on__lt=next_month(month))


class CivicHour(models.Model):
    """An hour (or so) given by a volunteer: « j'ai fait mon heure »."""

    class Source(models.TextChoices):
        DECLARED = "declaree", "Déclarée par le ou la volontaire"
        MISSION = "mission", "Validée par une mission"
        STAFF = "equipe", "Saisie par la mairie"

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="hours", verbose_name="volontaire"
    )
    done_on = models.DateField("fait le")
    minutes = models.PositiveSmallIntegerField(
        "durée (minutes)",
        default=60,
        validators=[
            MinValueValidator(MIN_MINUTES, f"Indiquez au moins {MIN_MINUTES} minutes."),
            MaxValueValidator(
                MAX_MINUTES, f"Au plus {MAX_MINUTES // 60} heures pour une même action."
            ),
        ],
    )
    geste = models.ForeignKey(
        Geste,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hours",
        verbose_name="geste accompli",
    )
    note = models.CharField("ce que j'ai fait", max_length=280, blank=True)
    # The volunteer's consent, given with the hour, for the mairie and the department to quote
    # the note in the élus' report (pilotage.report), never with a name.
    note_shareable = models.BooleanField(
        "mots partageables",
        default=False,
        help_text="J'accepte que ma mairie et mon département citent ces mots dans leurs "
        "bilans, sans mon nom.",
    )
    source = models.CharField(
        "origine", max_length=10, choices=Source.choices, default=Source.DECLARED
    )
    created_at = models.DateTimeField("enregistrée le", default=timezone.now)

    objects = CivicHourQuerySet.as_manager()

    class Meta:
        verbose_name = "heure donnée"
        verbose_name_plural = "heures données"
        ordering = ["-done_on", "-created_at"]
        indexes = [
            models.Index(fields=["volunteer", "done_on"]),
            # The last hour logged, read for each volunteer near two years without activity.
            models.Index(fields=["volunteer", "created_at"]),
            # The admin's list of hours, newest first (the ordering above, then the id the
            # admin adds), read a page at a time, a month at a time too.
            models.Index(fields=["done_on", "created_at", "id"], name="volunteers_hour_list"),
            # On a geste's page, the volunteers who did it (stats.done_by): read from the index.
            models.Index(fields=["geste", "volunteer"], name="volunteers_hour_geste"),
            # The few words a report quotes: the newest shareable notes of a period, read from
            # this small index rather than from every hour of the period.
            models.Index(
                fields=["done_on", "created_at"],
                name="volunteers_hour_shared_note",
                condition=Q(note_shareable=True) & ~Q(note=""),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=MIN_MINUTES) & Q(minutes__lte=MAX_MINUTES),
                name="volunteers_civichour_minutes_bounded",
            ),
        ]

    def __str__(self):
        return f"{self.minutes} min le {self.done_on:%d/%m/%Y}"

    def clean(self):
        super().clean()
        if self.done_on and self.done_on > timezone.localdate():
            raise ValidationError({"done_on": "Cette date est dans le futur."})
        if (
            self.done_on
            and self.volunteer_id
            # An hour a mission or the mairie vouches for counts, pledge or not.
            and self.source == self.Source.DECLARED
            # The first month of a pledge counts from its 1st: the hour given on the 1st by
            # someone who signed up on the 2nd is an hour of that month.
            and not self.volunteer.pledges.filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=self.done_on),
                started_on__lt=next_month(self.done_on),
            ).exists()
        ):
            raise ValidationError(
                {
                    "done_on": "À cette date, votre engagement n'avait pas encore commencé : "
                    "choisissez une date à partir de son premier mois."
                }  # fmt: skip
            )

    @property
    def is_editable(self) -> bool:
        """Its owner may correct or remove it during the current and the previous month;
        an hour a mission or the mairie vouches for is theirs to change."""
        return self.source == self.Source.DECLARED and self.done_on >= previous_month(
            first_of_month(timezone.localdate())
        )


class GesteChoice(models.Model):
    """« Je le fais ce mois-ci »: a geste a volunteer means to do this month."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="geste_choices", verbose_name="volontaire"
    )
    geste = models.ForeignKey(
        Geste, on_delete=models.CASCADE, related_name="choices", verbose_name="geste"
    )
    month = models.DateField("mois")
    created_at = models.DateTimeField("choisi le", default=timezone.now)

    class Meta:
        verbose_name = "geste choisi"
        verbose_name_plural = "gestes choisis"
        ordering = ["-month", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "geste", "month"], name="volunteers_one_choice_per_month"
            ),
        ]

    def __str__(self):
        return f"{self.geste} ({self.month:%m/%Y})"


class Delivery(models.Model):
    """One email of the year's follow-up, to one person for one month: the record that makes
    each kind go out once per person and month, written before the email is sent."""

    class Kind(models.TextChoices):
        REMINDER = "rappel", "Rappel mensuel"
        NUDGE = "relance", "Relance de fin de mois"
        COMEBACK = "retour", "Nouvelles après une longue absence"
        SUMMARY = "bilan", "Bilan mensuel du territoire"
        # Their month is the one in which the account reaches two years without activity: one
        # of each per period of inactivity.
        INACTIVE_SOON = "inactif-30", "Compte inactif : avertissement un mois avant"
        INACTIVE_LAST = "inactif-7", "Compte inactif : dernier avertissement"

    class Status(models.TextChoices):
        QUEUED = "attente", "En attente d'envoi"
        SENT = "envoye", "Envoyé"
        FAILED = "echec", "Échec après plusieurs essais"
        BOUNCED = "refuse", "Adresse refusée"
        SKIPPED = "sans-objet", "Pas envoyé"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name="destinataire",
    )
    kind = models.CharField("courriel", max_length=12, choices=Kind.choices)
    month = models.DateField("mois")
    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="portail",
        help_text="Le portail aux couleurs duquel le courriel est envoyé.",
    )
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    detail = models.CharField(
        "détail",
        max_length=300,
        blank=True,
        help_text="La dernière erreur, ou pourquoi rien n'est parti.",
    )
    created_at = models.DateTimeField("prévu le", default=timezone.now)
    enqueued_at = models.DateTimeField("mis en file le", default=timezone.now)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "courriel de suivi"
        verbose_name_plural = "courriels de suivi"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "month"], name="volunteers_one_delivery_per_month"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "enqueued_at"]),
            # The admin's log of the follow-up, by month and newest first (its ordering, then
            # the id the admin adds), read a page at a time, a month at a time too.
            models.Index(fields=["month", "created_at", "id"], name="volunteers_delivery_list"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} de {self.month:%m/%Y}"


class PortalFigures(models.Model):
    """A portal's public counters (volunteers/stats.py), computed for all portals together every
    few minutes, so that no page counts a million hours for a visitor."""

    territory = models.OneToOneField(
        "territories.Territory",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name="portail",
    )
    month = models.DateField("mois des heures du mois")
    volunteers = models.PositiveIntegerField("volontaires engagés")
    communes = models.PositiveIntegerField("communes avec des volontaires")
    hours_this_month = models.PositiveIntegerField("heures données ce mois-ci")
    hours_total = models.PositiveBigIntegerField("heures données en tout")
    computed_at = models.DateTimeField("calculés le")

    class Meta:
        verbose_name = "chiffres d'un portail"
        verbose_name_plural = "chiffres des portails"

    def __str__(self):
        return f"Chiffres du {self.computed_at:%d/%m/%Y %H:%M}"


# The messages a mairie writes to its volunteers (mobilisation's calls) are no follow-up email,
# but people turn them off the same way, on « Mes courriels » and with the one-click link.
MAIRIE_MESSAGES = "mairie"
# At most this many such messages a month reach a volunteer, crisis messages aside: a keen
# agent cannot wear people out (mobilisation.calls enforces it when counting and sending).
MONTHLY_CAP = 2
# The switch on the volunteer for each kind of email they may turn off (the staff's summary is
# switched on their memberships, the inactivity warnings cannot be).
EMAIL_PREFERENCES = {
    Delivery.Kind.REMINDER: "reminders_enabled",
    Delivery.Kind.NUDGE: "nudges_enabled",
    Delivery.Kind.COMEBACK: "reengagement_enabled",
    MAIRIE_MESSAGES: "calls_enabled",
}
# What each kind a person may turn off is called (the unsubscribe page names it).
EMAIL_LABELS = {**dict(Delivery.Kind.choices), MAIRIE_MESSAGES: "Messages de ma mairie"}

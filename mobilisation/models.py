"""The Appel à la Mobilisation Solidaire: its text, and the elected officials who sign it;
the crisis mode of a territory."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from heurecivique.text import render_markdown
from missions.models import Beneficiary
from territories.models import Commune, Department, Territory
from volunteers.models import Volunteer


class Appeal(models.Model):
    """The text of the Appel, written by the national team (one row, made by a migration)."""

    title = models.CharField("titre", max_length=160)
    lead = models.TextField(
        "chapeau", help_text="Le paragraphe d'ouverture, en une phrase ou deux."
    )
    body = models.TextField(
        "texte", help_text="En Markdown : ## pour un intertitre, - pour une liste."
    )
    body_html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "texte de l'Appel"
        verbose_name_plural = "texte de l'Appel"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)


class Mandate(models.TextChoices):
    MAYOR = "maire", "Maire"
    DEPUTY_MAYOR = "adjoint", "Adjoint ou adjointe au maire"
    MUNICIPAL_COUNCILLOR = "conseiller-municipal", "Conseiller ou conseillère municipale"
    DEPARTMENT_COUNCILLOR = "conseiller-departemental", "Conseiller ou conseillère départementale"
    DEPARTMENT_PRESIDENT = (
        "president-departement",
        "Président ou présidente du conseil départemental",
    )
    REGIONAL_COUNCILLOR = "conseiller-regional", "Conseiller ou conseillère régionale"
    MP = "depute", "Député ou députée"
    SENATOR = "senateur", "Sénateur ou sénatrice"


# A named person's title, as they chose to have it written: (masculine, feminine).
TITLES = {
    Mandate.MAYOR: ("maire", "maire"),
    Mandate.DEPUTY_MAYOR: ("adjoint au maire", "adjointe au maire"),
    Mandate.MUNICIPAL_COUNCILLOR: ("conseiller municipal", "conseillère municipale"),
    Mandate.DEPARTMENT_COUNCILLOR: ("conseiller départemental", "conseillère départementale"),
    Mandate.DEPARTMENT_PRESIDENT: (
        "président du conseil départemental",
        "présidente du conseil départemental",
    ),
    Mandate.REGIONAL_COUNCILLOR: ("conseiller régional", "conseillère régionale"),
    Mandate.MP: ("député", "députée"),
    Mandate.SENATOR: ("sénateur", "sénatrice"),
}


# Mandates held in a commune; the others are named by their department.
COMMUNAL_MANDATES = frozenset({Mandate.MAYOR, Mandate.DEPUTY_MAYOR, Mandate.MUNICIPAL_COUNCILLOR})


class SignatureQuerySet(models.QuerySet):
    def shown(self):
        """The signatures on the Appel page and in its counts: confirmed and verified."""
        return self.filter(status=Signature.Status.VERIFIED)


class Signature(models.Model):
    """An elected official's signature: confirmed by email, then verified by staff before it
    is shown. Withdrawing it erases it."""

    class Status(models.TextChoices):
        UNCONFIRMED = "a-confirmer", "Adresse à confirmer"
        PENDING = "a-verifier", "Mandat à vérifier"
        VERIFIED = "verifiee", "Vérifiée, publiée"
        REFUSED = "refusee", "Refusée"

    first_name = models.CharField("prénom", max_length=80)
    last_name = models.CharField("nom", max_length=80)
    mandate = models.CharField("mandat", max_length=24, choices=Mandate.choices)
    feminine = models.BooleanField(
        "titre au féminin", default=False, help_text="« Présidente », « sénatrice »…"
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name="commune",
        help_text="Pour un mandat municipal.",
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="signatures", verbose_name="département"
    )
    # The commune's INSEE code, or the department's code: one signature per person, mandate
    # and place (see the constraint below).
    place_code = models.CharField(max_length=5, editable=False)
    email = models.EmailField("adresse électronique")
    word = models.TextField(
        "mot de soutien", max_length=500, blank=True, help_text="Publié avec la signature."
    )
    status = models.CharField(
        "état", max_length=12, choices=Status.choices, default=Status.UNCONFIRMED
    )
    created_at = models.DateTimeField("signée le", default=timezone.now)
    confirmed_at = models.DateTimeField("adresse confirmée le", null=True, blank=True)
    verified_at = models.DateTimeField("vérifiée le", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="vérifiée par",
    )
    refusal_reason = models.TextField(
        "motif du refus", blank=True, help_text="Envoyé au signataire."
    )

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = "signature"
        verbose_name_plural = "signatures"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "mandate", "place_code"],
                condition=Q(status__in=["a-confirmer", "a-verifier", "verifiee"]),
                name="mobilisation_one_signature_per_mandate",
                violation_error_message="Cette adresse a déjà signé l'Appel pour ce mandat.",
            ),
            models.CheckConstraint(
                condition=Q(commune__isnull=False)
                | ~Q(mandate__in=["maire", "adjoint", "conseiller-municipal"]),
                name="mobilisation_communal_mandate_has_commune",
            ),
        ]
        indexes = [models.Index(fields=["status", "department"])]

    def __str__(self):
        return f"{self.first_name} {self.last_name}, {self.mandate_label}"

    def save(self, *args, **kwargs):
        self._derive()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self._derive()  # before the uniqueness of (address, mandate, place) is checked

    def _derive(self):
        """The lower-case address, and the department and place code from the commune."""
        self.email = self.email.strip().lower()
        if self.commune_id:
            self.department_id = self.commune.department_id
        if self.department_id:
            self.place_code = self.commune.insee_code if self.commune_id else self.department.code

    @property
    def mandate_label(self) -> str:
        """The title alone, as the person chose it: « sénatrice », « adjoint au maire »."""
        masculine, feminine = TITLES[self.mandate]
        return feminine if self.feminine else masculine

    @property
    def title(self) -> str:
        """The title with its place, as a mairie prints it: « maire de Saint-Denis-en-Val »,
        « présidente du conseil départemental du Loiret », « sénatrice de la Gironde »."""
        if self.mandate == Mandate.REGIONAL_COUNCILLOR:
            elected = "élue" if self.feminine else "élu"
            return f"{self.mandate_label} {elected} {self.department.place.in_}"
        place = self.commune.place if self.commune_id else self.department.place
        return f"{self.mandate_label} {place.of}"

    @property
    def place(self) -> str:
        """« Orléans (45) » or « Loiret (45) »."""
        if self.commune_id:
            return f"{self.commune.name} ({self.department.code})"
        return f"{self.department.name} ({self.department.code})"


class CrisisQuerySet(models.QuerySet):
    def running(self, today: datetime.date | None = None):
        """The crises switched on and not over: not switched off, their end date not passed
        (the banner goes on its end date even if the task that ends them has not run)."""
        today = today or timezone.localdate()
        return self.filter(ended_at__isnull=True, ends_on__gte=today, starts_at__lte=timezone.now())

    def concerning(self, portal: Territory):
        """The crises a portal's visitors are told about: the nation's, its own, and on a
        commune's portal its department's."""
        shown = Q(territory__kind=Territory.Kind.NATIONAL) | Q(territory=portal)
        if portal.kind == Territory.Kind.COMMUNE:
            shown |= Q(
                territory__kind=Territory.Kind.DEPARTMENT,
                territory__department_id=portal.commune.department_id,
            )
        return self.filter(shown)


class Crisis(models.Model):
    """A territory in crisis mode (a heatwave, a flood…): switched on by its staff for a few
    days, with a short message to residents; at most one running per territory."""

    class Kind(models.TextChoices):
        HEATWAVE = "canicule", "Canicule"
        COLD = "grand-froid", "Grand froid"
        FLOOD = "inondation", "Inondation"
        EPIDEMIC = "epidemie", "Épidémie"
        OTHER = "autre", "Autre"

    # The kinds during which the watch over vulnerable residents runs (« veille canicule et
    # grand froid »).
    WATCH_KINDS = frozenset({Kind.HEATWAVE, Kind.COLD})

    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="crises", verbose_name="territoire"
    )
    kind = models.CharField("type de crise", max_length=12, choices=Kind.choices)
    message = models.TextField(
        "message aux habitants",
        max_length=400,
        help_text="Deux ou trois phrases : ce qui se passe et ce que chacun peut faire.",
    )
    starts_at = models.DateTimeField("commence le", default=timezone.now)
    ends_on = models.DateField(
        "fin prévue le",
        help_text="Le bandeau disparaît le lendemain ; vous pouvez arrêter avant ou prolonger.",
    )
    ended_at = models.DateTimeField("arrêtée le", null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="déclenchée par",
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="arrêtée par",
    )

    objects = CrisisQuerySet.as_manager()

    class Meta:
        verbose_name = "mode crise"
        verbose_name_plural = "modes crise"
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory"],
                condition=Q(ended_at__isnull=True),
                name="mobilisation_one_crisis_running_per_territory",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.territory})"

    @property
    def name(self) -> str:
        """What residents are told this is, as a title: « Canicule », « Inondation »; an
        « autre » crisis is an « Alerte », never « Autre à Orléans »."""
        return "Alerte" if self.kind == self.Kind.OTHER else self.get_kind_display()

    @property
    def has_watch(self) -> bool:
        return self.kind in self.WATCH_KINDS


# --- The heatwave and cold watch (« veille canicule et grand froid », watch.py) ------------------


class WatchedPersonManager(models.Manager):
    """The people flagged and still known, with the day's state of their calls: `open_alert`,
    `called_today`, `today_outcome` (the alert first, else the latest)."""

    def get_queryset(self):
        today = timezone.localdate()
        calls = WatchCall.objects.filter(beneficiary=OuterRef("pk"))
        return (
            super()
            .get_queryset()
            .filter(watched=True, anonymised_at__isnull=True)
            .annotate(
                open_alert=Exists(calls.filter(alert=True, handled_at__isnull=True)),
                called_today=Exists(calls.filter(day=today)),
                today_outcome=Subquery(
                    calls.filter(day=today).order_by("-alert", "-at").values("outcome")[:1]
                ),
            )
        )


class WatchedPerson(Beneficiary):
    """A helped person the mairie has flagged to be called during an alert (Beneficiary.watched),
    as the watch's admin shows them: their volunteers and the day's calls."""

    objects = WatchedPersonManager()

    class Meta:
        proxy = True
        verbose_name = "personne à appeler"
        verbose_name_plural = "personnes à appeler (veille canicule et grand froid)"


class WatchPairing(models.Model):
    """A volunteer who calls a watched person each morning of an alert: proposed by the staff,
    accepted or declined by the volunteer (a signed link), withdrawn by either."""

    class Status(models.TextChoices):
        PROPOSED = "proposee", "Proposé·e, sans réponse"
        CONFIRMED = "confirmee", "A accepté"
        DECLINED = "declinee", "A décliné"
        ENDED = "terminee", "Retiré·e"

    # The pairings that count towards a person's volunteers.
    ACTIVE = (Status.PROPOSED, Status.CONFIRMED)

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.CASCADE,
        related_name="watch_pairings",
        verbose_name="personne à appeler",
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="watch_pairings",
        verbose_name="volontaire",
    )
    status = models.CharField(
        "état", max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="proposé·e par",
    )
    created_at = models.DateTimeField("proposé·e le", default=timezone.now)
    answered_at = models.DateTimeField("réponse le", null=True, blank=True)
    ended_at = models.DateTimeField("retiré·e le", null=True, blank=True)

    class Meta:
        verbose_name = "binôme de veille"
        verbose_name_plural = "binômes de veille"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "volunteer"],
                condition=Q(status__in=["proposee", "confirmee"]),
                name="mobilisation_one_watch_pairing",
                violation_error_message="Ce ou cette volontaire veille déjà sur cette personne.",
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "status"])]

    def __str__(self):
        return f"Binôme de veille n° {self.pk}"


class WatchCall(models.Model):
    """What one volunteer's call of the day came to, from the buttons of the morning email; an
    alert for the CCAS when the person needs help or cannot be reached twice in a row."""

    class Outcome(models.TextChoices):
        FINE = "bien", "Tout va bien"
        NEED = "besoin", "Besoin d'aide"
        UNREACHABLE = "injoignable", "Injoignable"

    pairing = models.ForeignKey(
        WatchPairing, on_delete=models.CASCADE, related_name="calls", verbose_name="binôme"
    )
    # Said again from the pairing: a person's calls, whoever made them, in one index.
    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.CASCADE,
        related_name="watch_calls",
        verbose_name="personne appelée",
    )
    day = models.DateField("jour")
    outcome = models.CharField("résultat", max_length=12, choices=Outcome.choices)
    note = models.TextField(
        "ce qu'il faut",
        max_length=500,
        blank=True,
        help_text="Quelques mots du ou de la volontaire pour la mairie.",
    )
    at = models.DateTimeField("le", default=timezone.now)
    alert = models.BooleanField("alerte", default=False)
    handled_at = models.DateTimeField("alerte traitée le", null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="alerte traitée par",
    )

    class Meta:
        verbose_name = "appel de veille"
        verbose_name_plural = "appels de veille"
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "day"],
                name="mobilisation_one_watch_call_per_day",
                violation_error_message="Cet appel du jour est déjà noté.",
            ),
        ]
        indexes = [
            models.Index(fields=["beneficiary", "day"]),
            models.Index(
                fields=["beneficiary"],
                condition=Q(alert=True, handled_at__isnull=True),
                name="mobilisation_watch_open_alert",
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} le {self.day:%d/%m/%Y}"


class WatchMorning(models.Model):
    """The morning email of a day of watch to one volunteer: the record that makes it go out
    once per volunteer and day, written with the email."""

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="watch_mornings",
        verbose_name="volontaire",
    )
    day = models.DateField("jour")
    people = models.PositiveSmallIntegerField("personnes à appeler", default=0)
    written_at = models.DateTimeField("écrit le", default=timezone.now)

    class Meta:
        verbose_name = "courriel du matin de la veille"
        verbose_name_plural = "courriels du matin de la veille"
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "day"], name="mobilisation_one_watch_morning_per_day"
            ),
        ]

    def __str__(self):
        return f"Veille du {self.day:%d/%m/%Y}"


# --- Messages aux volontaires (calls.py) --------------------------------------------------------


class Campaign(models.Model):
    """A message written by a territory's staff to a segment of its volunteers who agreed to be
    contacted by their mairie; sent once, after a preview and a confirmation (calls.py). A
    message attached to a running crisis is exempt from the monthly cap, never from consent."""

    class Status(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        SENDING = "envoi", "Envoi en cours"
        SENT = "envoye", "Envoyé"

    class Kind(models.TextChoices):
        CALL = "message", "Message"
        # The thank-you sent when a crisis ends (calls.thank), one per crisis.
        THANKS = "merci", "Remerciement de fin de crise"

    class Pledge(models.TextChoices):
        ANY = "", "Tous, engagés ou non"
        RUNNING = "en-cours", "Engagement en cours (ni en pause, ni arrêté)"
        NOT_RUNNING = "sans", "Sans engagement en cours (en pause ou arrêté)"

    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name="territoire",
        help_text="Le message part aux couleurs de ce portail, à ses volontaires.",
    )
    kind = models.CharField("sorte", max_length=8, choices=Kind.choices, default=Kind.CALL)
    crisis = models.ForeignKey(
        Crisis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name="crise",
        help_text="Un message de crise ne compte pas dans la limite de messages par mois ; il "
        "ne part toujours qu'aux volontaires qui ont accepté d'être contactés.",
    )
    subject = models.CharField("objet", max_length=120)
    body = models.TextField(
        "message",
        max_length=3000,
        help_text="En texte simple ; une ligne vide sépare deux paragraphes. Le courriel "
        "commence par « Bonjour » et le prénom.",
    )
    asks_availability = models.BooleanField(
        "demander une réponse",
        default=False,
        help_text="Ajoute deux boutons, « Je suis disponible » et « Pas disponible », qui "
        "marchent sans connexion ; les réponses s'affichent ici.",
    )
    # The segment: every condition given narrows it; none given, the whole territory.
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="+", verbose_name="communes"
    )
    quartier = models.CharField(
        "quartier", max_length=100, blank=True, help_text="Tel que les volontaires l'écrivent."
    )
    interests = models.ManyToManyField(
        "gestes.Theme", blank=True, related_name="+", verbose_name="centres d'intérêt"
    )
    skills = models.ManyToManyField(
        "volunteers.Skill", blank=True, related_name="+", verbose_name="compétences"
    )
    availability = models.JSONField("disponibilités", default=list, blank=True)
    pledge = models.CharField(
        "engagement", max_length=8, choices=Pledge.choices, default=Pledge.ANY, blank=True
    )
    emergency_only = models.BooleanField(
        "seulement les volontaires « disponibles en cas d'urgence »",
        default=False,
        help_text="Pour un message de crise : ceux qui ont coché « disponible en cas d'urgence ».",
    )
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.DRAFT)
    recipient_count = models.PositiveIntegerField("destinataires", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="écrit par",
    )
    created_at = models.DateTimeField("écrit le", default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="envoyé par",
    )
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "message aux volontaires"
        verbose_name_plural = "messages aux volontaires"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["crisis"],
                condition=Q(kind="merci"),
                name="mobilisation_one_thanks_per_crisis",
            ),
        ]

    def __str__(self):
        return self.subject


class CampaignDelivery(models.Model):
    """One message to one volunteer: written before anything is sent, unique per message and
    volunteer, it makes each go out once (calls.send_batch hands it to the outbox)."""

    class Status(models.TextChoices):
        QUEUED = "attente", "En attente"
        WRITTEN = "ecrit", "Confié à l'envoi"
        SKIPPED = "sans-objet", "Pas envoyé"

    class Answer(models.TextChoices):
        AVAILABLE = "disponible", "Je suis disponible"
        UNAVAILABLE = "indisponible", "Pas disponible"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="deliveries", verbose_name="message"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.CASCADE,
        related_name="call_deliveries",
        verbose_name="volontaire",
    )
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.QUEUED)
    detail = models.CharField("détail", max_length=200, blank=True)
    # The outbox's row while it waits or failed; the outbox deletes it once the SMTP server took
    # it, which empties this field: written, and no email left, is delivered.
    email = models.ForeignKey(
        "heurecivique.OutgoingEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="courriel",
    )
    created_at = models.DateTimeField("prévu le", default=timezone.now)
    enqueued_at = models.DateTimeField("mis en file le", default=timezone.now)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    answer = models.CharField("réponse", max_length=12, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField("répondu le", null=True, blank=True)

    class Meta:
        verbose_name = "envoi d'un message"
        verbose_name_plural = "envois des messages"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "volunteer"], name="mobilisation_one_delivery_per_call"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "enqueued_at"]),
            # The monthly cap: a volunteer's messages sent this month.
            models.Index(fields=["volunteer", "sent_at"], name="mobilisation_call_cap"),
            models.Index(fields=["campaign", "answer"], name="mobilisation_call_answers"),
        ]

    def __str__(self):
        return f"Envoi n° {self.pk}"

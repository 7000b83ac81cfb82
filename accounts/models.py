from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account; the email address is how they sign in."""

    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_active = models.BooleanField(
        "actif",
        default=True,
        help_text="Décochez plutôt que de supprimer : la personne ne peut plus se connecter.",
    )
    is_staff = models.BooleanField(
        "accès à l'administration",
        default=False,
        help_text="Donné automatiquement avec un rôle sur un territoire.",
    )
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)
    email_bounced_at = models.DateTimeField(
        "adresse en échec depuis le",
        null=True,
        blank=True,
        help_text="Un serveur a refusé définitivement cette adresse : plus aucun envoi.",
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self):
        return self.first_name or self.email


class TwoFactorAuthentication(Authenticator):
    """A person's authenticator app, as the national team sees it in the admin."""

    class Meta:
        proxy = True
        verbose_name = "double authentification"
        verbose_name_plural = "doubles authentifications"


class Session(AbstractBaseSession):
    """A browser's session, with the account signed in to it (accounts/sessions.py): deleting
    an account ends all its sessions, on every device, and what they held (Django's own table
    cannot tell whose a session is without decoding every one)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=True
    )

    class Meta:
        verbose_name = "session"
        verbose_name_plural = "sessions"

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore


class AccessRecord(models.Model):
    """One look by staff at volunteers' personal data (accounts/audit.py): who, when, what and
    whose. Kept a year (accounts.tasks.forget_old_access_records), read by the national team."""

    class Action(models.TextChoices):
        VIEW = "consultation", "Consultation de coordonnées"
        EXPORT = "export", "Export de volontaires"
        RESEND = "renvoi", "Renvoi de courriels"

    KEPT_DAYS = 365

    at = models.DateTimeField("le", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="membre de l'équipe",
    )
    action = models.CharField("action", max_length=12, choices=Action.choices)
    description = models.CharField("quoi", max_length=300)
    # The volunteers (or, for a resend, the accounts) concerned, by number: no names here.
    subjects = models.JSONField("numéros concernés", default=list)

    class Meta:
        verbose_name = "accès aux données personnelles"
        verbose_name_plural = "accès aux données personnelles"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.get_action_display()} du {timezone.localtime(self.at):%d/%m/%Y à %H:%M}"

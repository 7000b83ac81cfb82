import base64

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    """An email written by the site (account, moderation, Appel, messages to organisers),
    waiting to be sent by a Celery worker: the row is written with the action, so an email
    survives a broker that is down; it is deleted once the SMTP server has taken it.

    The follow-up emails have their own record (volunteers.Delivery)."""

    class Status(models.TextChoices):
        QUEUED = "attente", "En attente d'envoi"
        FAILED = "echec", "Échec"

    to = models.JSONField("destinataires")
    from_email = models.CharField("expéditeur", max_length=300)
    reply_to = models.JSONField("répondre à", default=list, blank=True)
    headers = models.JSONField("en-têtes", default=dict, blank=True)
    subject = models.CharField("objet", max_length=300)
    body = models.TextField("texte")
    html = models.TextField("version HTML", blank=True)
    # Small text files only (an invitation .ics): [filename, content, mimetype].
    attachments = models.JSONField("pièces jointes", default=list, blank=True)
    status = models.CharField("état", max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    detail = models.CharField("détail", max_length=200, blank=True)
    created_at = models.DateTimeField("écrit le", default=timezone.now)
    enqueued_at = models.DateTimeField("mis en file le", default=timezone.now)

    class Meta:
        verbose_name = "courriel en attente"
        verbose_name_plural = "courriels en attente"
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "enqueued_at"])]

    def __str__(self):
        return self.subject

    @classmethod
    def from_message(cls, message) -> "OutgoingEmail":
        html = next(
            (content for content, mimetype in getattr(message, "alternatives", [])
             if mimetype == "text/html"),
            "",
        )  # fmt: skip
        return cls(
            to=list(message.to),
            from_email=message.from_email,
            reply_to=list(message.reply_to),
            headers=dict(message.extra_headers),
            subject=message.subject,
            body=message.body,
            html=html,
            attachments=[_stored(*attachment) for attachment in message.attachments],
        )

    def message(self, connection=None) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.body,
            from_email=self.from_email,
            to=self.to,
            reply_to=self.reply_to,
            headers=self.headers,
            connection=connection,
        )
        if self.html:
            message.attach_alternative(self.html, "text/html")
        for name, content, mimetype, *encoding in self.attachments:
            # A binary file (a PDF report) is kept in base64; a text one (an .ics) as it is.
            if encoding == ["base64"]:
                content = base64.b64decode(content)
            message.attach(name, content, mimetype)
        return message


def _stored(name, content, mimetype) -> list:
    """An attachment as the JSON of OutgoingEmail keeps it."""
    if isinstance(content, bytes):
        try:
            content = content.decode()
        except UnicodeDecodeError:
            return [name, base64.b64encode(content).decode("ascii"), mimetype, "base64"]
    return [name, content, mimetype]


def moderated(*, feminine: bool = False) -> type[models.Model]:
    """The abstract base of what staff moderate before the public sees it (gestes, initiatives
    and what comes next), with its labels agreeing with the model's name (« modérée par »).

    A subclass defines `status`, whose `Status` holds PROPOSED, PUBLISHED and REJECTED, and
    names in `author_field` the account told of each decision; decisions go through
    heurecivique.services.moderate."""
    moderated_word = "modérée" if feminine else "modéré"

    class Moderated(models.Model):
        moderated_by = models.ForeignKey(
            settings.AUTH_USER_MODEL,
            on_delete=models.SET_NULL,
            null=True,
            blank=True,
            related_name="+",
            verbose_name=f"{moderated_word} par",
        )
        moderated_at = models.DateTimeField(f"{moderated_word} le", null=True, blank=True)
        moderation_note = models.TextField(
            "motif du refus", blank=True, help_text="Envoyé à l'auteur de la proposition."
        )

        author_field = ""

        class Meta:
            abstract = True

        @property
        def author(self):
            return getattr(self, self.author_field)

        def moderation_changes(self) -> list[str]:
            """Set what else a decision changes on the object; return those fields' names."""
            return []

    return Moderated

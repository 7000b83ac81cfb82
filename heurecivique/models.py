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
        return message

"""What each follow-up email says: its subject, its templates under volunteers/email/ and the
context they read, one entry of `EMAILS` per kind; `Composer` writes the messages of a batch."""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, F, Prefetch, Sum, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from gestes.models import MonthTheme
from heurecivique.email import portal_sender
from heurecivique.months import first_of_month, next_month
from heurecivique.text import long_date, of_month
from initiatives.models import Initiative
from territories.models import Membership, Territory

from ..links import Action, action_path, keep_path, unsubscribe_path
from ..models import CivicHour, Delivery, Volunteer
from ..progress import format_duration, progress_for
from ..suggestions import Candidate, candidates, suggested_gestes
from .rules import announced_date

Kind = Delivery.Kind

# In a preview, the buttons lead nowhere: a working link would act for the volunteer.
PREVIEW_LINK = "#apercu"
# How many initiatives near them a volunteer's email shows, and in which order.
NEARBY_INITIATIVES = 2
NEWEST_FIRST = [F("published_at").desc(), F("created_at").desc()]


class Composer:
    """Writes the emails of one batch of deliveries, reading what they need in a handful of
    queries whatever the batch's size.

    Made with the batch, it reads each recipient as rules.reason_not_to_send and the emails read
    them: their volunteer (annotated with_last_activity) with pledges and pauses, hours and
    interests; a staff member's memberships. What the emails of a portal share (the month's
    theme, its gestes, the initiatives near each commune of the batch, a territory's summary)
    is read once, the first time one of its emails needs it."""

    def __init__(self, deliveries: list[Delivery]):
        self._deliveries = deliveries
        self._themes, self._candidates, self._initiatives, self._summaries = {}, {}, {}, {}
        self._urls, self._national = {}, None
        _read_recipients(deliveries)

    def portal(self, territory) -> Territory:
        if territory is not None:
            return territory
        if self._national is None:
            self._national = Territory.objects.national()
        return self._national

    def url(self, territory, viewname: str, *args) -> str:
        """The address of a page on a portal (a geste's, the dashboard…), reversed once."""
        key = (territory.pk, viewname, args)
        if key not in self._urls:
            self._urls[key] = territory.url(reverse(viewname, args=args))
        return self._urls[key]

    def theme(self, territory, month: datetime.date) -> MonthTheme | None:
        key = (territory.pk, month.month)
        if key not in self._themes:
            self._themes[key] = MonthTheme.objects.for_month(territory, month.month)
        return self._themes[key]

    def candidates(self, territory, month: datetime.date) -> list[Candidate]:
        key = (territory.pk, month)
        if key not in self._candidates:
            self._candidates[key] = candidates(territory, month, self.theme(territory, month))
        return self._candidates[key]

    def initiatives(self, volunteer: Volunteer, territory) -> list[Initiative]:
        """Published initiatives of the volunteer's commune first, then of their portal, the
        newest first in each."""
        if territory.pk not in self._initiatives:
            self._initiatives[territory.pk] = self._initiatives_of(territory)
        by_commune, newest = self._initiatives[territory.pk]
        own = by_commune.get(volunteer.commune_id, [])
        elsewhere = [i for i in newest if i.commune_id != volunteer.commune_id]
        return (own + elsewhere)[:NEARBY_INITIATIVES]

    def _initiatives_of(self, territory) -> tuple[dict[int, list[Initiative]], list[Initiative]]:
        """The newest initiatives of each commune of the batch whose emails wear this portal's
        colours, and the portal's newest: two queries for all its emails."""
        communes = {
            delivery.user.volunteer.commune_id
            for delivery in self._deliveries
            if self.portal(delivery.territory).pk == territory.pk
            and getattr(delivery.user, "volunteer", None) is not None
        }
        published = Initiative.objects.published().on_portal(territory).select_related("commune")
        by_commune = defaultdict(list)
        for initiative in (
            published.filter(commune_id__in=communes)
            .annotate(rank=Window(RowNumber(), partition_by="commune_id", order_by=NEWEST_FIRST))
            .filter(rank__lte=NEARBY_INITIATIVES)
            .order_by("commune_id", "rank")
        ):
            by_commune[initiative.commune_id].append(initiative)
        # Enough for a commune with fewer of its own, all of them among the portal's newest.
        newest = list(published.order_by(*NEWEST_FIRST)[: 2 * NEARBY_INITIATIVES - 1])
        return by_commune, newest

    def summary(self, territory, month: datetime.date) -> "TerritorySummary":
        key = (territory.pk, month)
        if key not in self._summaries:
            self._summaries[key] = summary_for(territory, month)
        return self._summaries[key]

    def message(
        self, delivery: Delivery, connection=None, *, live: bool = True, show_name: bool = True
    ) -> EmailMultiAlternatives:
        """The email of a delivery, HTML and plain text, with its unsubscribe headers.

        `live=False` makes a preview: the links that act without signing in lead nowhere, and
        with `show_name=False` the greeting does not name the person."""
        email = EMAILS[delivery.kind]
        territory = self.portal(delivery.territory)
        context = email.context(self, delivery, territory, live)
        if not show_name:
            context["first_name"] = ""
        theme = context.get("theme")
        unsubscribe_url = ""
        if email.unsubscribable:
            unsubscribe_url = (
                territory.url(unsubscribe_path(delivery.user_id, delivery.kind))
                if live
                else PREVIEW_LINK
            )
        context |= {
            "kind": delivery.kind,
            "month": delivery.month,
            "territory": territory,
            "portal_name": territory.portal_name,
            "site_url": territory.url("/"),
            "preferences_url": self.url(territory, "volunteers:email_preferences"),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = email.subject.format(
            month=of_month(delivery.month),
            month_year=of_month(delivery.month, with_year=True),
            theme=theme.title if theme else "une idée près de chez vous",
            date=long_date(context["anonymised_on"]) if "anonymised_on" in context else "",
        )
        template = f"volunteers/email/{email.template}"
        headers = {
            "Message-ID": f"<suivi-{delivery.pk}@{_mail_domain()}>",
            "Auto-Submitted": "auto-generated",
        }
        if unsubscribe_url:
            # RFC 8058: a mail client unsubscribes with one POST to this address.
            headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(f"{template}.txt", context),
            from_email=portal_sender(territory),
            to=[delivery.user.email],
            connection=connection,
            headers=headers,
        )
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
        return message


def _mail_domain() -> str:
    return urlsplit(f"//{settings.PORTAL_DOMAIN}").hostname or "lheurecivique.fr"


def _read_recipients(deliveries: list[Delivery]) -> None:
    """Read with the deliveries' users, in five queries for the whole batch (six with a staff
    summary), what is read of them: their volunteer, annotated with_last_activity, with pledges
    and pauses, hours (the columns used) and interests; and the memberships of the staff to whom
    a summary goes, with their territories in the order of Territory (the summary's blocks)."""
    users = [delivery.user for delivery in deliveries]
    volunteers = {
        volunteer.user_id: volunteer
        for volunteer in Volunteer.objects.filter(user__in=users)
        .with_last_activity()
        .prefetch_related(
            "pledges__pauses",
            "interests",
            Prefetch(
                "hours",
                CivicHour.objects.only("volunteer_id", "done_on", "minutes", "geste_id").order_by(),
            ),
        )
    }
    for user in users:
        if volunteer := volunteers.get(user.pk):
            volunteer.user = user  # and user.volunteer = volunteer
        else:  # known to have none: reading it later asks nothing more of the database
            Volunteer.user.field.remote_field.set_cached_value(user, None)
    prefetch_related_objects(
        [delivery.user for delivery in deliveries if delivery.kind == Kind.SUMMARY],
        Prefetch(
            "memberships",
            Membership.objects.select_related("territory").order_by(
                "territory__kind", "territory__name"
            ),
        ),
    )


# --- The context of each kind ------------------------------------------------------------------


def _volunteer_context(composer: Composer, delivery, territory, live: bool) -> dict:
    """The reminder, the nudge and the « vous nous manquez »: the month, ideas, three buttons."""
    volunteer = delivery.user.volunteer
    month = delivery.month
    progress = progress_for(volunteer)
    this_month = next((m for m in progress.months if m.month == month), None)

    def action(name):
        if not live:
            return PREVIEW_LINK
        return territory.url(action_path(delivery.user_id, name, month))

    gestes = suggested_gestes(
        volunteer, territory, month, among=composer.candidates(territory, month)
    )
    return {
        "volunteer": volunteer,
        "first_name": volunteer.user.first_name,
        "theme": composer.theme(territory, month),
        "done_this_month": bool(this_month and this_month.done),
        "given_this_month": format_duration(this_month.minutes) if this_month else "",
        "streak": progress.current_streak,
        "gestes": [
            (geste, composer.url(territory, "gestes:detail", geste.slug)) for geste in gestes
        ],
        "initiatives": [
            (initiative, composer.url(territory, "initiatives:detail", initiative.slug))
            for initiative in composer.initiatives(volunteer, territory)
        ],
        "done_url": action(Action.DONE),
        "skip_url": action(Action.SKIP),
        "suggest_url": action(Action.SUGGEST),
        "dashboard_url": composer.url(territory, "volunteers:dashboard"),
    }


@dataclass(frozen=True)
class TerritorySummary:
    territory: Territory
    new_volunteers: int
    active_volunteers: int
    hours: str
    actions: int
    top_gestes: list
    admin_url: str


def summary_for(territory, month: datetime.date) -> TerritorySummary:
    volunteers = Volunteer.objects.on_portal(territory).filter(user__isnull=False)
    hours = CivicHour.objects.on_portal(territory).in_month(month)
    totals = hours.aggregate(
        minutes=Sum("minutes"), actions=Count("id"), givers=Count("volunteer", distinct=True)
    )
    top = (
        hours.filter(geste__isnull=False)
        .values("geste__title")
        .annotate(times=Count("id"))
        .order_by("-times", "geste__title")[:3]
    )
    return TerritorySummary(
        territory=territory,
        new_volunteers=volunteers.filter(
            created_at__date__gte=month, created_at__date__lt=next_month(month)
        ).count(),
        active_volunteers=totals["givers"],
        hours=format_duration(totals["minutes"] or 0),
        actions=totals["actions"],
        top_gestes=[(row["geste__title"], row["times"]) for row in top],
        admin_url=territory.url(reverse("admin:volunteers_volunteer_changelist")),
    )


def _summary_context(composer: Composer, delivery, territory, live: bool) -> dict:
    """The staff's summary: one block per territory they belong to."""
    territories = dict.fromkeys(m.territory for m in delivery.user.memberships.all())
    return {
        "first_name": delivery.user.first_name,
        "summaries": [composer.summary(territory, delivery.month) for territory in territories],
    }


def _warning_context(composer: Composer, delivery, territory, live: bool) -> dict:
    """« Votre compte sera anonymisé le … », and the button that keeps it."""
    user = delivery.user
    activity = user.volunteer.last_activity
    return {
        "first_name": user.first_name,
        "last_warning": delivery.kind == Kind.INACTIVE_LAST,
        "last_activity": activity,
        "anonymised_on": announced_date(delivery.kind, delivery.created_at, activity),
        "keep_url": territory.url(keep_path(user.pk)) if live else PREVIEW_LINK,
        "login_url": composer.url(territory, "account_login"),
        "personal_data_url": composer.url(territory, "personal_data"),
    }


@dataclass(frozen=True)
class Email:
    """One kind of follow-up email. The subject may name {month}, {month_year}, {theme} (the
    context's) and {date} (the context's `anonymised_on`)."""

    subject: str
    template: str  # volunteers/email/<template>.txt and .html
    context: Callable[[Composer, Delivery, Territory, bool], dict]
    # Nobody unsubscribes from being told their data is about to be erased.
    unsubscribable: bool = True


EMAILS = {
    Kind.REMINDER: Email("Votre heure {month} : {theme}", "rappel", _volunteer_context),
    Kind.NUDGE: Email("Avez-vous pu donner votre heure {month} ?", "relance", _volunteer_context),
    Kind.COMEBACK: Email("Une heure pour vos voisins ce mois-ci ?", "retour", _volunteer_context),
    Kind.SUMMARY: Email("Le bilan {month_year} de l'Heure Civique", "bilan", _summary_context),
    Kind.INACTIVE_SOON: Email(
        "Votre compte de l'Heure Civique sera anonymisé le {date}",
        "inactif",
        _warning_context,
        unsubscribable=False,
    ),
    Kind.INACTIVE_LAST: Email(
        "Dernier rappel : votre compte sera anonymisé le {date}",
        "inactif",
        _warning_context,
        unsubscribable=False,
    ),
}


def preview(volunteer: Volunteer, *, show_name: bool) -> EmailMultiAlternatives:
    """This month's reminder of a volunteer as it would go out, without planning or sending
    it, and with its links disabled."""
    delivery = Delivery(
        pk=0,
        user=volunteer.user,
        kind=Kind.REMINDER,
        month=first_of_month(timezone.localdate()),
        territory=Territory.objects.for_commune(volunteer.commune),
    )
    return Composer([delivery]).message(delivery, live=False, show_name=show_name)

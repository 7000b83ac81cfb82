"""The year's follow-up emails: who gets which one on a given day, and what it says.

Six kinds (Delivery.Kind), each one at most once per person and month:
- the monthly reminder, on the volunteer's reminder day;
- instead of it, after 3 and 6 whole months without an hour, a gentle « vous nous manquez »;
- late in the month, a « did you manage? » nudge to those reminded who have not logged an hour;
- on the first days of a month, the previous month's summary to each territory's staff;
- an account unused for almost two years: a warning a month, then a week, before its
  anonymisation (the anonymisation itself is in inactivity.py).
Sending is in tasks.py; this module only reads the database and writes no row.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from gestes.models import Geste, MonthTheme, month_mask
from heurecivique.text import long_date, of_month
from initiatives.models import Initiative
from territories.models import Membership, Territory

from .links import Action, action_path, keep_path, unsubscribe_path
from .models import (
    CivicHour,
    Delivery,
    Pledge,
    PledgePause,
    Volunteer,
    anonymisation_date,
    first_of_month,
    inactivity_warning,
    next_month,
    previous_month,
    start_of_day,
)
from .progress import format_duration, progress_for

Kind = Delivery.Kind

# A dispatch also covers the two days before it, should the scheduler have missed them.
CATCH_UP_DAYS = 2
# The nudges go out from the 20th to the 27th, spread by reminder day.
NUDGE_FIRST_DAY = 20
# Whole months without an hour after which the reminder becomes a « vous nous manquez ».
COMEBACK_GAPS = (3, 6)
# How many volunteers a dispatch reads at a time.
CHUNK_SIZE = 2000
# The warnings before an unused account is anonymised, and how many days before the date each
# goes out. The date never comes sooner than a warning says: a first warning sent late (the
# rule just switched on, a scheduler stopped) moves it later, and so does a late last warning.
WARNINGS = {Kind.INACTIVE_SOON: 30, Kind.INACTIVE_LAST: 7}


def nudge_day(reminder_day: int) -> int:
    return NUDGE_FIRST_DAY + reminder_day % 8


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def spread_reminder_day(user_id: int) -> int:
    """The default reminder day of a new volunteer: volunteers spread over the 28 days."""
    return user_id % 28 + 1


# --- Who is due --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    user_id: int
    kind: str
    month: datetime.date
    territory_id: int | None


class Portals:
    """The portal whose colours a volunteer's emails wear, from one query for the whole run
    (the same choice as Territory.objects.for_commune: commune, else department, else France)."""

    def __init__(self):
        self.by_commune, self.by_department, self.national = {}, {}, None
        for pk, kind, commune_id, department_id in Territory.objects.active().values_list(
            "pk", "kind", "commune_id", "department_id"
        ):
            if kind == Territory.Kind.COMMUNE:
                self.by_commune[commune_id] = pk
            elif kind == Territory.Kind.DEPARTMENT:
                self.by_department[department_id] = pk
            else:
                self.national = pk

    def of(self, commune_id: int, department_id: int) -> int | None:
        return (
            self.by_commune.get(commune_id)
            or self.by_department.get(department_id)
            or self.national
        )


def _chunks(rows, to_due) -> Iterator[list[Due]]:
    chunk = []
    for row in rows:
        if due := to_due(row):
            chunk.append(due)
        if len(chunk) >= CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _reachable(volunteers):
    return volunteers.with_active_pledge().filter(
        user__is_active=True, user__email_bounced_at__isnull=True
    )


def _window(day: datetime.date) -> range:
    return range(max(1, day.day - CATCH_UP_DAYS), day.day + 1)


def _reminders(day: datetime.date, portals: Portals) -> Iterator[list[Due]]:
    """The monthly reminder, or the « vous nous manquez » in its place."""
    month = first_of_month(day)
    days = [d for d in _window(day) if d <= 28]
    open_pledge = Pledge.objects.filter(volunteer=OuterRef("pk"), ended_on__isnull=True)
    rows = (
        _reachable(Volunteer.objects)
        .filter(reminder_day__in=days)
        .filter(Q(reminders_enabled=True) | Q(reengagement_enabled=True))
        .annotate(
            last_hour=Subquery(
                CivicHour.objects.filter(volunteer=OuterRef("pk"))
                .order_by("-done_on")
                .values("done_on")[:1]
            ),
            pledge_start=Subquery(open_pledge.values("started_on")[:1]),
            last_resume=Subquery(
                PledgePause.objects.filter(
                    pledge__volunteer=OuterRef("pk"), pledge__ended_on__isnull=True
                )
                .order_by("-ended_on")
                .values("ended_on")[:1]
            ),
        )
        .filter(pledge_start__lt=day)
        .exclude(
            Exists(
                Delivery.objects.filter(
                    user=OuterRef("user_id"), month=month, kind__in=[Kind.REMINDER, Kind.COMEBACK]
                )
            )
        )
        .order_by("pk")
        .values_list(
            "user_id",
            "commune_id",
            "commune__department_id",
            "reminders_enabled",
            "reengagement_enabled",
            "last_hour",
            "pledge_start",
            "last_resume",
        )
    )

    def to_due(row):
        user_id, commune_id, department_id, reminders, comebacks, *activity = row
        last_active = max(d for d in activity if d is not None)
        gap = months_between(first_of_month(last_active), month) - 1
        if comebacks and gap in COMEBACK_GAPS:
            kind = Kind.COMEBACK
        elif reminders:
            kind = Kind.REMINDER
        else:
            return None
        return Due(user_id, kind, month, portals.of(commune_id, department_id))

    yield from _chunks(rows.iterator(chunk_size=CHUNK_SIZE), to_due)


def _nudges(day: datetime.date, portals: Portals) -> Iterator[list[Due]]:
    """« Avez-vous pu ? »: reminded this month, and no hour yet."""
    month = first_of_month(day)
    window = _window(day)
    reminder_days = [r for r in range(1, 29) if nudge_day(r) in window]
    if not reminder_days:
        return
    rows = (
        _reachable(Volunteer.objects)
        .filter(reminder_day__in=reminder_days, nudges_enabled=True)
        .filter(
            Exists(
                Delivery.objects.filter(
                    user=OuterRef("user_id"),
                    month=month,
                    kind=Kind.REMINDER,
                    status=Delivery.Status.SENT,
                )
            )
        )
        .exclude(
            Exists(Delivery.objects.filter(user=OuterRef("user_id"), month=month, kind=Kind.NUDGE))
        )
        .exclude(Exists(CivicHour.objects.in_month(month).filter(volunteer=OuterRef("pk"))))
        .order_by("pk")
        .values_list("user_id", "commune_id", "commune__department_id")
    )

    def to_due(row):
        user_id, commune_id, department_id = row
        return Due(user_id, Kind.NUDGE, month, portals.of(commune_id, department_id))

    yield from _chunks(rows.iterator(chunk_size=CHUNK_SIZE), to_due)


def _summaries(day: datetime.date) -> Iterator[list[Due]]:
    """The previous month's summary, once for each staff member (all their territories in it)."""
    if day.day > 1 + CATCH_UP_DAYS:
        return
    month = previous_month(first_of_month(day))
    rows = (
        Membership.objects.filter(
            summary_enabled=True, user__is_active=True, user__email_bounced_at__isnull=True
        )
        .exclude(
            Exists(
                Delivery.objects.filter(user=OuterRef("user_id"), month=month, kind=Kind.SUMMARY)
            )
        )
        .order_by("user_id", "territory_id")
        .values_list("user_id", "territory_id")
    )
    previous_user = None

    def to_due(row):
        nonlocal previous_user
        user_id, territory_id = row
        if user_id == previous_user:
            return None
        previous_user = user_id
        return Due(user_id, Kind.SUMMARY, month, territory_id)

    yield from _chunks(rows.iterator(chunk_size=CHUNK_SIZE), to_due)


def announced_date(kind: str, warned_at: datetime.datetime, last_activity) -> datetime.date:
    """The anonymisation date a warning announces: two years after the last activity, or
    later if the warning itself went out late (it always gives its full notice)."""
    notice = timezone.localdate(warned_at) + datetime.timedelta(days=WARNINGS[kind])
    return max(anonymisation_date(last_activity), notice)


def _inactivity_warnings(day: datetime.date, portals: Portals) -> Iterator[list[Due]]:
    """« Votre compte sera anonymisé le … », once each per period of inactivity: a month before
    the date, then a week before it. Bouncing addresses are planned too: their row, skipped when
    sending, records that the warning was due, and the account is anonymised at its date all the
    same (see inactivity.py)."""
    first, last = Kind.INACTIVE_SOON, Kind.INACTIVE_LAST
    # The last warning waits 23 days after the first: a month's notice in all.
    first_before = start_of_day(day - datetime.timedelta(days=WARNINGS[first] - WARNINGS[last] - 1))
    for kind, days_before in WARNINGS.items():
        volunteers = Volunteer.objects.inactive_by(
            day + datetime.timedelta(days=days_before)
        ).exclude(inactivity_warning(kind))
        if kind == last:
            volunteers = volunteers.filter(inactivity_warning(first, before=first_before))
        rows = volunteers.order_by("pk").values_list(
            "user_id", "commune_id", "commune__department_id", "last_activity"
        )

        def to_due(row, kind=kind):
            user_id, commune_id, department_id, last_activity = row
            # One period of inactivity, one month: the month it reaches its two years.
            month = first_of_month(anonymisation_date(last_activity))
            return Due(user_id, kind, month, portals.of(commune_id, department_id))

        yield from _chunks(rows.iterator(chunk_size=CHUNK_SIZE), to_due)


def due_on(day: datetime.date) -> Iterator[list[Due]]:
    """The emails due on a day, in chunks: memory stays flat whatever the number of volunteers.

    Those already planned this month are left out, so a second run finds nothing new."""
    portals = Portals()
    yield from _reminders(day, portals)
    yield from _nudges(day, portals)
    yield from _summaries(day)
    yield from _inactivity_warnings(day, portals)


# --- Whether it is still wanted when its turn comes --------------------------------------------


def reason_not_to_send(delivery: Delivery) -> str:
    """Why a planned email should not go out any more (empty: send it). Between the planning
    and the sending, a volunteer may have paused, unsubscribed or already logged their hour.
    Reads the volunteer's pledges from `prefetch_related("pledges__pauses")` when present."""
    user = delivery.user
    if not user.is_active:
        return "Compte désactivé."
    if user.email_bounced_at:
        return "Adresse refusée par son serveur."
    if delivery.kind == Kind.SUMMARY:
        if not user.memberships.filter(summary_enabled=True).exists():
            return "Bilan désactivé."
        return ""
    if delivery.kind in WARNINGS:
        last_activity = _last_activity(user)
        if last_activity is None:
            return "Plus volontaire."
        if last_activity > delivery.created_at:
            return "Compte utilisé depuis : il est gardé."
        return ""
    volunteer = getattr(user, "volunteer", None)
    if volunteer is None:
        return "Plus volontaire."
    pledge = volunteer.current_pledge
    if pledge is None or pledge.is_paused:
        return "Engagement en pause ou arrêté."
    if not volunteer.wants(delivery.kind):
        return "Désinscrit de ce courriel."
    if delivery.kind == Kind.NUDGE and volunteer.hours.in_month(delivery.month).exists():
        return "Heure déjà notée ce mois-ci."
    return ""


def _last_activity(user) -> datetime.datetime | None:
    return (
        Volunteer.objects.filter(user=user)
        .with_last_activity()
        .values_list("last_activity", flat=True)
        .first()
    )


# --- What it says ------------------------------------------------------------------------------


class Composer:
    """Writes the emails of one batch. What the emails of a portal share (the month's theme,
    its gestes, the initiatives of a commune) is read once for the whole batch."""

    def __init__(self):
        self._themes, self._gestes, self._initiatives = {}, {}, {}
        self._national = None

    def portal(self, territory) -> Territory:
        if territory is not None:
            return territory
        if self._national is None:
            self._national = Territory.objects.national()
        return self._national

    def theme(self, territory, month: datetime.date) -> MonthTheme | None:
        key = (territory.pk, month.month)
        if key not in self._themes:
            self._themes[key] = MonthTheme.objects.for_month(territory, month.month)
        return self._themes[key]

    def _candidates(self, territory, month: datetime.date) -> list[tuple[Geste, int, set]]:
        """The gestes of the portal with their base score (theme of the month 4, season 2)."""
        key = (territory.pk, month)
        if key not in self._gestes:
            theme = self.theme(territory, month)
            featured = set(theme.gestes.values_list("pk", flat=True)) if theme else set()
            season = month_mask([month.month])
            self._gestes[key] = [
                (
                    geste,
                    4 * (geste.pk in featured) + 2 * bool(geste.months & season),
                    {t.pk for t in geste.themes.all()},
                )
                for geste in Geste.objects.published()
                .visible_in(territory)
                .prefetch_related("themes")
            ]
        return self._gestes[key]

    def suggestions(self, volunteer: Volunteer, territory, month: datetime.date, count: int = 3):
        """Gestes for this volunteer this month: the month's theme first, then the season,
        then their interests; never one they did in the last six months. The order varies
        from one volunteer and month to the next."""
        interests = set(volunteer.interests.values_list("pk", flat=True))
        recent = set(
            volunteer.hours.filter(
                done_on__gte=month - datetime.timedelta(days=183), geste__isnull=False
            ).values_list("geste", flat=True)
        )

        def rank(candidate):
            geste, score, themes = candidate
            shuffle = (geste.pk * 7919 + volunteer.pk * 31 + month.month * 101) % 997
            return (-(score + bool(themes & interests)), shuffle)

        candidates = [c for c in self._candidates(territory, month) if c[0].pk not in recent]
        return [geste for geste, _score, _themes in sorted(candidates, key=rank)[:count]]

    def initiatives(self, volunteer: Volunteer, territory, count: int = 2) -> list[Initiative]:
        """Published initiatives of the volunteer's commune first, then of their portal."""
        key = (territory.pk, volunteer.commune_id)
        if key not in self._initiatives:
            self._initiatives[key] = list(
                Initiative.objects.published()
                .on_portal(territory)
                .annotate(
                    elsewhere=Case(
                        When(commune_id=volunteer.commune_id, then=0),
                        default=1,
                        output_field=IntegerField(),
                    )
                )
                .select_related("commune")
                .order_by("elsewhere", "-published_at")[:count]
            )
        return self._initiatives[key]

    def _volunteer_context(self, delivery, volunteer: Volunteer, territory, live: bool) -> dict:
        month = delivery.month
        progress = progress_for(volunteer)
        this_month = next((m for m in progress.months if m.month == month), None)

        def action(name):
            if not live:
                return PREVIEW_LINK
            return territory.url(action_path(delivery.user_id, name, month))

        return {
            "volunteer": volunteer,
            "first_name": volunteer.user.first_name,
            "theme": self.theme(territory, month),
            "done_this_month": bool(this_month and this_month.done),
            "given_this_month": format_duration(this_month.minutes) if this_month else "",
            "streak": progress.current_streak,
            "gestes": [
                (geste, territory.url(reverse("gestes:detail", args=[geste.slug])))
                for geste in self.suggestions(volunteer, territory, month)
            ],
            "initiatives": [
                (initiative, territory.url(reverse("initiatives:detail", args=[initiative.slug])))
                for initiative in self.initiatives(volunteer, territory)
            ],
            "done_url": action(Action.DONE),
            "skip_url": action(Action.SKIP),
            "suggest_url": action(Action.SUGGEST),
            "dashboard_url": territory.url(reverse("volunteers:dashboard")),
        }

    def message(
        self, delivery: Delivery, connection=None, *, live: bool = True, show_name: bool = True
    ) -> EmailMultiAlternatives:
        """The email of a delivery, HTML and plain text, with its unsubscribe headers.

        `live=False` makes a preview: the links that act without signing in lead nowhere, and
        with `show_name=False` the greeting does not name the person."""
        territory = self.portal(delivery.territory)
        if delivery.kind == Kind.SUMMARY:
            context = _summary_context(delivery)
        elif delivery.kind in WARNINGS:
            context = _warning_context(delivery, territory, live)
        else:
            volunteer = delivery.user.volunteer
            context = self._volunteer_context(delivery, volunteer, territory, live)
        if not show_name:
            context["first_name"] = ""
        theme = context.get("theme")
        # Nobody unsubscribes from being told their data is about to be erased.
        unsubscribe_url = ""
        if delivery.kind not in WARNINGS:
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
            "preferences_url": territory.url(reverse("volunteers:email_preferences")),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = SUBJECTS[delivery.kind].format(
            month=of_month(delivery.month),
            month_year=of_month(delivery.month, with_year=True),
            theme=theme.title if theme else "une idée près de chez vous",
            date=long_date(context["anonymised_on"]) if "anonymised_on" in context else "",
        )
        template = f"volunteers/email/{TEMPLATES.get(delivery.kind, delivery.kind)}"
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
            from_email=_sender(territory),
            to=[delivery.user.email],
            connection=connection,
            headers=headers,
        )
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
        return message


def _sender(territory) -> str:
    """« "L'Heure Civique · Loiret" <ne-pas-repondre@…> », left unencoded: Django encodes it
    when it writes the message, and the admin's preview shows it as people read it."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if not territory.is_national:
        name = territory.portal_name
    quoted = (name or territory.portal_name).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}" <{address}>'


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


def _warning_context(delivery: Delivery, territory, live: bool) -> dict:
    user = delivery.user
    last_activity = _last_activity(user)
    return {
        "first_name": user.first_name,
        "last_warning": delivery.kind == Kind.INACTIVE_LAST,
        "last_activity": last_activity,
        "anonymised_on": announced_date(delivery.kind, delivery.created_at, last_activity),
        "keep_url": territory.url(keep_path(user.pk)) if live else PREVIEW_LINK,
        "login_url": territory.url(reverse("account_login")),
        "personal_data_url": territory.url(reverse("personal_data")),
    }


def _summary_context(delivery: Delivery) -> dict:
    territories = Territory.objects.filter(memberships__user=delivery.user).distinct()
    return {
        "first_name": delivery.user.first_name,
        "summaries": [summary_for(territory, delivery.month) for territory in territories],
    }


# In a preview, the buttons lead nowhere: a working link would act for the volunteer.
PREVIEW_LINK = "#apercu"

SUBJECTS = {
    Kind.REMINDER: "Votre heure {month} : {theme}",
    Kind.NUDGE: "Avez-vous pu donner votre heure {month} ?",
    Kind.COMEBACK: "Une heure pour vos voisins ce mois-ci ?",
    Kind.SUMMARY: "Le bilan {month_year} de l'Heure Civique",
    Kind.INACTIVE_SOON: "Votre compte de l'Heure Civique sera anonymisé le {date}",
    Kind.INACTIVE_LAST: "Dernier rappel : votre compte sera anonymisé le {date}",
}
# The templates under volunteers/email/, when not named after the kind.
TEMPLATES = {Kind.INACTIVE_SOON: "inactif", Kind.INACTIVE_LAST: "inactif"}


def _mail_domain() -> str:
    return urlsplit(f"//{settings.PORTAL_DOMAIN}").hostname or "lheurecivique.fr"


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
    return Composer().message(delivery, live=False, show_name=show_name)

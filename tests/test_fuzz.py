"""Hostile input on every page, from every kind of visitor: no answer may be a 5xx.

The URL resolver is walked, the admin's included, so that a page added later is fuzzed without
touching this file, and a pattern the fuzzer cannot fill fails the test. For each pattern:
- its path converters get real ids and slugs, known-bad values and hypothesis's own;
- the page is asked again with the GET parameters it reads (recorded while it answers), those
  of the links and GET forms it shows (the admin's filters, ordering, pages…), and random ones,
  set to hostile values;
- every form the page shows is posted back with a hostile value in each field, and the address
  itself is posted to with the fields its view reads;
- and hostile session, CSRF and messages cookies are sent.

It runs as a visitor, a resident, the national team and a department's officer (with their
second factor), each pushed hard on its own side of the site (the public pages, the resident's
own pages, the admin); on the other side, its real addresses are asked and posted to.

Each request runs in a savepoint rolled back after it, with the cookies restored: what one request
does (a sign-out, a deleted account, a query the database refused) changes nothing for the next.
The known-bad values are always tried; hypothesis adds a bounded, derandomised number of
examples per pattern, so that a CI run is reproducible.
"""

import copy
import datetime
import logging
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import quote_from_bytes, urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.test.client import MULTIPART_CONTENT
from django.urls import URLResolver, converters, get_resolver, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.regex_helper import normalize
from django.views import static
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gestes.models import Geste, Theme
from heurecivique.links import INVALID
from heurecivique.middleware import UnacceptableCharactersMiddleware
from heurecivique.models import OutgoingEmail
from heurecivique.months import first_of_month
from initiatives.models import GoodPractice, InterestMessage
from missions import links as mission_links
from missions.models import CalendarFeed, Mission, Participation, new_calendar_secret
from missions.services import Outcome
from mobilisation import calls, watch, watch_links
from mobilisation import services as appeal_services
from mobilisation.models import Campaign, CampaignDelivery, Crisis, Mandate, Signature
from outils.models import Kit
from territories.converters import InseeCodeConverter, RowIdConverter
from territories.models import Quartier
from volunteers import links
from volunteers.models import Delivery

from .conftest import SignInClient
from .factories import (
    BeneficiaryFactory,
    CivicHourFactory,
    InitiativeFactory,
    MissionFactory,
    ParticipationFactory,
    SignatureFactory,
    VolunteerFactory,
)

# --- What is sent ------------------------------------------------------------------------------

HUGE = str(10**30)
# What no page may accept anywhere (heurecivique.middleware answers 400): sent on their own, since
# one of them in any field stops the whole request before it reaches a view.
NUL = ["\x00", "a\x00b"]
# Always tried, each in every field and parameter: what broke pages before, and what commonly
# does. Lone surrogates and broken UTF-8 go out as the bytes a script would send.
KNOWN_BAD: list[str | bytes] = [
    "²",
    HUGE,
    "-1",
    "1e400",
    "x" * 3000,
    "",
    "../../../etc/passwd",
    "' OR '1'='1' --",
    '"><script>alert(1)</script>{{ 7|add:7 }}%s',
    "\ud800",
    "😀\u202eabc\u200f",
    "\r\nSet-Cookie: x=1",
    "2024-13-45",
]
# The admin's pages are long to render and all go through Django's ModelAdmin: fewer values.
ADMIN_BAD: list[str | bytes] = ["²", HUGE, ""]
# Also tried one parameter at a time on the pages of the persona's side, for the parameters the
# view itself reads: a view may stop at its first bad parameter and never read the next.
ONE_AT_A_TIME: list[str | bytes] = ["²", HUGE, "x" * 3000]

# Parameters many pages read, or that Django's admin reads from any changelist or form.
COMMON_PARAMETERS = [
    "page", "q", "o", "p", "e", "all", "_popup", "_to_field", "_facets", "_changelist_filters",
    "next", "theme", "commune", "departement",
]  # fmt: skip

hostile_text = st.one_of(
    st.sampled_from(KNOWN_BAD),
    st.text(
        st.characters(categories=["Cc", "Cf", "Cs", "Lo", "Nd", "No", "Po", "Sm", "So", "Zs"]),
        max_size=40,
    ),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.binary(max_size=20),
)
parameter_name = st.one_of(st.sampled_from(COMMON_PARAMETERS), st.text(min_size=1, max_size=12))

# Path converters the fuzzer knows how to fill with hostile values of their own shape (a value
# that does not match a converter's regex only reaches the resolver's 404).
SLOT_VALUES: list[str | bytes] = [
    "\x00", "%00", "²", HUGE, "-1", "x" * 3000, "\ud800", b"\xff", "../../etc/passwd",
    "' OR 1=1 --", "😀", "\u202e",
]  # fmt: skip
# The admin's object ids all go through ModelAdmin.get_object: fewer values for each model.
ADMIN_SLOT_VALUES: list[str | bytes] = ["²", HUGE]
CONVERTER_VALUES: dict[type, list[str | bytes]] = {
    converters.IntConverter: [HUGE, "0", "00000000001", str(2**31), str(2**63)],
    converters.SlugConverter: ["-", "x" * 3000, "proposer"],
    converters.StringConverter: SLOT_VALUES,
    converters.PathConverter: SLOT_VALUES + ["a/b/../../c"],
    InseeCodeConverter: ["00000", "2A000", "99999"],
    RowIdConverter: [HUGE, "0", "00000000001", str(2**63 - 1), str(2**63)],
}
ALLOWED = {200, 204, 301, 302, 303, 304, 400, 403, 404, 405, 410, 429}


def _bytes(value: str | bytes) -> bytes:
    # Lone surrogates go out as the invalid UTF-8 a browser or a script would send.
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def _quote(value: str | bytes, safe="") -> str:
    return quote_from_bytes(_bytes(value), safe=safe)


def _query(pairs) -> str:
    return "&".join(f"{_quote(name)}={_quote(value)}" for name, value in pairs)


# --- The URL patterns --------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str  # as ResolverMatch.route gives it
    regex: str  # of the whole path, without its leading slash
    converters: dict = field(hash=False)
    view_name: str | None = None
    is_admin: bool = False

    def template(self) -> tuple[str, list[str]]:
        """The path as a %-format with one slot per captured value (as reverse() sees it)."""
        return normalize(self.regex)[0]

    def unknown_converters(self) -> list[str]:
        return [
            f"<{type(conv).__name__}:{name}>"
            for name, conv in self.converters.items()
            if type(conv) not in CONVERTER_VALUES
        ]


# Views that only development has: Django serves the uploaded files itself when DEBUG is on
# (heurecivique/urls.py), and nginx in production. Test modules that reverse() URLs when they
# are collected load the URLconf while DEBUG is still on, so it may hold them.
DEVELOPMENT_ONLY = {static.serve}


def url_patterns(resolver=None, regex="", route="", found_converters=None, namespaces=()):
    """Every URL pattern of the site (production's), through includes, with its whole regex and
    route."""
    for entry in (resolver or get_resolver()).url_patterns:
        own_regex, own_route = entry.pattern.regex.pattern, str(entry.pattern)
        full_regex = regex + own_regex.removeprefix("^") if regex else own_regex
        full_route = route + own_route.removeprefix("^") if route else own_route
        merged = {**(found_converters or {}), **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from url_patterns(entry, full_regex, full_route, merged, inner)
        elif entry.callback not in DEVELOPMENT_ONLY:
            name = ":".join([*namespaces, entry.name]) if entry.name else None
            yield Pattern(full_route, full_regex, merged, name, "admin" in namespaces)


def fill(pattern: Pattern, values: dict[str, str | bytes]) -> str:
    """The percent-encoded path of `pattern` with these captured values."""
    template, _names = pattern.template()
    pieces = re.split(r"%\((\w+)\)s", template)  # text, slot, text, slot… text
    return "/" + "".join(
        _quote(values[piece] if i % 2 else piece.replace("%%", "%"), safe="/")
        for i, piece in enumerate(pieces)
    )


# --- What a page shows: its links' parameters and its forms ------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> valid values, default 1st
    files: set[str] = field(default_factory=set)


class _PageReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.link_queries: list[str] = []
        self._form = None
        self._select = None
        self._textarea = None

    def _add(self, name, value):
        if self._form is not None and name:
            self._form.fields.setdefault(name, [])
            if value is not None and value not in self._form.fields[name]:
                self._form.fields[name].append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "?" in (attrs.get("href") or ""):
            self.link_queries.append(attrs["href"])
        elif tag == "form":
            self._form = Form(attrs.get("action") or "", (attrs.get("method") or "get").lower())
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None:
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                self._form.files.add(attrs.get("name"))
            elif kind in ("checkbox", "radio"):
                self._add(attrs.get("name"), attrs.get("value") or "on")
            elif kind not in ("reset", "image"):
                self._add(attrs.get("name"), attrs.get("value") or "")
        elif tag == "button" and attrs.get("name"):
            self._add(attrs["name"], attrs.get("value") or "")
        elif tag == "select":
            self._select = attrs.get("name")
            self._add(self._select, None)
        elif tag == "option" and self._select:
            self._add(self._select, attrs.get("value") or "")
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self._add(self._textarea, "")

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea] = [data]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def read_page(response, page_path: str) -> tuple[list[Form], set[str]]:
    """The forms of an HTML answer (actions made absolute) and the parameters of its links."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return [], set()
    reader = _PageReader()
    reader.feed(response.content.decode(errors="replace"))
    names = {
        name
        for link in map(urlsplit, reader.link_queries)
        if link.path in ("", page_path) and not link.netloc
        for name in QueryDict(link.query)
    }
    for form in reader.forms:
        action = urlsplit(form.action)
        form.action = action.path or page_path
        if form.method == "get":
            names |= set(form.fields)
    return reader.forms, names


# --- Recording what a view reads ---------------------------------------------------------------


class ReadParameters:
    """Records the keys any view looks up in a QueryDict (request.GET, request.POST, forms bound
    to them) while active: the parameters a page reads are found by asking it, not by hand."""

    def __init__(self, monkeypatch):
        self.names: set[str] = set()
        self.active = False
        for method in ("__getitem__", "__contains__", "_getlist"):
            original = getattr(QueryDict, method)
            monkeypatch.setattr(QueryDict, method, self._spy(original))

    def _spy(self, original):
        def spy(query_dict, key, *args, **kwargs):
            if self.active and isinstance(key, str):
                self.names.add(key)
            return original(query_dict, key, *args, **kwargs)

        return spy

    def __enter__(self):
        self.names = set()
        self.active = True
        return self

    def __exit__(self, *exc):
        self.active = False


# --- The requests ------------------------------------------------------------------------------


@dataclass
class Failure:
    persona: str
    method: str
    url: str
    status: int
    error: str


class Fuzzer:
    """Sends the requests of one persona, each in a rolled-back savepoint, and keeps count."""

    def __init__(self, persona, user, host, monkeypatch):
        self.persona = persona
        self.host = host
        self.client = SignInClient(raise_request_exception=False)
        if user is not None:
            self.client.force_login(user)
        self.reader = ReadParameters(monkeypatch)
        self.requests = 0
        self.failures: list[Failure] = []
        self.reached: set[str] = set()  # the routes the resolver matched: their views ran
        self.forms_done: set[tuple] = set()

    def send(self, method, path, query="", data=None, content_type=None, cookies=None):
        url = f"{path}?{query}" if query else path
        headers = {"HTTP_HOST": self.host} | ({"HTTP_COOKIE": cookies} if cookies else {})
        kept = copy.deepcopy(self.client.cookies)
        self.requests += 1
        response = None
        try:
            with transaction.atomic():
                if method == "post":
                    response = self.client.post(
                        url, data=data, content_type=content_type, **headers
                    )
                else:
                    response = self.client.get(url, **headers)
                if response.streaming:
                    b"".join(response.streaming_content)
                transaction.set_rollback(True)
        except Exception as error:  # a crash outside Django's handler is a 500 in production
            self.failures.append(Failure(self.persona, method, url, 0, repr(error)))
            return None
        finally:
            self.client.cookies = kept
        match = getattr(response.wsgi_request, "resolver_match", None)
        if match is not None:
            self.reached.add(match.route)
        if response.status_code not in ALLOWED:
            error = response.exc_info[1] if response.exc_info else None
            detail = f"{type(error).__name__}: {error}" if error else ""
            self.failures.append(
                Failure(self.persona, method, url, response.status_code, detail[:300])
            )
        return response

    def post_form(self, path: str, values: dict[str, str | bytes], files=(), cookies=None):
        if files:
            data = {name: _bytes(value) for name, value in values.items()}
            data |= {name: _upload(values.get(name, "photo.jpg")) for name in files}
            return self.send("post", path, data=data, content_type=MULTIPART_CONTENT)
        body = _query(values.items()).encode()
        form = "application/x-www-form-urlencoded"
        return self.send("post", path, data=body, content_type=form, cookies=cookies)


def _upload(name: str | bytes) -> SimpleUploadedFile:
    """A file that is not what it says, under a hostile name."""
    filename = _bytes(name).decode("utf-8", "replace") or "photo.jpg"
    return SimpleUploadedFile(filename, b"GIF89a\x00\x00 not an image")


# --- The data the pages are about --------------------------------------------------------------


# What a forged payload carries instead of each of its values: ids too large for any column or
# of the wrong type, texts with NUL, dates that are not, things JSON can carry that Python's
# int() or date() choke on.
BAD_PAYLOAD_VALUES = [
    10**30, -(10**30), 2**63, -1, 0, True, 1.5e300, float("inf"), float("nan"), None, [1],
    {"a": 1}, "", "²", "1\x00", "10000000000000000000000-01", "²-1", "2024-00",
]  # fmt: skip


def forged_tokens(made: dict[str, tuple[str, dict]]) -> dict[str, list[str]]:
    """Tokens signed with the right key and salt, whose payloads are not what the code makes:
    for each URL name, its (salt, real payload) gives one forged token per key and bad value,
    one per key left out, and payloads that are not even objects."""
    tokens = {}
    for view_name, (salt, payload) in made.items():
        forged = [[], "texte", 10**30, {}]
        for key in payload:
            forged += [{**payload, key: value} for value in BAD_PAYLOAD_VALUES]
            forged.append({other: value for other, value in payload.items() if other != key})
        tokens[view_name] = [signing.dumps(data, salt=salt) for data in forged]
    return tokens


def _token_in(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def world(
    national, loiret, orleans, orleans_commune, bordeaux_commune, resident, national_admin,
    loiret_agent,
):  # fmt: skip
    """One of each thing the pages show, the real path values that reach them (`real`, by URL
    name), and forged tokens for the links of the emails (`tokens`)."""
    volunteer = VolunteerFactory(user=resident, commune=orleans_commune, quartier="Argonne")
    hour = CivicHourFactory(volunteer=volunteer, note="Courses pour une voisine")
    theme = Theme.objects.first()
    geste = Geste.objects.published().first()
    initiative = InitiativeFactory(commune=orleans_commune)
    initiative.themes.set([theme])
    practice = GoodPractice.objects.create(
        title="Une permanence numérique",
        summary="Ce que nous avons appris.",
        body="## Ce qui marche\n\nUn lieu connu.",
        status=GoodPractice.Status.PUBLISHED,
        territory=loiret,
    )
    kit = Kit.objects.filter(is_public=True, resources__isnull=False).first()
    resource = kit.resources.first()
    signature = SignatureFactory(commune=orleans_commune, mandate=Mandate.MAYOR)
    pending = SignatureFactory(
        commune=orleans_commune, status=Signature.Status.UNCONFIRMED, confirmed_at=None,
        verified_at=None,
    )  # fmt: skip
    InterestMessage.objects.create(initiative=initiative, sender=resident, message="Bonjour")
    Quartier.objects.create(commune=orleans_commune, name="Argonne")
    Delivery.objects.create(
        user=resident, kind=Delivery.Kind.REMINDER, month=first_of_month(timezone.localdate()),
        territory=loiret,
    )  # fmt: skip
    OutgoingEmail.objects.create(
        from_email=settings.DEFAULT_FROM_EMAIL, to=[resident.email], subject="Bonjour", body="…"
    )
    mission = MissionFactory(commune=orleans_commune, kind=Mission.Kind.COLLECTIVE, places=5)
    ParticipationFactory(mission=mission, volunteer=volunteer)
    feed = CalendarFeed.objects.create(volunteer=volunteer, secret=new_calendar_secret())
    invited = ParticipationFactory(
        mission=MissionFactory(commune=orleans_commune),
        volunteer=volunteer,
        status=Participation.Status.INVITED,
    )
    accepted = ParticipationFactory(mission=MissionFactory(commune=orleans_commune))
    Mission.objects.filter(pk=accepted.mission_id).update(
        starts_at=timezone.now() - datetime.timedelta(days=1)
    )
    # The heatwave watch: Marcelle, watched by the resident during a heatwave, with an alert.
    Crisis.objects.create(
        territory=loiret, kind=Crisis.Kind.HEATWAVE, message="Buvez.",
        ends_on=timezone.localdate() + datetime.timedelta(days=2),
    )  # fmt: skip
    volunteer.contact_consent_at = timezone.now()
    volunteer.save()
    watched = BeneficiaryFactory(commune=orleans_commune, quartier="Argonne", watched=True)
    paired = watch.propose(beneficiary=watched, volunteer=volunteer, by=None)
    proposed = watch.propose(
        beneficiary=BeneficiaryFactory(commune=orleans_commune, watched=True),
        volunteer=volunteer,
        by=None,
    )
    watch.answer_proposal(pairing=paired, accept=True)
    watch.report_call(pairing=paired, day=timezone.localdate(), outcome="besoin", note="Eau")
    today = timezone.localdate().isoformat()
    campaign = Campaign.objects.create(
        territory=loiret, subject="Samedi", body="Venez.", asks_availability=True,
        status=Campaign.Status.SENT,
    )  # fmt: skip
    call = CampaignDelivery.objects.create(
        campaign=campaign, volunteer=volunteer, status=CampaignDelivery.Status.WRITTEN,
        sent_at=timezone.now(),
    )  # fmt: skip
    month = first_of_month(timezone.localdate())
    made = {
        "mobilisation:watch_pairing": (watch_links._PAIRING_SALT, {"p": proposed.pk, "a": "oui"}),
        "mobilisation:watch_call": (
            watch_links._CALL_SALT,
            {"p": paired.pk, "d": today, "o": "bien"},
        ),
        "mobilisation:watch_stop": (watch_links._STOP_SALT, {"v": volunteer.pk}),
        "volunteers:email_action": (
            links._ACTION_SALT,
            {"u": resident.pk, "a": "fait", "m": f"{month:%Y-%m}"},
        ),
        "unsubscribe": (links._UNSUBSCRIBE_SALT, {"u": resident.pk, "k": "rappel"}),
        "volunteers:keep_account": (links._KEEP_SALT, {"u": resident.pk}),
        "mobilisation:confirm": (
            appeal_services._CONFIRM_SALT,
            {"s": pending.pk, "e": pending.email},
        ),
        "mobilisation:withdraw": (
            appeal_services._WITHDRAW_SALT,
            {"s": signature.pk, "e": signature.email},
        ),
        "missions:email_answer": (mission_links._ANSWER_SALT, {"p": invited.pk, "a": "oui"}),
        "mobilisation:call_answer": (calls._ANSWER_SALT, {"d": call.pk, "a": "oui"}),
        "missions:email_outcome": (mission_links._OUTCOME_SALT, {"p": accepted.pk, "o": "souci"}),
    }
    real = {
        "gestes:detail": [{"slug": geste.slug}],
        "gestes:toggle_hidden": [{"slug": geste.slug}],
        "volunteers:choose_geste": [{"slug": geste.slug}],
        "outils:detail": [{"slug": kit.slug}],
        "outils:download_kit": [{"slug": kit.slug}],
        "outils:download": [{"slug": kit.slug, "pk": str(resource.pk)}],
        "outils:preview": [{"slug": kit.slug, "pk": str(resource.pk)}],
        "initiatives:detail": [{"slug": initiative.slug}],
        "initiatives:interest": [{"slug": initiative.slug}],
        "initiatives:share_image": [{"slug": initiative.slug}],
        "initiatives:practice": [{"slug": practice.slug}],
        "initiatives:copy_practice": [{"slug": practice.slug}],
        "initiatives:practice_share_image": [{"slug": practice.slug}],
        "mobilisation:badge": [{"insee_code": orleans_commune.insee_code}],
        "mobilisation:badge_image": [{"insee_code": orleans_commune.insee_code}],
        "mobilisation:confirm": [{"token": _token_in(appeal_services.confirm_url(pending))}],
        "mobilisation:withdraw": [{"token": _token_in(appeal_services.withdraw_url(signature))}],
        "volunteers:edit_hour": [{"pk": str(hour.pk)}],
        "volunteers:delete_hour": [{"pk": str(hour.pk)}],
        "volunteers:email_action": [
            {"token": _token_in(links.action_path(resident.pk, action, month))}
            for action in links.Action
        ],
        "unsubscribe": [{"token": _token_in(links.unsubscribe_path(resident.pk, "rappel"))}],
        "volunteers:keep_account": [{"token": _token_in(links.keep_path(resident.pk))}],
        "missions:email_answer": [
            {"token": _token_in(mission_links.answer_path(invited.pk, available))}
            for available in (True, False)
        ],
        "mobilisation:call_answer": [
            {"token": _token_in(calls.answer_path(call.pk, available))}
            for available in (True, False)
        ],
        "missions:email_outcome": [
            {"token": _token_in(mission_links.outcome_path(accepted.pk, outcome))}
            for outcome in Outcome.ALL
        ],
        "mobilisation:watch_pairing": [
            {"token": _token_in(watch_links.pairing_path(proposed.pk, accept))}
            for accept in (True, False)
        ],
        "mobilisation:watch_call": [
            {"token": _token_in(watch_links.call_path(paired.pk, timezone.localdate(), outcome))}
            for outcome in ("bien", "besoin", "injoignable")
        ],
        "mobilisation:watch_stop": [{"token": _token_in(watch_links.stop_path(volunteer.pk))}],
        "admin:missions_beneficiary_export": [
            {"object_id": str(watched.pk), "fmt": fmt} for fmt in ("json", "csv")
        ],
        "personal_data_export": [{"fmt": "json"}, {"fmt": "csv"}],
        **{
            f"missions:{name}": [{"pk": str(mission.pk)}]
            for name in ("detail", "offer", "offer_series", "withdraw", "answer", "outcome")
        },
        "missions:feed": [{"secret": feed.secret}],
        "django.contrib.sitemaps.views.sitemap": [{"section": "pages"}, {"section": "gestes"}],
        "admin:volunteers_volunteer_email_preview": [{"pk": str(volunteer.pk)}],
        "admin:volunteers_volunteer_email_preview_html": [{"pk": str(volunteer.pk)}],
        "admin:auth_user_password_change": [{"id": str(resident.pk)}],
        "admin:app_list": [{"app_label": "gestes"}],
        "admin:view_on_site": [
            {
                "content_type_id": str(ContentType.objects.get_for_model(initiative).pk),
                "object_id": str(initiative.pk),
            }
        ],
        "account_confirm_email": [
            {"key": EmailConfirmationHMAC(EmailAddress.objects.get(user=resident)).key}
        ],
        "account_reset_password_from_key": [
            {
                "uidb36": user_pk_to_url_str(resident),
                "key": default_token_generator.make_token(resident),
            }
        ],
    }
    return SimpleNamespace(real=real, tokens=forged_tokens(made))


# --- The fuzzing -------------------------------------------------------------------------------


def _admin_object_ids(pattern: Pattern) -> list[dict]:
    """The first object of the model an admin pattern is about (its app and model in the path)."""
    parts = pattern.route.split("/")
    if not pattern.is_admin or "object_id" not in pattern.converters or len(parts) < 4:
        return []
    try:
        model = apps.get_model(parts[1], parts[2])
    except (LookupError, ValueError):
        return []
    pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    return [{"object_id": str(pk)}] if pk is not None else []


@dataclass(frozen=True)
class Depth:
    """How hard the requests for one URL pattern push."""

    slots: bool  # known-bad values in each slot of the path, forged tokens
    examples: int  # hypothesis's random requests
    parameters: list  # the values sent in each GET parameter (with the round robin below)
    alone: list  # then sent alone in each parameter the view reads, and in each field it reads
    fields: list | None  # the values sent in each field of each form; None: no form


# The public site, on its persona's own side: everything.
SITE = Depth(slots=True, examples=3, parameters=KNOWN_BAD, alone=ONE_AT_A_TIME, fields=KNOWN_BAD)
# The admin, for the national team. Its pages are long to render and all go through Django's
# ModelAdmin: fewer values.
ADMIN = Depth(slots=True, examples=1, parameters=ADMIN_BAD, alone=[], fields=ADMIN_BAD)
# The admin for a department's officer: what differs is what they may see (the same views,
# scoped), so the real addresses, with hostile parameters and forms.
SCOPED_ADMIN = Depth(slots=False, examples=0, parameters=["²", ""], alone=[], fields=["²", HUGE])
# The public pages for the signed-in: they show them other forms.
SIGNED_IN = Depth(slots=False, examples=0, parameters=[], alone=[], fields=KNOWN_BAD)
# The other side of the site: the real addresses, asked and posted to, must turn the persona
# away (or serve it), never fail.
DOOR = Depth(slots=False, examples=0, parameters=[], alone=[], fields=None)


def _path_values(pattern: Pattern, real: dict, tokens: dict, depth: Depth) -> list[dict]:
    """Real values first (those that reach the view), then forged tokens and known-bad values
    in each slot in turn, of the converter's own shape."""
    _template, names = pattern.template()
    if not names:
        return [{}]
    # An admin page about an object may take more than its id (an export's format…).
    found = list(real.get(pattern.view_name, [])) + [
        {**dict.fromkeys(names, "1"), **values} for values in _admin_object_ids(pattern)
    ]
    base = found[0] if found else dict.fromkeys(names, "1")
    found = found or [base]
    if depth.slots:
        found += [{names[0]: token} for token in tokens.get(pattern.view_name, [])]
        for name in names:
            kind = type(pattern.converters.get(name))
            if pattern.is_admin and kind is converters.PathConverter:
                values = ADMIN_SLOT_VALUES
            else:
                values = CONVERTER_VALUES.get(kind, SLOT_VALUES)
            found += [{**base, name: value} for value in values]
    return found


@dataclass
class Page:
    path: str
    read: set[str]  # the GET parameters its view read
    shown: set[str]  # those of its links and GET forms
    forms: list[Form]


def fuzz_pattern(fuzzer: Fuzzer, pattern: Pattern, real: dict, tokens: dict, depth: Depth):
    """Every request for one URL pattern."""
    page = None
    for values in _path_values(pattern, real, tokens, depth):
        path = fill(pattern, values)
        with fuzzer.reader as read:
            response = fuzzer.send("get", path)
        if page is None and response is not None and response.status_code == 200:
            forms, shown = read_page(response, path)
            page = Page(path, read.names, shown - read.names, forms)
    if page is None:
        first = _path_values(pattern, real, tokens, DOOR)[0]
        page = Page(fill(pattern, first), set(), set(), [])
    fuzz_posting(fuzzer, page.path, depth)
    fuzz_random(fuzzer, pattern, depth.examples)
    if not pattern.is_admin or ADMIN_PARAMETERS_PAGE.search(page.path):
        fuzz_parameters(fuzzer, page, depth)
    if depth.fields is None or (pattern.is_admin and not ADMIN_OBJECT_PAGE.search(page.path)):
        return
    for form in page.forms:
        # The same form on many pages (signing out, say) is fuzzed once, and so is an admin
        # form that is the same to add an object and to change one.
        key = (ADMIN_OBJECT_PAGE.sub("/", form.action), tuple(sorted(form.fields)))
        if form.method == "post" and key not in fuzzer.forms_done:
            fuzzer.forms_done.add(key)
            fuzz_form(fuzzer, form, depth.fields)


# The admin pages that each ModelAdmin's configuration shapes get hostile parameters and forms:
# a model's list (its filters, search, ordering) and its page to add an object (which takes the
# fields' first values from the address) get parameters; the pages to add and change an object,
# forms. The others (history, deletion, the index) are Django's own, the same for every model.
ADMIN_PARAMETERS_PAGE = re.compile(r"^/admin/\w+/\w+/(add/)?$")
ADMIN_OBJECT_PAGE = re.compile(r"/(add|[^/]+/change)/$")


def fuzz_random(fuzzer: Fuzzer, pattern: Pattern, examples: int):
    """Hypothesis: paths that match the pattern (its converters' shapes), hostile values in its
    slots, and random parameters."""
    if not examples:
        return
    _template, slots = pattern.template()
    matching = st.from_regex(pattern.regex, fullmatch=True).map(
        lambda path: "/" + _quote(path, safe="/")
    )
    slotted = st.fixed_dictionaries(dict.fromkeys(slots, hostile_text)).map(
        lambda values: fill(pattern, values)
    )

    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        path=st.one_of(matching, slotted) if slots else st.just(fill(pattern, {})),
        params=st.lists(st.tuples(parameter_name, hostile_text), max_size=4),
    )
    def random_requests(path, params):
        fuzzer.send("get", path, _query(params))

    random_requests()


def _round_robin(names: list[str], values: list) -> list[list[tuple]]:
    """As many requests as values, each value once in each name's slot: every (name, value)
    pair is sent, with different values side by side."""
    if not names:
        return []
    return [
        [(name, values[(turn + i) % len(values)]) for i, name in enumerate(names)]
        for turn in range(len(values))
    ]


def fuzz_posting(fuzzer: Fuzzer, path: str, depth: Depth):
    """A POST to the address itself, then with hostile values in the fields its view read:
    views that act on POST, and those that must refuse it."""
    with fuzzer.reader as read:
        fuzzer.post_form(path, {})
    if depth.parameters and read.names:
        fuzzer.post_form(path, dict.fromkeys(read.names, NUL[0]))
    if depth.alone and read.names:
        for pairs in _round_robin(sorted(read.names), depth.alone):
            fuzzer.post_form(path, dict(pairs))


def fuzz_parameters(fuzzer: Fuzzer, page: Page, depth: Depth):
    """The page's GET parameters: NUL in all, each known-bad value in each, then those the view
    reads one at a time (a view may stop at its first bad parameter and never read the next).
    A page that reads none gets a few values only: what it must do is ignore them."""
    if not depth.parameters:
        return
    names = sorted(page.read | page.shown | set(COMMON_PARAMETERS))
    fuzzer.send("get", page.path, _query((name, NUL[1]) for name in names))
    values = depth.parameters if page.read | page.shown else depth.parameters[:4]
    for pairs in _round_robin(names, values):
        fuzzer.send("get", page.path, _query(pairs))
    for name in sorted(page.read):
        for value in depth.alone:
            fuzzer.send("get", page.path, _query([(name, value)]))


def fuzz_form(fuzzer: Fuzzer, form: Form, values: list):
    """A form posted back as shown, with NUL in all its fields, then with each known-bad value
    in each field (a form validates all its fields: one bad field does not hide the others)."""
    shown = {name: (choices[0] if choices else "") for name, choices in form.fields.items()}
    fuzzer.post_form(form.action, shown, form.files)
    fuzzer.post_form(form.action, dict.fromkeys(shown, NUL[0]), form.files)
    for pairs in _round_robin([*shown, *form.files], values):
        fuzzer.post_form(form.action, shown | dict(pairs), form.files)


# Cookies as a browser or a script may send them: the session's, the CSRF token's and the
# messages' with an escaped NUL (« \\000 », which Python's cookie parser decodes), a long value,
# quotes and separators.
HOSTILE_COOKIES = [
    f"{name}={value}"
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages")
    for value in ('"abcdefghijkl\\000mn"', "x" * 5000, HUGE, '"', "a;b=c", "²")
]


def fuzz_cookies(fuzzer: Fuzzer):
    for cookie in HOSTILE_COOKIES:
        fuzzer.send("get", "/", cookies=cookie)
        fuzzer.post_form("/appel/signer/", {"first_name": "Claire"}, cookies=cookie)


def _needs_sign_in(pattern: Pattern, real: dict) -> bool:
    """Whether a visitor is sent to sign in for this page (the resident's own pages)."""
    values = _path_values(pattern, real, {}, DOOR)[0]
    with transaction.atomic():
        response = SignInClient().get(fill(pattern, values))
        transaction.set_rollback(True)
    return response.status_code == 302 and "/compte/login/" in response.get("Location", "")


# persona: (its fixture, the portal it uses)
PERSONAS = {
    "anonymous": (None, "testserver"),
    "resident": ("resident", "loiret.localhost"),
    "national_admin": ("national_admin", "testserver"),
    "loiret_agent": ("loiret_agent", "loiret.localhost"),
}


def _depth(persona: str, pattern: Pattern, real: dict) -> Depth:
    """Each persona is pushed hard on its own side of the site."""
    if persona == "national_admin":
        return ADMIN if pattern.is_admin else DOOR
    if persona == "loiret_agent":
        return SCOPED_ADMIN if pattern.is_admin else DOOR
    if pattern.is_admin:
        return DOOR
    if persona == "anonymous" or _needs_sign_in(pattern, real):
        return SITE
    return SIGNED_IN


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_hostile_request_gets_a_server_error(persona, world, request, monkeypatch, settings):
    assert not settings.DEBUG  # DEBUG's technical pages would not be what production shows
    # After a few posts, the rate limits would answer 429 before any form is read (they have
    # their own tests).
    settings.ACCOUNT_RATE_LIMITS = False
    # Hundreds of 404s would each be logged: only errors are.
    monkeypatch.setattr(logging.getLogger("django.request"), "level", logging.ERROR)
    fixture, host = PERSONAS[persona]
    user = request.getfixturevalue(fixture) if fixture else None
    fuzzer = Fuzzer(persona, user, host, monkeypatch)
    patterns = list(url_patterns())
    unknown = {p.route: p.unknown_converters() for p in patterns if p.unknown_converters()}
    assert not unknown, f"The fuzzer does not know how to fill these converters: {unknown}"
    started = time.monotonic()
    for pattern in patterns:
        depth = _depth(persona, pattern, world.real)
        fuzz_pattern(fuzzer, pattern, world.real, world.tokens, depth)
    fuzz_cookies(fuzzer)
    elapsed = time.monotonic() - started
    print(
        f"\n{persona}: {fuzzer.requests} requests on {len(patterns)} URL patterns in "
        f"{elapsed:.0f} s, {len(fuzzer.failures)} server errors"
    )
    unreached = sorted(p.route for p in patterns if p.route not in fuzzer.reached)
    failures = defaultdict(list)
    for failure in fuzzer.failures:
        failures[(failure.status, failure.error.split(":")[0])].append(failure)
    summary = "\n".join(
        f"{len(group)} × {status} {error} — e.g. {group[0].method.upper()} {group[0].url[:200]}"
        f" ({group[0].error[:200]})"
        for (status, error), group in failures.items()
    )
    assert not fuzzer.failures, f"{len(fuzzer.failures)} server errors:\n{summary}"
    assert not unreached, f"No request reached these URL patterns: {unreached}"


# --- What the fuzzer found, one by one ---------------------------------------------------------


def test_the_fuzzer_sees_a_server_error_as_production_serves_it(world, monkeypatch):
    # A page that fails answers the site's own 500 (DEBUG is off): the fuzzer counts it.
    def broken(view):
        raise RuntimeError("a bug")

    monkeypatch.setattr("gestes.views.GesteListView.get_queryset", broken)
    fuzzer = Fuzzer("anonymous", None, "testserver", monkeypatch)
    response = fuzzer.send("get", "/gestes/")
    assert response.status_code == 500
    assert "Le site rencontre un problème" in response.text
    assert fuzzer.failures[0].error == "RuntimeError: a bug"


@pytest.mark.parametrize(
    "url",
    [
        "/initiatives/?theme=%00",
        "/initiatives/?departement=%00",
        "/appel/?departement=a%00b",
        "/appel/badge/%00/",
        "/gestes/%00/",
        "/communes/?q=%00",
    ],
)
def test_a_nul_character_gets_the_french_bad_request_page(client, national, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "Requête incorrecte" in response.text


def test_a_nul_character_in_a_form_changes_nothing(client, national, orleans_commune):
    response = client.post(
        reverse("mobilisation:sign"),
        {"first_name": "Claire\x00", "last_name": "Élue", "email": "elue@mairie.example.org"},
    )
    assert response.status_code == 400
    assert "Requête incorrecte" in response.text
    assert not Signature.objects.exists()


def test_a_session_cookie_with_a_nul_character_gets_the_french_bad_request_page(client, national):
    # Python's cookie parser decodes « \000 » in a quoted value: the session's lookup would
    # send a NUL to the database.
    response = client.get("/", HTTP_COOKIE=f'{settings.SESSION_COOKIE_NAME}="abcdefghij\\000"')
    assert response.status_code == 400
    assert "Requête incorrecte" in response.text


def test_a_lone_surrogate_is_refused_too(rf):
    # WSGI servers hand Django bytes, which it decodes with replacement characters; a server
    # that decoded them otherwise (surrogateescape) could pass one on.
    middleware = UnacceptableCharactersMiddleware(lambda request: HttpResponse("vu"))
    request = rf.get("/initiatives/")
    request.GET = QueryDict(mutable=True)
    request.GET["q"] = "jardin\udcff"
    assert middleware(request).status_code == 400
    assert middleware(rf.get("/initiatives/", {"q": "jardin ²"})).content == b"vu"


def test_the_showcase_ignores_filters_it_cannot_read(client, national, orleans_commune):
    initiative = InitiativeFactory(commune=orleans_commune)
    for query in ("commune=²", "commune=¹²³", f"commune={HUGE}", "commune=-1", "theme=²"):
        response = client.get(f"/initiatives/?{query}")
        assert response.status_code == 200, query
    shown = client.get(f"/initiatives/?commune={orleans_commune.pk}").context["initiatives"]
    assert list(shown) == [initiative]
    unknown = client.get(f"/initiatives/?commune={HUGE}")
    assert "Choisissez une commune dans la liste." in unknown.content.decode()


@pytest.fixture
def without_the_net(settings):
    """The site without UnacceptableCharactersMiddleware: each view validates what it reads
    on its own, the middleware is only the net."""
    settings.MIDDLEWARE = [
        name
        for name in settings.MIDDLEWARE
        if not name.endswith("UnacceptableCharactersMiddleware")
    ]


def test_the_showcase_reads_its_filters_safely_on_its_own(
    client, national, orleans_commune, without_the_net
):
    InitiativeFactory(commune=orleans_commune)
    for query in ("theme=%00", "departement=%00", "commune=%00", "q=%00"):
        assert client.get(f"/initiatives/?{query}").status_code == 200, query


def test_a_badge_address_is_an_insee_code(client, national, orleans_commune, without_the_net):
    SignatureFactory(commune=orleans_commune, mandate=Mandate.MAYOR)
    assert client.get("/appel/badge/45234/").status_code == 200
    assert client.get("/appel/badge/45234.png").status_code == 200
    for code in ("%00", "4523%00", "²", "4523", "452345", "' OR 1=1 --"):
        assert client.get(f"/appel/badge/{code}/").status_code == 404, code
        assert client.get(f"/appel/badge/{code}.png").status_code == 404, code


EMAIL = "elu@mairie.example.org"
ACTION = ("volunteers:email_action", links._ACTION_SALT)
UNSUBSCRIBE = ("unsubscribe", links._UNSUBSCRIBE_SALT)
KEEP = ("volunteers:keep_account", links._KEEP_SALT)
CONFIRM = ("mobilisation:confirm", appeal_services._CONFIRM_SALT)
WITHDRAW = ("mobilisation:withdraw", appeal_services._WITHDRAW_SALT)
ANSWER = ("missions:email_answer", mission_links._ANSWER_SALT)
OUTCOME = ("missions:email_outcome", mission_links._OUTCOME_SALT)


@pytest.mark.parametrize(
    ("link", "payload"),
    [
        (ACTION, {"u": 10**30, "a": "fait", "m": "2025-01"}),
        (ACTION, {"u": float("inf"), "a": "fait", "m": "2025-01"}),
        (ACTION, {"u": True, "a": "fait", "m": "2025-01"}),
        (ACTION, {"u": 1, "a": "fait", "m": "10000000000000000000000-01"}),
        (ACTION, {"u": 1, "a": "fait", "m": "²-01"}),
        (ACTION, {"u": 1, "a": None, "m": "2025-01"}),
        (UNSUBSCRIBE, {"u": "1", "k": "rappel"}),
        (UNSUBSCRIBE, {"u": 1, "k": "rappel\x00"}),
        (KEEP, {"u": 10**30}),
        (KEEP, ["u", 1]),
        (CONFIRM, {"s": 1, "e": f"{EMAIL}\x00"}),
        (CONFIRM, {"s": float("inf"), "e": EMAIL}),
        (WITHDRAW, {"s": 2**63, "e": EMAIL}),
        (WITHDRAW, {"s": 1, "e": None}),
        (ANSWER, {"p": 10**30, "a": "oui"}),
        (ANSWER, {"p": 1, "a": "oui\x00"}),
        (ANSWER, {"p": 1, "a": "peut-etre"}),
        (OUTCOME, {"p": True, "o": "oui"}),
        (OUTCOME, {"p": 1, "o": ["oui"]}),
        (OUTCOME, {"p": 1, "o": "fait"}),
    ],
)
def test_a_well_signed_link_that_carries_what_we_never_make_is_refused(
    client, national, link, payload
):
    # Made with the right key and salt: only the types of what the token carries can tell.
    name, salt = link
    url = reverse(name, args=[signing.dumps(payload, salt=salt)])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert escape(INVALID) in response.text


def test_the_admin_refuses_an_empty_to_field(client, national_admin, loiret):
    client.force_login(national_admin)
    for page in ("change", "delete"):
        url = reverse(f"admin:territories_territory_{page}", args=[loiret.pk])
        assert client.get(f"{url}?_to_field=").status_code == 400
        assert client.get(url).status_code == 200


def test_an_autocomplete_field_given_a_value_it_cannot_hold(
    client, national_admin, orleans_commune
):
    client.force_login(national_admin)
    # In the address of an « ajouter » page, and in a form shown again with its errors.
    assert client.get("/admin/territories/quartier/add/?commune=²").status_code == 200
    response = client.post("/admin/territories/quartier/add/", {"commune": "²", "name": "Nord"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.text
    assert not Quartier.objects.filter(name="Nord").exists()


def test_a_kit_address_that_names_no_kit_gets_the_admins_answer(client, national_admin):
    client.force_login(national_admin)
    for object_id in ("²", HUGE, "abc"):
        response = client.get(f"/admin/outils/kit/{object_id}/change/")
        assert response.status_code == 302, object_id

"""« Le bilan de l'Heure Civique », read back from its PDF: the figures of the last quarter
against a hand count, their evolution in words, the place and the period named as a mairie
would, a volunteer's words only when they agreed, the signatories; a Loiret report holds
nothing of the Gironde; a quiet period says so; the quarterly sending goes once to those who
asked for it, however many times it runs."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from heurecivique.models import OutgoingEmail
from missions.models import Mission
from mobilisation.models import Mandate, Signature
from pilotage import aggregates, report, sending
from pilotage.models import ReportSending
from pilotage.periods import Period
from territories.models import Membership
from volunteers.models import CivicHour, start_of_day
from volunteers.services import anonymise_volunteer

from ..factories import (
    CivicHourFactory,
    InitiativeFactory,
    MissionFactory,
    SignatureFactory,
    UserFactory,
    VolunteerFactory,
)


def text_of(pdf: bytes) -> str:
    """The PDF's text on one line, spaces (no-break ones included) made plain."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@pytest.fixture
def quarter():
    return Period.last_quarter(timezone.localdate())


def _at(day: datetime.date) -> datetime.datetime:
    return start_of_day(day) + datetime.timedelta(hours=10)


@pytest.fixture
def dataset(quarter, orleans_commune, bordeaux_commune):
    """In Orléans over the quarter: Anne 1 h each month, one of them with words she shares;
    Bruno 2 h the first month, with words he keeps to himself; Emma joins the second month.
    The quarter before, Anne 1 h; the same quarter a year before, Anne 2 h. Missions done: two
    between neighbours and a collective one in the quarter, one the quarter before. In Bordeaux,
    Fanny gives 3 h with shared words, a mission is done, a mayor signed."""
    first, second, third = quarter.months()
    long_ago = first.replace(year=first.year - 2)
    joined = {"pledge": long_ago, "created_at": start_of_day(long_ago)}
    anne = VolunteerFactory(commune=orleans_commune, **joined)
    for month in (first, second, third):
        CivicHourFactory(volunteer=anne, done_on=month, minutes=60)
    anne.hours.filter(done_on=second).update(
        note="J'ai porté les courses de Mme Lenoir, quel sourire !", note_shareable=True
    )
    CivicHourFactory(volunteer=anne, done_on=quarter.before().start, minutes=60)
    CivicHourFactory(volunteer=anne, done_on=quarter.year_before().start, minutes=120)
    bruno = VolunteerFactory(commune=orleans_commune, **joined)
    CivicHourFactory(volunteer=bruno, done_on=first, minutes=120, note="Mes mots à moi seul")
    VolunteerFactory(commune=orleans_commune, pledge=second, created_at=start_of_day(second))

    for kind in (Mission.Kind.NEIGHBOURS, Mission.Kind.NEIGHBOURS, Mission.Kind.COLLECTIVE):
        MissionFactory(
            commune=orleans_commune, kind=kind, status=Mission.Status.DONE, done_at=_at(second)
        )
    MissionFactory(
        commune=orleans_commune,
        status=Mission.Status.DONE,
        done_at=_at(quarter.before().start),
    )
    MissionFactory(commune=orleans_commune, status=Mission.Status.OPEN)

    verified = {"verified_at": _at(first)}
    SignatureFactory(
        commune=orleans_commune, first_name="Claire", last_name="Serin", feminine=True, **verified
    )
    SignatureFactory(
        department=orleans_commune.department,
        commune=None,
        mandate=Mandate.DEPARTMENT_COUNCILLOR,
        first_name="Paul",
        last_name="Loiseau",
        **verified,
    )
    SignatureFactory(
        commune=orleans_commune,
        first_name="Pierre",
        last_name="Enattente",
        status=Signature.Status.PENDING,
    )
    InitiativeFactory(
        commune=orleans_commune,
        title="Jardin partagé des Blossières",
        featured=True,
        published_at=_at(first),
    )
    InitiativeFactory(commune=orleans_commune, title="Café des voisins discret")

    fanny = VolunteerFactory(commune=bordeaux_commune, **joined)
    CivicHourFactory(
        volunteer=fanny, done_on=second, minutes=180, note="Mots girondins", note_shareable=True
    )
    MissionFactory(commune=bordeaux_commune, status=Mission.Status.DONE, done_at=_at(second))
    SignatureFactory(commune=bordeaux_commune, first_name="Gaston", last_name="Garonne")
    InitiativeFactory(commune=bordeaux_commune, title="Initiative girondine", featured=True)
    aggregates.count_all()


def test_the_loiret_report_against_a_hand_count(
    dataset, quarter, loiret, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        pdf = report.render(loiret, quarter)
    text = text_of(pdf)
    label = quarter.label  # « le 3e trimestre 2026 »
    before = quarter.before().label.removeprefix("le ")
    year_before = quarter.year_before().label.removeprefix("le ")

    assert "Le bilan de l'Heure Civique dans le Loiret" in text
    assert label[0].upper() + label[1:] in text
    # Hours: Anne 3 h, Bruno 2 h; 1 h the quarter before, 2 h a year before.
    assert "5 heures données" in text
    assert f"En hausse de 400 % par rapport au {before} (1)" in text
    assert f"en hausse de 150 % par rapport au {year_before} (2)" in text
    # Active per month: 2, 1, 1 → 1 on average.
    assert "1 volontaire actif par mois, en moyenne" in text
    # Engaged at the end: Anne, Bruno, Emma; the same two a quarter and a year before.
    assert "3 volontaires engagés à la fin de la période" in text
    assert "1 nouveau volontaire" in text
    assert "3 missions réalisées" in text
    # Signatories, verified during the quarter: none before it.
    assert "2 signataires de l'Appel à la fin de la période" in text
    assert f"En hausse par rapport au {before} (0)" in text
    assert "ont donné 5 heures à leurs voisins, et 3 missions ont été réalisées" in text
    # Each figure has its definition.
    assert "Heures données : les minutes notées par les volontaires" in text
    assert "Volontaires actifs par mois : le nombre de personnes" in text
    # Missions by kind, in the table.
    assert "Entre voisins 2" in text
    assert "Action collective pour la commune 1" in text
    assert "Total 3" in text
    # Highlights: the featured initiative only; Anne's words, without a name; not Bruno's.
    assert "Jardin partagé des Blossières" in text
    assert "Café des voisins discret" not in text
    assert "« J'ai porté les courses de Mme Lenoir, quel sourire ! »" in text
    assert "Mes mots à moi seul" not in text
    assert "Anne" not in text and "Bruno" not in text
    # The signatories: verified ones, with their mandate.
    assert "Claire Serin Maire d'Orléans" in text
    assert "Paul Loiseau Conseiller départemental du Loiret" in text
    assert "Enattente" not in text
    # Nothing of the Gironde.
    for gironde in ("Bordeaux", "Gironde", "girondin", "Garonne", "Gaston"):
        assert gironde not in text


def test_a_commune_report_is_named_after_it_and_holds_only_its_own(dataset, quarter, orleans):
    text = text_of(report.render(orleans, quarter))
    assert "Le bilan de l'Heure Civique à Orléans" in text
    assert "5 heures données" in text
    assert "pour le conseil municipal" in text
    assert "Claire Serin" in text
    # The department's councillor belongs to the Loiret's report, not to Orléans'.
    assert "Paul Loiseau" not in text


def test_a_month_and_a_period_of_months_are_named(dataset, quarter, loiret):
    first, second, _third = quarter.months()
    text = text_of(report.render(loiret, Period.month(first)))
    assert f"par rapport à {Period.month(first).before().label}" in text
    assert "2 volontaires actifs" in text  # a single month: its own active volunteers
    assert "Volontaires actifs du mois" in text
    text = text_of(report.render(loiret, Period(first, second)))
    assert "à la période de" in text
    assert "Sur la période de" in text


def test_a_period_without_activity_says_so(quarter, loiret, orleans_commune):
    # A volunteer, but no hour and no mission ever.
    VolunteerFactory(commune=orleans_commune, pledge=quarter.start.replace(year=2020))
    aggregates.count_all()
    text = text_of(report.render(loiret, quarter))
    assert "Aucune heure n'a été notée et aucune mission n'a été réalisée dans le Loiret" in text
    assert "Aucune mission n'a été réalisée sur" in text
    assert "Aucune initiative n'est à la une dans le Loiret" in text
    assert "Aucune signature de l'Appel n'a encore été publiée dans le Loiret" in text
    assert "0 heure donnée" in text
    assert "Stable par rapport" in text


def test_the_logo_is_optional_and_the_colours_are_the_portals(
    dataset, quarter, orleans, settings, tmp_path
):
    from django.core.files.base import ContentFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    image = io.BytesIO()
    Image.new("RGB", (64, 64), "#00587c").save(image, "PNG")
    orleans.logo.save("orleans.png", ContentFile(image.getvalue()))
    with_logo = report.render(orleans, quarter)
    reader = PdfReader(io.BytesIO(with_logo))
    assert reader.pages[0].images  # the logo is drawn
    assert "Orléans" in reader.metadata.author


# --- The quarterly sending -------------------------------------------------------------------


@pytest.fixture
def members(orleans, loiret, gironde):
    def member(email, territory, role, report_enabled):
        user = UserFactory(email=email, first_name="Camille", last_name="Martin")
        Membership.objects.create(
            user=user, territory=territory, role=role, report_enabled=report_enabled
        )
        return user

    return {
        "maire": member("maire@orleans.example.org", orleans, Membership.Role.ELECTED, True),
        "agent": member("ccas@orleans.example.org", orleans, Membership.Role.COMMUNE_AGENT, True),
        "silent": member("autre@orleans.example.org", orleans, Membership.Role.ELECTED, False),
        "vp": member("vp@loiret.example.org", loiret, Membership.Role.ELECTED, True),
    }


def test_the_quarterly_report_is_sent_once_to_those_who_asked(dataset, members, quarter):
    # The first days of the next quarter.
    day = quarter.start.replace(year=quarter.start.year + (quarter.start.month == 10))
    day = datetime.date(day.year, (quarter.start.month + 2) % 12 + 1, 2)
    assert Period.last_quarter(day) == quarter

    assert sending.send_quarterly(day) == 3
    emails = {tuple(e.to): e for e in OutgoingEmail.objects.all()}
    assert set(emails) == {
        ("maire@orleans.example.org",),
        ("ccas@orleans.example.org",),
        ("vp@loiret.example.org",),
    }
    email = emails["maire@orleans.example.org",]
    assert email.subject.endswith(f"Le bilan de l'Heure Civique à Orléans pour {quarter.label}")
    assert "Bonjour Camille Martin" in email.body
    assert "au conseil municipal" in email.body
    [(name, content, mimetype)] = email.message().attachments
    assert name == f"bilan-heure-civique-orleans-{quarter.slug}.pdf"
    assert mimetype == "application/pdf"
    assert "Le bilan de l'Heure Civique à Orléans" in text_of(content)
    loiret_email = emails["vp@loiret.example.org",]
    assert "dans le Loiret" in text_of(loiret_email.message().attachments[0][1])

    # A second run, the next day, sends nothing more.
    assert sending.send_quarterly(day + datetime.timedelta(days=1)) == 0
    assert OutgoingEmail.objects.count() == 3
    assert ReportSending.objects.count() == 3


def test_a_report_is_not_offered_to_a_moderator(orleans):
    from django.core.exceptions import ValidationError

    membership = Membership(
        user=UserFactory(), territory=orleans, role=Membership.Role.MODERATOR, report_enabled=True
    )
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "report_enabled" in error.value.message_dict


# --- A volunteer's words, with their consent -----------------------------------------------


def _log(client, **fields):
    data = {"done_on": timezone.localdate().isoformat(), "minutes": "60", "note": ""}
    return client.post(reverse("volunteers:log_hour"), {**data, **fields})


def test_a_volunteer_chooses_to_share_their_words_on_the_hour_form(
    volunteer_client, orleans_volunteer, orleans
):
    page = volunteer_client.get(reverse("volunteers:dashboard")).content.decode()
    assert "J&#x27;accepte que ma mairie et mon département citent ces mots" in page
    assert 'name="note_shareable"' in page

    assert _log(volunteer_client, note="Un café avec M. Paul").status_code == 302
    _log(volunteer_client, note="Des mots à partager", note_shareable="on")
    _log(volunteer_client, note="", note_shareable="on")  # nothing to share
    shared = dict(CivicHour.objects.values_list("note", "note_shareable"))
    assert shared == {"Un café avec M. Paul": False, "Des mots à partager": True, "": False}

    aggregates.count_all()
    text = text_of(report.render(orleans, Period.month(timezone.localdate())))
    assert "« Des mots à partager »" in text
    assert "M. Paul" not in text

    # Deleting the account empties the words, and the consent with them.
    anonymise_volunteer(volunteer=orleans_volunteer)
    assert not CivicHour.objects.exclude(note="").exists()
    assert not CivicHour.objects.filter(note_shareable=True).exists()
    text = text_of(report.render(orleans, Period.month(timezone.localdate())))
    assert "Des mots à partager" not in text
    assert "Aucun volontaire n'a partagé de mots" in text


def test_staff_choose_who_receives_the_quarterly_report(client, loiret_agent, loiret_elected):
    client.force_login(loiret_agent)
    membership = Membership.objects.get(user=loiret_elected)
    url = reverse("admin:territories_membership_change", args=[membership.pk])
    page = client.get(url).content.decode()
    assert "Reçoit le bilan trimestriel" in page
    response = client.post(
        url,
        {"territory": membership.territory_id, "role": membership.role, "report_enabled": "on"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.report_enabled

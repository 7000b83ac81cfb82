"""Hours have a source: declared by the volunteer, validated by a mission, entered by the
mairie. The history says which; the attestation counts them all and says how many a mission
validated or the mairie entered; streaks and counters count every hour, whatever its source."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from heurecivique.months import add_months, first_of_month
from missions import services
from missions.models import Mission
from tests.factories import (
    CivicHourFactory,
    MissionFactory,
    ParticipationFactory,
)
from volunteers.models import CivicHour
from volunteers.progress import progress_for
from volunteers.services import log_civic_hour
from volunteers.stats import counters_for

pytestmark = pytest.mark.django_db
THIS_MONTH = first_of_month(timezone.localdate())


@pytest.fixture
def three_sources(orleans_volunteer, orleans_commune):
    """An hour of each source this month: declared, validated by a mission, entered."""
    CivicHourFactory(volunteer=orleans_volunteer, done_on=timezone.localdate(), minutes=45)
    need = MissionFactory(commune=orleans_commune, title="Visite à une voisine", minutes=90)
    participation = ParticipationFactory(mission=need, volunteer=orleans_volunteer)
    Mission.objects.filter(pk=need.pk).update(starts_at=timezone.now() - datetime.timedelta(1))
    participation.refresh_from_db()
    services.record_outcome(participation=participation, outcome=services.Outcome.DONE)
    services.enter_hour(
        volunteer=orleans_volunteer,
        done_on=timezone.localdate(),
        minutes=60,
        note="Permanence au CCAS",
    )


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_history_says_which_hours_a_mission_or_the_mairie_vouched_for(
    volunteer_client, three_sources
):
    page = volunteer_client.get(reverse("volunteers:history")).text
    assert "3 h 15 données en 3 actions" in page
    mission_line = re.search(r"<li>[^<]*Mission : Visite à une voisine.*?</li>", page, re.S)[0]
    assert "validée par la mission" in mission_line
    staff_line = re.search(r"<li>[^<]*Permanence au CCAS.*?</li>", page, re.S)[0]
    assert "saisie par la mairie" in staff_line
    assert page.count("validée par la mission") == 1 and page.count("saisie par la mairie") == 1
    # Only the volunteer's own hours can be corrected there.
    assert page.count("Modifier<span") == 1


def test_the_attestation_counts_every_hour_and_says_which_were_vouched_for(
    volunteer_client, three_sources
):
    period = {
        "start_month": THIS_MONTH.month,
        "start_year": THIS_MONTH.year,
        "end_month": THIS_MONTH.month,
        "end_year": THIS_MONTH.year,
    }
    pdf = volunteer_client.get(reverse("volunteers:attestation"), period)
    text = _pdf_text(pdf.content)
    assert "a donné les heures suivantes" in text
    assert "Soit 3 h 15 données à ses voisins." in text
    assert (
        "Parmi elles, 1 h 30 en 1 action validée par une mission et 1 h en 1 action saisie "
        "par la mairie." in text
    )
    assert "validées par une mission ou saisies par la mairie" in text


def test_an_attestation_of_declared_hours_only_says_so(volunteer_client, orleans_volunteer):
    CivicHourFactory(volunteer=orleans_volunteer, done_on=timezone.localdate())
    pdf = volunteer_client.get(reverse("volunteers:attestation"))
    assert "Ces heures ont toutes été déclarées par le ou la volontaire." in _pdf_text(pdf.content)


def test_streaks_and_counters_count_the_hours_of_missions_and_of_the_mairie(
    orleans_volunteer, loiret
):
    # Three months in a row, none declared by the volunteer.
    for months_ago, source in ((2, "mission"), (1, "equipe"), (0, "mission")):
        log_civic_hour(
            volunteer=orleans_volunteer,
            done_on=add_months(THIS_MONTH, -months_ago),
            minutes=60,
            source=source,
        )
    progress = progress_for(orleans_volunteer)
    assert progress.current_streak == 3 and progress.total_minutes == 180
    counters = counters_for(loiret)
    assert (counters.hours_total, counters.hours_this_month) == (3, 1)
    assert not CivicHour.objects.filter(source=CivicHour.Source.DECLARED).exists()

"""The attestation: a period chosen with controls every browser shows alike, and a QR code to a
public page of the portal that confirms what the attestation states, and nothing more."""

import datetime
import re
from urllib.parse import urlsplit

import pypdfium2
import pytest
import zxingcpp
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from heurecivique.months import first_of_month, next_month, previous_month
from territories.models import Territory
from volunteers.attestation import REFERENCE_SALT

from ..factories import CivicHourFactory, attestation_facts

TODAY = timezone.localdate


def _period(start: datetime.date, end: datetime.date) -> dict:
    return {
        "start_month": start.month,
        "start_year": start.year,
        "end_month": end.month,
        "end_year": end.year,
    }


def _qr_of(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=3).to_pil().convert("RGB")
    finally:
        document.close()
    [qr] = zxingcpp.read_barcodes(image)
    return qr.text


def test_the_period_is_two_pairs_of_selects(volunteer_client):
    page = volunteer_client.get(reverse("volunteers:dashboard")).text
    assert 'type="month"' not in page
    for name in ("start_month", "start_year", "end_month", "end_year"):
        assert f'<select name="{name}"' in page
    months = re.search(r'<select name="start_month".*?</select>', page, re.S)[0]
    assert re.findall(r">([a-zéû]+)</option>", months)[:3] == ["janvier", "février", "mars"]
    # By default, the last twelve months, this one included.
    this_month = first_of_month(TODAY())
    end = re.search(r'<select name="end_month".*?</select>', page, re.S)[0]
    assert f'<option value="{this_month.month}" selected>' in end


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"start_month": "13"}, "Choisissez un mois de la liste."),
        ({"start_year": "1900"}, "Choisissez une année de la liste."),
        ({"end_month": ""}, "Choisissez un mois."),
        ({"start_month": "12", "end_month": "1"}, "Le premier mois doit précéder le dernier."),
    ],
)
def test_a_wrong_period_is_explained_in_french(volunteer_client, fields, message):
    year = TODAY().year
    data = _period(datetime.date(year, 1, 1), datetime.date(year, 1, 1)) | fields
    response = volunteer_client.get(reverse("volunteers:attestation"), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("volunteers:dashboard")
    assert message in response.text


def test_a_period_ending_in_the_future_is_refused(volunteer_client):
    this_month = first_of_month(TODAY())
    # The years offered stop at this one: in December, no later month can be chosen at all.
    later = next_month(this_month)
    if later.year > this_month.year:
        message = "Choisissez une année de la liste."
    else:
        message = "La période ne peut pas finir dans le futur."
    data = _period(this_month, later)
    response = volunteer_client.get(reverse("volunteers:attestation"), data, follow=True)
    assert message in response.text


def test_the_qr_code_leads_to_a_page_confirming_the_attestation(
    volunteer_client, orleans_volunteer, client
):
    this_month = first_of_month(TODAY())
    last_month = previous_month(this_month)
    hour = CivicHourFactory(volunteer=orleans_volunteer, done_on=this_month, minutes=90)
    CivicHourFactory(volunteer=orleans_volunteer, done_on=last_month, minutes=60)
    CivicHourFactory(volunteer=orleans_volunteer, done_on=last_month, minutes=30)
    response = volunteer_client.get(
        reverse("volunteers:attestation"), _period(last_month, this_month)
    )
    assert response["Content-Type"] == "application/pdf"
    url = _qr_of(response.content)
    # On the portal whose name the attestation carries (the volunteer's), wherever it was asked.
    portal = Territory.objects.for_commune(orleans_volunteer.commune)
    assert url.startswith(portal.url("/attestation/"))
    path = urlsplit(url).path

    # Anyone, without an account, checks it.
    page = client.get(path).text
    assert "Attestation vérifiée" in page
    assert "Hélène M." in page  # the first name and the initial: no more than needed
    assert "3 h" in page and ">3<" in page
    assert orleans_volunteer.user.email not in page and "Martin" not in page
    assert f"{last_month:%Y}" in page

    # An hour corrected later does not change what was attested that day.
    hour.minutes = 30
    hour.save()
    assert "3 h" in client.get(path).text


def test_a_made_up_or_altered_reference_is_refused(client, national, django_assert_max_num_queries):
    facts = attestation_facts(
        end=datetime.date(2026, 6, 1), minutes=360, actions=6, issued_on=datetime.date(2026, 7, 2)
    )
    good = facts.reference
    with django_assert_max_num_queries(3):
        assert client.get(reverse("attestation_check", args=[good])).status_code == 200
    # Twelve hours instead of six, signed with another key: refused.
    forged = signing.Signer(key="une autre clé", salt=REFERENCE_SALT).sign_object(
        ["Hélène M.", 20260101, 20260601, 720, 12, 20260702], compress=True
    )
    payload, signature = good.rsplit(":", 1)
    altered = f"{payload[:-1]}{'A' if payload[-1] != 'A' else 'B'}:{signature}"
    for reference in (forged, altered, "nimporte-quoi"):
        response = client.get(reverse("attestation_check", args=[reference]))
        assert response.status_code == 404
        assert "Attestation introuvable" in response.text
        assert "360" not in response.text

"""From the home page button to the attestation, through the HTTP client."""

import io
import re

from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from volunteers.models import CivicHour, Volunteer

PASSWORD = "Solidarite-de-quartier-2026"


def test_sign_up_onboard_pledge_log_and_get_the_attestation(
    client,
    smtp_server,
    loiret,
    orleans_commune,
    saint_jean,
    saint_jean_de_la_ruelle,
    django_capture_on_commit_callbacks,
):
    # « Je donne mon heure » leads an anonymous visitor to the sign-up, and back.
    response = client.get(reverse("volunteers:join"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_signup"))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "zephirine@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    body = smtp_server.messages[0].get_body(preferencelist=("plain",)).get_content()
    client.post(re.search(r"https?://[^/\s]+(/compte/\S+)", body).group(1))
    response = client.get(reverse("volunteers:dashboard"))
    assert response.url == reverse("volunteers:join")  # signed in, not yet a volunteer

    # « Saint-Jean » is ambiguous: the onboarding offers the choice, nothing is saved.
    form = {
        "first_name": "Zéphirine",
        "last_name": "Quatrebarbes",
        "commune_query": "saint jean",
        "quartier": "Les Longues Allées",
        "reminder_day": "5",
        "contact_consent": "on",
    }
    response = client.post(reverse("volunteers:join"), form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Plusieurs communes correspondent" in page
    assert f'value="{saint_jean.pk}"' in page and f'value="{saint_jean_de_la_ruelle.pk}"' in page
    assert not Volunteer.objects.exists()

    response = client.post(reverse("volunteers:join"), {**form, "commune": saint_jean.pk})
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(user__email="zephirine@example.org")
    assert volunteer.commune == saint_jean
    assert volunteer.contact_consent_at is not None
    assert volunteer.current_pledge.started_on == timezone.localdate()
    assert volunteer.user.get_full_name() == "Zéphirine Quatrebarbes"

    dashboard = client.get(reverse("volunteers:dashboard")).content.decode()
    assert "reste à faire" in dashboard

    response = client.post(
        reverse("volunteers:log_hour"),
        {"done_on": timezone.localdate().isoformat(), "minutes": "75", "note": "Courses"},
    )
    assert response.status_code == 302
    assert CivicHour.objects.get(volunteer=volunteer).minutes == 75
    dashboard = client.get(reverse("volunteers:dashboard")).content.decode()
    assert "est faite : 1 h 15" in dashboard

    response = client.get(reverse("volunteers:attestation"))
    assert response["Content-Type"] == "application/pdf"
    assert (
        'filename="attestation-heure-civique-zephirine-quatrebarbes.pdf"'
        in (response["Content-Disposition"])
    )
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Zéphirine Quatrebarbes" in text
    assert "Saint-Jean-de-Braye" in text
    assert "1 h 15" in text
    assert "L'Heure Civique · Loiret" in text

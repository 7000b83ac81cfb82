"""« Mes données »: export everything about me, and delete my account without a trace."""

import csv
import datetime
import io
import json
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.models import Session
from gestes.models import Geste
from heurecivique.email import queue_email
from heurecivique.images import photo_variants
from initiatives.models import Initiative, InterestMessage
from initiatives.services import add_photo
from missions.models import HelpRequest, Participation
from volunteers.models import CivicHour, Volunteer
from volunteers.stats import counters_for
from volunteers.stats import refresh as refresh_figures

from .factories import (
    PASSWORD,
    BeneficiaryFactory,
    CivicHourFactory,
    GesteFactory,
    InitiativeFactory,
    MissionFactory,
    ParticipationFactory,
    SignatureFactory,
    UserFactory,
    VolunteerFactory,
)

EMAIL = "zephirine.quatrebarbes@example.org"


@pytest.fixture
def zephirine(orleans_commune, loiret):
    user = UserFactory(email=EMAIL, first_name="Zéphirine", last_name="Quatrebarbes")
    volunteer = VolunteerFactory(
        user=user, commune=orleans_commune, quartier="Rue Zéphirine-Quatrebarbes",
        availability=["week-end"],
    )  # fmt: skip
    CivicHourFactory(volunteer=volunteer, minutes=90, note="Courses pour Zéphirine la voisine")
    InterestMessage.objects.create(
        initiative=InitiativeFactory(commune=orleans_commune),
        sender=user,
        message="Bonjour, ici Zéphirine Quatrebarbes, je peux aider le samedi.",
    )
    InitiativeFactory(
        commune=orleans_commune, organiser=user, title="Les goûters de Zéphirine",
        status=Initiative.Status.PROPOSED,
    )  # fmt: skip
    return user


@pytest.fixture
def someone_else(orleans_commune):
    volunteer = VolunteerFactory(
        user=UserFactory(email="autre@example.org", first_name="Autre", last_name="Personne"),
        commune=orleans_commune, quartier="Argonne",
    )  # fmt: skip
    CivicHourFactory(volunteer=volunteer, note="Note de quelqu'un d'autre")
    return volunteer


def _reauthenticate(client):
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


def _export(client, fmt):
    return client.post(reverse("personal_data_export", args=[fmt]))


def test_the_export_asks_for_the_password_first(client, zephirine):
    client.force_login(zephirine)
    response = _export(client, "json")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))


def test_the_json_export_holds_everything_about_me_and_nothing_of_others(
    client, zephirine, someone_else
):
    client.force_login(zephirine)
    _reauthenticate(client)
    response = _export(client, "json")
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-')
    data = json.loads(response.content)
    assert data["compte"]["adresse électronique"] == EMAIL
    assert data["compte"]["prénom"] == "Zéphirine"
    assert data["compte"]["nom"] == "Quatrebarbes"
    assert data["volontaire"]["commune"] == "Orléans"
    assert data["volontaire"]["quartier"] == "Rue Zéphirine-Quatrebarbes"
    assert data["volontaire"]["disponibilités"] == ["Le week-end"]
    assert data["heures"][0]["minutes"] == 90
    assert data["heures"][0]["ce que j'ai fait"] == "Courses pour Zéphirine la voisine"
    assert len(data["engagements"]) == 1
    assert data["messages aux organisateurs"][0]["message"].startswith("Bonjour, ici Zéphirine")
    assert data["initiatives présentées"][0]["titre"] == "Les goûters de Zéphirine"
    text = response.content.decode()
    assert "autre@example.org" not in text and "Argonne" not in text
    assert "quelqu'un d'autre" not in text


def test_the_csv_export_holds_the_same(client, zephirine, someone_else):
    client.force_login(zephirine)
    _reauthenticate(client)
    response = _export(client, "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    values = {row[3] for row in rows[1:]}
    assert {EMAIL, "Zéphirine", "Quatrebarbes", "Orléans", "90"} <= values
    assert "autre@example.org" not in values


def test_the_csv_export_says_oui_non_and_paris_time(client, zephirine):
    # 23:30 in UTC on 31 December is already the next year in Paris.
    zephirine.date_joined = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
    zephirine.save(update_fields=["date_joined"])
    EmailAddress.objects.filter(user=zephirine).delete()
    EmailAddress.objects.create(user=zephirine, email=EMAIL, verified=True, primary=False)
    client.force_login(zephirine)
    _reauthenticate(client)
    response = _export(client, "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = {(row[0], row[2]): row[3] for row in rows[1:]}
    assert cells[("compte", "inscrit le")] == "01/01/2026 00:30"
    assert cells[("compte › adresses électroniques", "vérifiée")] == "Oui"
    assert cells[("compte › adresses électroniques", "principale")] == "Non"
    assert not {"True", "False"} & {row[3] for row in rows}
    data = json.loads(_export(client, "json").content)
    assert data["compte"]["inscrit le"].startswith("2026-01-01T00:30:00+01:00")


MARKERS = (EMAIL, "zephirine", "Zéphirine", "Quatrebarbes", "06 12 34 56 78")


def _dump() -> str:
    """Every row of every table, as text; sessions decoded (they are stored encoded)."""
    rows = []
    for model in apps.get_models():
        rows += serializers.serialize("python", model.objects.all())
        if model is Session:
            rows += [session.get_decoded() for session in Session.objects.all()]
    return json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False).lower()


def _media_files() -> dict[Path, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}


def _photo(initiative, alt_text):
    image = Image.new("RGB", (900, 600), "#2a6f4e")
    upload = io.BytesIO()
    image.save(upload, format="JPEG")
    variants = photo_variants(SimpleUploadedFile("p.jpg", upload.getvalue()), max_bytes=10**7)
    return add_photo(initiative=initiative, variants=variants, alt_text=alt_text, position=0)


@pytest.fixture
def zephirine_everywhere(zephirine, orleans_commune, client):
    """Zéphirine as the auditor found her: a published initiative with her phone, photos of a
    draft, a signature of the Appel, a session on another device, an email waiting for her."""
    published = InitiativeFactory(
        commune=orleans_commune, organiser=zephirine, run_by="Zéphirine Quatrebarbes",
        how_to_join="Appelez Zéphirine au 06 12 34 56 78 ou écrivez à " + EMAIL,
    )  # fmt: skip
    photos = [
        _photo(published, "Le jardin de Zéphirine"),
        _photo(Initiative.objects.get(title="Les goûters de Zéphirine"), "Un goûter"),
    ]
    SignatureFactory(email=EMAIL, first_name="Zéphirine", last_name="Quatrebarbes",
                     commune=orleans_commune)  # fmt: skip
    GesteFactory(title="L'idée de Zéphirine", proposed_by=zephirine, status=Geste.Status.PROPOSED)
    queue_email(EmailMessage("Bonjour Zéphirine", "…", to=[EMAIL]))
    other_device = Client()
    other_device.force_login(zephirine)
    files = [Path(image.path) for photo in photos for image in (photo.small, photo.large)]
    assert all(path.exists() for path in files)
    return files


def test_deleting_my_account_erases_me_and_keeps_the_statistics(
    client, zephirine, zephirine_everywhere, someone_else, loiret, national, national_admin,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    # The admin history names the account it touched: that trace must go too.
    LogEntry.objects.log_actions(
        user_id=national_admin.pk, queryset=[zephirine], action_flag=ADDITION
    )
    dump = _dump()
    assert all(marker.lower() in dump for marker in MARKERS)
    before = (counters_for(loiret), counters_for(national))
    client.force_login(zephirine)
    # The password is asked first: what is chosen on the page is not lost to its prompt.
    assert client.get(reverse("delete_account")).url.startswith(reverse("account_reauthenticate"))
    _reauthenticate(client)
    page = unescape(client.get(reverse("delete_account")).content.decode())
    assert "Votre signature de l'Appel" in page
    assert "Zéphirine Quatrebarbes, maire d'Orléans (" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("delete_account"), {"confirm": "oui", "signatures": "retirer"}, follow=True
        )
    assert "Votre compte est supprimé" in response.content.decode()

    dump = _dump()
    for marker in MARKERS:
        assert marker.lower() not in dump, marker
    media = _media_files()
    assert not any(path in media for path in zephirine_everywhere)
    for marker in MARKERS:
        assert not [path for path, content in media.items() if marker.encode() in content]
    assert Volunteer.objects.filter(user__isnull=True).count() == 1
    assert CivicHour.objects.count() == 2
    refresh_figures()
    # The hours stay in the counters; the person is no longer an engaged volunteer.
    for territory, counters in zip((loiret, national), before, strict=True):
        assert counters_for(territory) == replace(counters, volunteers=counters.volunteers - 1)
    # The other volunteer is untouched; the session is over.
    someone_else.refresh_from_db()
    assert someone_else.quartier == "Argonne"
    assert client.get(reverse("volunteers:dashboard")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_signature_kept_after_deletion_loses_its_address(client, zephirine, orleans_commune):
    signature = SignatureFactory(email=EMAIL, commune=orleans_commune, last_name="Quatrebarbes")
    client.force_login(zephirine)
    _reauthenticate(client)
    client.post(reverse("delete_account"), {"confirm": "oui", "signatures": "garder"})
    signature.refresh_from_db()
    assert signature.last_name == "Quatrebarbes" and signature.status == "verifiee"
    assert "zephirine" not in signature.email and signature.email.endswith(".invalid")


def test_deletion_needs_the_box_ticked(client, zephirine):
    client.force_login(zephirine)
    _reauthenticate(client)
    response = client.post(reverse("delete_account"), {})
    assert response.status_code == 400
    assert "Cochez la case" in response.content.decode()
    assert Volunteer.objects.filter(user=zephirine).exists()


def test_the_page_lists_the_ways_to_see_fix_and_delete(client, zephirine):
    client.force_login(zephirine)
    page = client.get(reverse("personal_data")).content.decode()
    for url in (
        reverse("personal_data_export", args=["json"]),
        reverse("personal_data_export", args=["csv"]),
        reverse("volunteers:profile"),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("delete_account"),
    ):
        assert f'"{url}"' in page


def test_an_unknown_export_format_is_not_found(client, zephirine):
    client.force_login(zephirine)
    assert client.post("/compte/donnees/export.xml").status_code == 404


def test_my_csv_export_runs_no_formula_either(client, zephirine):
    Volunteer.objects.filter(user=zephirine).update(quartier="=1+1")
    client.force_login(zephirine)
    _reauthenticate(client)
    response = _export(client, "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[3] for row in rows if row[2] == "quartier"] == ["'=1+1"]


def test_my_missions_and_my_requests_for_help_are_in_my_export_and_go_with_my_account(
    client, zephirine, orleans_commune
):
    volunteer = zephirine.volunteer
    helped = BeneficiaryFactory(commune=orleans_commune, name="Marcelle Dupuis")
    mission = MissionFactory(commune=orleans_commune, beneficiary=helped, title="Courses du jeudi")
    ParticipationFactory(mission=mission, volunteer=volunteer)
    HelpRequest.objects.create(
        user=zephirine, commune=orleans_commune, name="Zéphirine Quatrebarbes",
        phone="06 12 34 56 78", what="Changer une ampoule au plafond",
    )  # fmt: skip
    client.force_login(zephirine)
    _reauthenticate(client)
    data = json.loads(_export(client, "json").content)
    assert data["missions"][0]["mission"] == "Courses du jeudi"
    assert data["missions"][0]["état"] == "Retenu·e"
    assert data["demandes de coup de main"][0]["téléphone"] == "06 12 34 56 78"
    assert "Marcelle" not in json.dumps(data, ensure_ascii=False)  # never the person helped

    client.post(reverse("delete_account"), {"confirm": "oui"})
    assert not HelpRequest.objects.exists()
    assert Participation.objects.filter(mission=mission).count() == 1  # the mission's history

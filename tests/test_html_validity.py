"""Every page is valid HTML (RGAA 8.2), as the W3C Nu HTML checker (vnu.jar) reads it: the
public pages of two portals, a volunteer's own pages and the error pages."""

import datetime
import io
import json
import subprocess
from pathlib import Path

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from missions import services as missions
from missions.links import answer_path, outcome_path
from missions.models import Mission, Participation
from mobilisation import calls, crises, watch, watch_links
from mobilisation.models import Campaign, CampaignDelivery

from .factories import (
    PASSWORD,
    BeneficiaryFactory,
    MissionFactory,
    ParticipationFactory,
    VolunteerFactory,
    attestation_facts,
)
from .public_pages import public_paths

ROOT = Path(__file__).resolve().parent.parent
VNU = next(ROOT.glob(".cache/vnu-*/node_modules/vnu-jar/build/dist/vnu.jar"), None)


def _volunteer_pages(client, user) -> dict[str, bytes]:
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    paths = [
        reverse("volunteers:dashboard"),
        reverse("volunteers:history"),
        reverse("volunteers:profile"),
        reverse("volunteers:email_preferences"),
        reverse("volunteers:pause_pledge"),
        reverse("volunteers:stop_pledge"),
        reverse("personal_data"),
        reverse("delete_account"),
        reverse("mfa_index"),
        reverse("mfa_activate_totp"),
    ]
    pages = {path: client.get(path) for path in paths}
    assert all(page.status_code == 200 for page in pages.values()), {
        path: page.status_code for path, page in pages.items()
    }
    # A button's address opened directly: the French 405 page.
    pages[reverse("volunteers:pledge")] = client.get(reverse("volunteers:pledge"))
    # The initiative form shown again with its errors and the photo it keeps.
    photo = io.BytesIO()
    Image.new("RGB", (800, 600), "#4f7942").save(photo, format="JPEG")
    kept = client.post(
        reverse("initiatives:propose"),
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-alt_text": "Un potager",
         "form-0-image": SimpleUploadedFile("potager.jpg", photo.getvalue())},
    )  # fmt: skip
    assert "Photo n° 1 gardée" in kept.content.decode()
    pages["initiative : photo gardée"] = kept
    client.logout()
    key = {"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)}
    link = client.get(reverse("account_reset_password_from_key", kwargs=key), follow=True)
    pages["choisir le mot de passe"] = link
    return {path: page.content for path, page in pages.items()}


def _mission_pages(client, volunteer) -> dict[str, bytes]:
    """A volunteer's missions: the details of the person helped, an invitation, the day after,
    the confirmation of a withdrawal, the personal calendar; the request for help with errors."""
    commune = volunteer.commune
    accepted = MissionFactory(commune=commune, details="Code : 12B",
                              beneficiary=BeneficiaryFactory(commune=commune))  # fmt: skip
    ParticipationFactory(mission=accepted, volunteer=volunteer)
    ParticipationFactory(mission=MissionFactory(commune=commune), volunteer=volunteer,
                         status=Participation.Status.INVITED)  # fmt: skip
    past = MissionFactory(commune=commune)
    Mission.objects.filter(pk=past.pk).update(starts_at=timezone.now() - datetime.timedelta(1))
    ParticipationFactory(mission=past, volunteer=volunteer)
    client.force_login(volunteer.user)
    client.post(reverse("missions:calendar"), {"action": "creer"})
    pages = {
        "mes missions": client.get(reverse("missions:mine")),
        "mission retenue": client.get(reverse("missions:detail", args=[accepted.pk])),
        "me retirer": client.get(reverse("missions:withdraw", args=[accepted.pk])),
        "le lendemain avec erreur": client.post(
            reverse("missions:outcome", args=[past.pk]),
            {f"suite-{past.participations.get().pk}-outcome": "souci"},
        ),
        "coup de main avec erreurs": client.post(reverse("missions:help_request"), {}),
    }
    client.logout()
    return {name: page.content for name, page in pages.items()}


def _mission_link_pages(client, commune) -> dict[str, bytes]:
    """The pages behind the buttons of the missions' emails: a question, an answer, a form
    with its error, a damaged link."""
    helper = VolunteerFactory(commune=commune)
    invited = ParticipationFactory(
        mission=MissionFactory(commune=commune), volunteer=helper, status="invitee"
    )
    accepted = ParticipationFactory(
        mission=MissionFactory(commune=commune, starts_at=timezone.now()), volunteer=helper
    )
    problem = outcome_path(accepted.pk, missions.Outcome.PROBLEM)
    return {
        "mission : oui ?": client.get(answer_path(invited.pk, True)).content,
        "mission : pas cette fois ?": client.get(answer_path(invited.pk, False)).content,
        "mission : un souci ?": client.get(problem).content,
        "mission : souci vide": client.post(problem, {"problem": ""}).content,
        "mission : retenu·e": client.post(answer_path(invited.pk, True)).content,
        "mission : lien abîmé": client.get("/missions/reponse/abime/").content,
    }


def _crisis_pages(client, territory, user) -> dict[str, bytes]:
    """A portal in crisis mode: the banner, the home page's call, the kit and the gestes first,
    to a visitor and to a volunteer (the one-click « disponible en cas d'urgence »)."""
    crises.start(
        territory=territory,
        kind="canicule",
        message="Vigilance orange : prenez des nouvelles de vos voisins âgés.",
        ends_on=timezone.localdate(),
    )
    host = {"HTTP_HOST": f"{territory.slug}.localhost"}
    pages = {f"crise {path}": client.get(path, **host) for path in ("/", "/gestes/", "/outils/")}
    client.force_login(user)
    pages["crise : accueil d'un volontaire"] = client.get("/", **host)
    pages["disponible en cas d'urgence"] = client.get(reverse("volunteers:emergency"), **host)
    client.post(reverse("volunteers:emergency"), {"disponible": "oui"}, **host)
    pages["crise : volontaire disponible"] = client.get("/gestes/", **host)
    client.logout()
    return {name: page.content for name, page in pages.items()}


def _watch_link_pages(client, commune) -> dict[str, bytes]:
    """The pages behind the buttons of the heatwave watch's emails, while the heatwave of
    _crisis_pages runs over the commune's department."""
    helper = VolunteerFactory(commune=commune, contact_consent_at=timezone.now())
    proposed = watch.propose(
        beneficiary=BeneficiaryFactory(commune=commune, watched=True), volunteer=helper, by=None
    )
    paired = watch.propose(
        beneficiary=BeneficiaryFactory(commune=commune, watched=True), volunteer=helper, by=None
    )
    watch.answer_proposal(pairing=paired, accept=True)
    today = timezone.localdate()
    need = watch_links.call_path(paired.pk, today, "besoin")
    return {
        "veille : j'appellerai ?": client.get(watch_links.pairing_path(proposed.pk, True)).content,
        "veille : tout va bien ?": client.get(
            watch_links.call_path(paired.pk, today, "bien")
        ).content,
        "veille : besoin d'aide trop long": client.post(need, {"note": "x" * 501}).content,
        "veille : besoin d'aide transmis": client.post(need, {"note": "De l'eau"}).content,
        "veille : ne plus veiller ?": client.get(watch_links.stop_path(helper.pk)).content,
        "veille : acceptée pendant l'alerte": client.post(
            watch_links.pairing_path(proposed.pk, True)
        ).content,
        "veille : lien abîmé": client.get("/appel/veille/appel/abime/").content,
    }


def _call_link_pages(client, territory, commune) -> dict[str, bytes]:
    """The page behind the buttons of a mairie's message: the question, the answer given, a
    damaged link."""
    campaign = Campaign.objects.create(
        territory=territory, subject="Samedi", body="Venez.", asks_availability=True
    )
    delivery = CampaignDelivery.objects.create(
        campaign=campaign,
        volunteer=VolunteerFactory(commune=commune),
        status=CampaignDelivery.Status.WRITTEN,
    )
    on = {"HTTP_HOST": f"{territory.slug}.localhost"}  # the message's own portal
    return {
        "message : disponible ?": client.get(calls.answer_path(delivery.pk, True), **on).content,
        "message : pas disponible ?": client.get(
            calls.answer_path(delivery.pk, False), **on
        ).content,
        "message : réponse donnée": client.post(calls.answer_path(delivery.pk, True), **on).content,
        "message : lien abîmé": client.get("/appel/message/abime/", **on).content,
    }


def test_every_page_is_valid_html(client, loiret, orleans, national, orleans_commune, tmp_path):
    assert VNU, "vnu.jar is missing: `make test` installs it (npm package vnu-jar)"
    MissionFactory(commune=orleans_commune, kind=Mission.Kind.COLLECTIVE, places=10)
    pages = {}
    for host in ("testserver", "loiret.localhost"):
        for path in public_paths(client, host=host):
            response = client.get(path, HTTP_HOST=host)
            if response["Content-Type"].startswith("text/html"):
                pages[f"{host}{path}"] = response.content
    pages["page introuvable"] = client.get("/cette-page-n-existe-pas/").content
    # Forms with errors, opened by their error summary.
    pages["inscription avec erreurs"] = client.post(reverse("account_signup"), {}).content
    pages["signature avec erreurs"] = client.post(reverse("mobilisation:sign"), {}).content
    for template in ("500.html", "503.html", "429.html"):
        pages[template] = loader.get_template(template).render({"wait": "dans 12 minutes"}).encode()
    volunteer = VolunteerFactory(commune=orleans_commune)
    pages |= _mission_pages(client, volunteer)
    pages |= _volunteer_pages(client, volunteer.user)
    pages |= _mission_link_pages(client, orleans_commune)
    pages |= _crisis_pages(client, loiret, volunteer.user)
    pages |= _watch_link_pages(client, orleans_commune)
    pages |= _call_link_pages(client, orleans, orleans_commune)
    facts = attestation_facts()
    for reference in (facts.reference, "inventee"):
        pages[f"attestation {reference}"] = client.get(
            reverse("attestation_check", args=[reference])
        ).content

    names = {}
    for number, (name, content) in enumerate(pages.items()):
        (tmp_path / f"{number}.html").write_bytes(content)
        names[f"{number}.html"] = name
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    errors = [
        f"{names[Path(m['url']).name]}, ligne {m.get('lastLine')} : {m['message']}"
        for m in json.loads(result.stderr or result.stdout)["messages"]
    ]
    assert len(pages) > 40
    assert errors == []

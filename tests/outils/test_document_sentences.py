"""Every generated document, for a masculine, a feminine, a plural and a vowel-initial
territory, says its sentences as a mairie would print them."""

import io
import re
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from outils.documents import TEMPLATES
from outils.models import Kit
from territories.branding import branding_for
from territories.models import Territory

from ..factories import CommuneFactory, DepartmentFactory, TerritoryFactory, VolunteerFactory
from ..territories.forms import custom_hosts

# Never printed, whatever the territory: a bare name after a preposition, a missing elision,
# an inclusive « (e) » for a reader we name or could have asked.
WRONG = re.compile(
    r"\b(?:à|de|portail) (?:Loiret|Gironde|Yvelines|Ain)\b"
    r"|\b(?:à|de) Les Lilas|\bde Orléans|\bLe Maire\b(?! d)|\(e\)"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _department(slug, code, name, tncc, **fields):
    department = DepartmentFactory(code=code, name=name, tncc=tncc)
    return TerritoryFactory(
        kind=Territory.Kind.DEPARTMENT, slug=slug, name=name, department=department, **fields
    )


def _commune(slug, insee_code, name, tncc, department):
    commune = CommuneFactory(insee_code=insee_code, name=name, tncc=tncc, department=department)
    return TerritoryFactory(kind=Territory.Kind.COMMUNE, slug=slug, name=name, commune=commune)


@pytest.fixture
def territories(national):
    """slug → what its documents must say."""
    loiret = _department("loiret", "45", "Loiret", 2)
    seine_saint_denis = DepartmentFactory(code="93", name="Seine-Saint-Denis", tncc=3)
    _department(
        "gironde", "33", "Gironde", 3,
        signatory_name="Jean-Luc Gleyze",
        press_contact="Marie Martin, service presse\n05 56 99 33 33",
    )  # fmt: skip
    _department("yvelines", "78", "Yvelines", 4)
    _department("ain", "01", "Ain", 5, signatory_title="Présidente du Département de l'Ain")
    _commune("orleans", "45234", "Orléans", 1, loiret.department)
    _commune("les-lilas", "93045", "Les Lilas", 4, seine_saint_denis)
    return {
        national.slug: {
            "in": "partout en France",
            "arrives": "près de chez vous",
            "signatory": ["L'équipe nationale de L'Heure Civique"],
            "press": "Partout en France, des communes et des départements s'engagent",
            "contact": "L'équipe nationale de L'Heure Civique",
        },
        "loiret": {
            "in": "dans le Loiret",
            "signatory": ["Le Président du Conseil départemental du Loiret"],
            "press": "Le Département du Loiret s'engage dans l'Heure Civique",
            "contact": "Service communication du Département du Loiret loiret.localhost",
        },
        "gironde": {
            "in": "en Gironde",
            "signatory": ["Jean-Luc Gleyze", "Le Président du Conseil départemental de la Gironde"],
            "press": "Le Département de la Gironde s'engage dans l'Heure Civique",
            "contact": "Marie Martin, service presse 05 56 99 33 33",
        },
        "yvelines": {
            "in": "dans les Yvelines",
            "signatory": ["Le Président du Conseil départemental des Yvelines"],
            "press": "Le Département des Yvelines s'engage",
            "contact": "Service communication du Département des Yvelines",
        },
        "ain": {
            "in": "dans l'Ain",
            "signatory": ["Présidente du Département de l'Ain"],
            "press": "Le Département de l'Ain s'engage",
            "contact": "Service communication du Département de l'Ain",
        },
        "orleans": {
            "in": "à Orléans",
            "signatory": ["Le Maire d'Orléans"],
            "press": "La commune d'Orléans s'engage",
            "contact": "Service communication de la commune d'Orléans",
        },
        "les-lilas": {
            "in": "aux Lilas",
            "signatory": ["Le Maire des Lilas"],
            "press": "La commune des Lilas s'engage",
            "contact": "Service communication de la commune des Lilas",
        },
    }


def _text(spec, data: bytes) -> str:
    if spec.format == "pdf":
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    elif spec.format == "odt":
        content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode()
        text = re.sub(r"<[^>]+>", " ", content).replace("&apos;", "'").replace("&amp;", "&")
    else:
        return ""  # pictures: the portal's name alone, no sentence
    return " ".join(text.split())


# What each document must say, given the territory's expectations.
SENTENCES = {
    "affiche-lancement": lambda e: [f"L'Heure Civique arrive {e.get('arrives', e['in'])}."],
    "affiche-lancement-a3": lambda e: [f"L'Heure Civique arrive {e.get('arrives', e['in'])}."],
    "lettre-habitants": lambda e: [
        f"Nous lançons l'Heure Civique {e['in']}, et nous avons besoin de vous.",
        *e["signatory"],
    ],
    "lettre-habitants-modifiable": lambda e: [
        f"Nous lançons l'Heure Civique {e['in']}, et nous avons besoin de vous.",
        *e["signatory"],
    ],
    "communique-presse": lambda e: [e["press"], e["contact"]],
}


def test_every_document_says_its_sentences_for_every_kind_of_territory(rf, territories):
    for slug, expected in territories.items():
        request = rf.get("/", HTTP_HOST=f"{slug}.localhost")
        request.territory = Territory.objects.select_related("department", "commune").get(slug=slug)
        branding = branding_for(request)
        for key, spec in TEMPLATES.items():
            text = _text(spec, spec.build(branding))
            assert not WRONG.search(text), (slug, key, WRONG.search(text))
            for sentence in SENTENCES.get(key, lambda e: [])(expected):
                assert sentence in text, (slug, key, sentence, text)
        department = request.territory.kind != Territory.Kind.COMMUNE
        letter = _text(TEMPLATES["lettre-habitants"], TEMPLATES["lettre-habitants"].build(branding))
        assert ("les mairies et leurs CCAS" in letter) == department


def test_the_editable_letter_carries_the_portal_address_and_colours(rf, territories):
    request = rf.get("/", HTTP_HOST="gironde.localhost")
    request.territory = Territory.objects.get(slug="gironde")
    data = TEMPLATES["lettre-habitants-modifiable"].build(branding_for(request))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    content = archive.read("content.xml").decode()
    assert "http://gironde.localhost/mon-heure/rejoindre/" in content
    assert "L'Heure Civique · Gironde" in content.replace("&apos;", "'")
    assert f'fo:background-color="{request.territory.primary_color}"' in content
    assert f'fo:background-color="{request.territory.secondary_color}"' in content


def test_the_attestation_names_the_commune_with_its_article(client, territories, portal_client):
    lilas = Territory.objects.get(slug="les-lilas").commune
    volunteer = VolunteerFactory(commune=lilas, user__first_name="Aïcha", user__last_name="Diallo")
    client.force_login(volunteer.user)
    response = portal_client("les-lilas").get(reverse("volunteers:attestation"))
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "Aïcha Diallo, habitant aux Lilas (93), a pris l'engagement" in text
    assert not WRONG.search(text)


def test_the_departments_staff_set_who_signs_and_the_press_contact(
    client, loiret_agent, loiret, portal_client
):
    client.force_login(loiret_agent)
    response = client.post(
        reverse("admin:territories_territory_change", args=[loiret.pk]),
        {
            "name": loiret.name,
            "is_active": "on",
            "primary_color": loiret.primary_color,
            "secondary_color": loiret.secondary_color,
            "welcome_text": "",
            "signatory_name": "Marc Gaudet",
            "signatory_title": "Président du Département du Loiret",
            "press_contact": "Service presse du Département\n02 38 25 45 45",
            **custom_hosts(),
        },
    )
    assert response.status_code == 302
    kit = Kit.objects.get(slug="kit-de-lancement")
    texts = {}
    for key in ("lettre-habitants", "communique-presse"):
        resource = kit.resources.get(template=key)
        download = portal_client("loiret").get(
            reverse("outils:download", args=[kit.slug, resource.pk])
        )
        texts[key] = _text(TEMPLATES[key], b"".join(download.streaming_content))
    assert "Marc Gaudet Président du Département du Loiret" in texts["lettre-habitants"]
    assert "Le Maire" not in texts["lettre-habitants"]
    assert "Service presse du Département 02 38 25 45 45" in texts["communique-presse"]

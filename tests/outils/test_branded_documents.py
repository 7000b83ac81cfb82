"""« À vos couleurs »: the documents carry the portal's name, address, colour and QR code."""

import io
import zipfile

import pypdfium2
import pytest
import zxingcpp
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from outils.documents import TEMPLATES, Template
from outils.models import Kit
from territories.branding import branding_for

from ..factories import TerritoryFactory

POSTER = "affiche-lancement"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _poster(client, host):
    kit = Kit.objects.get(slug="kit-de-lancement")
    resource = kit.resources.get(template=POSTER)
    return client.get(reverse("outils:download", args=[kit.slug, resource.pk]), HTTP_HOST=host)


def _first_page(pdf: bytes) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[0].render(scale=3).to_pil().convert("RGB")
    finally:
        document.close()


def test_a_loiret_poster_names_loiret_its_address_and_its_colour(client, loiret):
    response = _poster(client, "loiret.localhost")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="affiche-de-lancement-a4-loiret.pdf"'
    )
    pdf = b"".join(response.streaming_content)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Loiret" in text
    assert "http://loiret.localhost/mon-heure/rejoindre/" in text

    page = _first_page(pdf)
    [qr] = zxingcpp.read_barcodes(page)
    assert qr.text == "http://loiret.localhost/mon-heure/rejoindre/"
    # The header band is drawn in the Loiret primary colour, #00587c.
    assert page.getpixel((page.width - 20, 20)) == (0, 88, 124)


def test_another_portal_gets_another_file(client, loiret, gironde):
    loiret_pdf = b"".join(_poster(client, "loiret.localhost").streaming_content)
    gironde_pdf = b"".join(_poster(client, "gironde.localhost").streaming_content)
    assert loiret_pdf != gironde_pdf
    assert "Gironde" in PdfReader(io.BytesIO(gironde_pdf)).pages[0].extract_text()
    page = _first_page(gironde_pdf)
    assert page.getpixel((page.width - 20, 20)) == (122, 31, 61)  # #7a1f3d


def test_a_second_download_is_served_from_the_cache(client, loiret, monkeypatch):
    first = b"".join(_poster(client, "loiret.localhost").streaming_content)

    def no_generation(_branding):
        raise AssertionError("generated again")

    monkeypatch.setitem(TEMPLATES, POSTER, Template(POSTER, "affiche", "pdf", no_generation))
    second = b"".join(_poster(client, "loiret.localhost").streaming_content)
    assert first == second


def test_a_change_of_colour_gives_a_new_poster(client, loiret):
    before = b"".join(_poster(client, "loiret.localhost").streaming_content)
    loiret.primary_color = "#1d4f91"
    loiret.save()
    after = b"".join(_poster(client, "loiret.localhost").streaming_content)
    assert before != after
    page = _first_page(after)
    assert page.getpixel((page.width - 20, 20)) == (29, 79, 145)


def test_generation_is_deterministic(loiret, rf):
    request = rf.get("/", HTTP_HOST="loiret.localhost")
    request.territory = loiret
    branding = branding_for(request)
    for spec in TEMPLATES.values():
        assert spec.build(branding) == spec.build(branding), spec.key


def test_long_names_accents_and_missing_logo_render(client, orleans_commune, rf):
    territory = TerritoryFactory(
        slug="saint-remy", name="Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson"
    )
    request = rf.get("/", HTTP_HOST="saint-remy.localhost")
    request.territory = territory
    branding = branding_for(request)
    assert branding.logo_path is None
    for spec in TEMPLATES.values():
        data = spec.build(branding)
        if spec.format == "pdf":
            text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
            assert "Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson" in text.replace("\n", ""), spec
            assert "à" in text and "é" in text
        elif spec.format == "odt":
            content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode()
            assert "Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson" in content, spec
        else:
            image = Image.open(io.BytesIO(data))
            [qr] = zxingcpp.read_barcodes(image)
            assert qr.text == "http://saint-remy.localhost/mon-heure/rejoindre/"


def test_generated_files_are_kept_in_storage(client, loiret):
    _poster(client, "loiret.localhost")
    names = default_storage.listdir("outils/generes")[1]
    assert any(name.startswith(f"{POSTER}-") and name.endswith(".pdf") for name in names)

"""Uploaded photos are re-encoded: no metadata, no bomb, no polyglot, no SVG, nothing left over."""

import io
import os
import re
import struct
import zlib
from html import unescape

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from heurecivique.images import photo_variants
from initiatives.models import Initiative

from ..factories import UserFactory
from .test_initiatives import _form


def _image(format="JPEG", size=(1600, 1200), **save) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, "#4f7942").save(output, format=format, **save)
    return output.getvalue()


def _grey(format, size, **save) -> bytes:
    """One flat grey: the way a decompression bomb packs many pixels in a small file."""
    output = io.BytesIO()
    Image.new("L", size, 128).save(output, format=format, **save)
    return output.getvalue()


def test_gps_metadata_is_gone():
    exif = Image.Exif()
    exif[0x8825] = {2: (47.0, 54.0, 10.0), 4: (1.0, 54.0, 30.0)}
    upload = SimpleUploadedFile("photo.jpg", _image(exif=exif))
    assert Image.open(io.BytesIO(upload.read())).getexif().get(0x8825)
    for width, jpeg in photo_variants(upload, max_bytes=8_000_000).values():
        with Image.open(io.BytesIO(jpeg.read())) as stored:
            assert not stored.getexif()
            assert stored.format == "JPEG" and stored.width == width


def test_variants_have_the_widths_of_the_srcset():
    variants = photo_variants(SimpleUploadedFile("p.png", _image("PNG")), max_bytes=8_000_000)
    assert [width for width, _file in variants.values()] == [400, 800, 1600]
    small = photo_variants(
        SimpleUploadedFile("p.jpg", _image(size=(300, 200))), max_bytes=8_000_000
    )
    assert [width for width, _file in small.values()] == [300, 300, 300]


def test_a_decompression_bomb_is_refused_before_decoding():
    # 9,500 × 9,500 pixels of one colour: a few kilobytes on disk, 360 MB once decoded.
    bomb = _grey("PNG", (9500, 9500))
    assert len(bomb) < 500_000
    with pytest.raises(ValidationError, match="trop de pixels"):
        photo_variants(SimpleUploadedFile("bombe.png", bomb), max_bytes=8_000_000)


def test_a_png_html_polyglot_is_neutralised():
    polyglot = _image("PNG", size=(200, 200)) + b"<html><script>alert(document.cookie)</script>"
    variants = photo_variants(SimpleUploadedFile("image.png", polyglot), max_bytes=8_000_000)
    for _width, jpeg in variants.values():
        data = jpeg.read()
        assert b"<script>" not in data and b"<html>" not in data


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
         "pas une image lisible"),
        ("photo.jpg", b"<html>pas une image</html>", "pas une image lisible"),
        ("anim.gif", b"GIF89a" + _image("GIF", size=(10, 10))[6:], "JPEG, PNG ou WebP"),
    ],
)  # fmt: skip
def test_other_files_are_refused_in_french(name, content, message):
    with pytest.raises(ValidationError, match=message):
        photo_variants(SimpleUploadedFile(name, content), max_bytes=8_000_000)


def test_an_oversized_photo_is_refused():
    big = SimpleUploadedFile("grande.jpg", b"\xff\xd8\xff" + b"0" * 9_000_000)
    with pytest.raises(ValidationError, match="le maximum est de 8 Mo"):
        photo_variants(big, max_bytes=8_000_000)


def test_webp_is_accepted():
    variants = photo_variants(SimpleUploadedFile("p.webp", _image("WEBP")), max_bytes=8_000_000)
    assert len(variants) == 3


def _files(root) -> list[str]:
    return [os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files]


def test_a_refused_photo_leaves_nothing_on_disk(
    client, resident, orleans_commune, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(resident)
    bomb = SimpleUploadedFile("bombe.png", _grey("PNG", (9500, 9500)))
    response = client.post(
        reverse("initiatives:propose"),
        {"title": "Jardin", "summary": "Un jardin.", "body": "Texte.", "commune_query": "45000",
         "run_by": "Voisins", "place": "Square", "frequency": "hebdo", "schedule": "samedi",
         "how_to_join": "Venir.", "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0",
         "form-0-image": bomb, "form-0-alt_text": "Un jardin"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "trop de pixels" in response.content.decode()
    assert _files(tmp_path) == []


# --- Bounds, through the submission form ------------------------------------------------------

PROPOSE = reverse("initiatives:propose")


def _propose(client, *photos):
    fields = {"form-TOTAL_FORMS": str(len(photos))}
    for i, (name, content) in enumerate(photos):
        fields[f"form-{i}-image"] = SimpleUploadedFile(name, content)
        fields[f"form-{i}-alt_text"] = "Le potager au printemps"
    return client.post(PROPOSE, _form(**fields))


@pytest.fixture
def decoded(monkeypatch):
    """The sizes at which Pillow decoded pixels during the test."""
    sizes = []
    load = ImageFile.ImageFile.load

    def counting_load(image):
        if image.tile:  # pixels still to decode
            sizes.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    return sizes


@pytest.fixture
def proposer(client, resident, bordeaux_commune, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(resident)
    return client


@pytest.mark.parametrize(
    ("format", "size", "message"),
    [
        # The audit's bomb: a few kilobytes, 39.7 million pixels.
        ("PNG", (7280, 5453), "trop de pixels (39,7 millions ; 16 millions au plus)"),
        ("WEBP", (4000, 2500), "trop de pixels (10 millions ; 8 millions au plus)"),
    ],
)
def test_a_bomb_is_refused_in_french_before_decoding(
    proposer, decoded, tmp_path, format, size, message
):
    content = _grey(format, size)
    assert len(content) < 200_000
    response = _propose(proposer, (f"bombe.{format.lower()}", content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert decoded == []
    assert not Initiative.objects.exists() and _files(tmp_path) == []


def test_a_png_carrying_megabytes_of_text_is_refused(proposer, tmp_path):
    def chunk(kind, data):
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    # Sixty compressed text chunks of a few hundred bytes, each 1 MB once read.
    text = zlib.compress(b" " * 1_000_000, 9)
    png = _grey("PNG", (800, 600))
    chunks = b"".join(chunk(b"zTXt", b"Comment%d\0\0" % i + text) for i in range(60))
    content = png[:33] + chunks + png[33:]  # after the header chunk
    assert len(content) < 100_000
    response = _propose(proposer, ("photo.png", content))
    assert response.status_code == 400
    assert "pas une image lisible" in response.content.decode()
    assert _files(tmp_path) == []


def test_the_photos_of_one_submission_are_bounded_together(proposer, decoded, tmp_path):
    # Two 12 MP pictures: each one passes, not both in the same request.
    photo = ("photo.png", _grey("PNG", (4000, 3000)))
    response = _propose(proposer, photo, photo)
    assert response.status_code == 400
    assert "Ensemble, ces photos sont trop grandes pour un seul envoi" in response.content.decode()
    assert decoded == []
    assert not Initiative.objects.exists() and _files(tmp_path) == []

    assert _propose(proposer, photo).status_code == 302
    assert Initiative.objects.get().photos.count() == 1


def test_the_photos_of_one_submission_are_bounded_together_in_weight(proposer, decoded):
    # Three photos of 7 MB (what follows the end of a JPEG is never read): 21 MB in all.
    photo = ("photo.jpg", _grey("JPEG", (800, 600)) + b"\0" * 7_000_000)
    response = _propose(proposer, photo, photo, photo)
    assert response.status_code == 400
    assert "Ensemble, ces photos pèsent 21,0 Mo ; un envoi en accepte 20 Mo au plus" in (
        response.content.decode()
    )
    assert decoded == []
    assert not Initiative.objects.exists()


@pytest.mark.parametrize(
    ("size", "decoded_at"),
    [
        ((4032, 3024), (2016, 1512)),  # a phone's 12 MP photo, decoded at half its size
        ((8064, 6048), (2016, 1512)),  # the 48 MP of recent phones, at a quarter
    ],
)
def test_a_phone_photo_is_decoded_small_kept_upright_and_without_its_location(
    proposer, decoded, size, decoded_at
):
    exif = Image.Exif()
    exif[0x0112] = 6  # the phone was held upright: the picture is to be turned a quarter
    exif[0x8825] = {2: (44.0, 50.0, 30.0), 4: (0.0, 34.0, 20.0)}  # GPSInfo: near Bordeaux
    response = _propose(proposer, ("IMG_0042.jpg", _grey("JPEG", size, exif=exif)))
    assert response.status_code == 302
    assert decoded == [decoded_at]
    photo = Initiative.objects.get().photos.get()
    assert (photo.small_width, photo.medium_width, photo.large_width) == (300, 600, 1200)
    with Image.open(photo.large.path) as large:
        assert large.size == (1200, 1600)  # upright, as taken
        assert not large.getexif()


def test_a_jpeg_comment_does_not_survive(proposer):
    content = _grey("JPEG", (900, 600), comment=b"<script>alert(document.cookie)</script>")
    assert b"<script>" in content
    assert _propose(proposer, ("photo.jpg", content)).status_code == 302
    photo = Initiative.objects.get().photos.get()
    for variant in (photo.small, photo.medium, photo.large):
        assert b"<script>" not in variant.read()


# --- A photo across an error of the form -------------------------------------------------------


def _kept_token(page: str) -> str:
    return re.search(r'<input type="hidden" name="form-0-kept" value="([0-9a-f]{32})">', page)[1]


def test_a_photo_is_kept_across_an_error_of_the_form_and_saved_with_it(proposer, resident):
    first = _propose_without_title(proposer)
    assert first.status_code == 400
    page = first.content.decode()
    assert "Photo n° 1 gardée" in page and "inutile de la choisir de nouveau" in page
    again = proposer.post(
        PROPOSE,
        _form(**{"form-TOTAL_FORMS": "1", "form-0-kept": _kept_token(page),
                 "form-0-alt_text": "Le potager au printemps"}),
    )  # fmt: skip
    assert again.status_code == 302
    initiative = Initiative.objects.get(organiser=resident)
    [photo] = initiative.photos.all()
    assert photo.alt_text == "Le potager au printemps"


def _propose_without_title(client):
    return client.post(
        PROPOSE,
        _form(title="", **{"form-TOTAL_FORMS": "1",
                           "form-0-image": SimpleUploadedFile("potager.jpg", _image()),
                           "form-0-alt_text": "Le potager au printemps"}),
    )  # fmt: skip


def test_a_kept_photo_that_was_lost_is_asked_for_again_never_dropped(proposer, resident):
    token = _kept_token(_propose_without_title(proposer).content.decode())
    cache.clear()
    again = proposer.post(
        PROPOSE,
        _form(**{"form-TOTAL_FORMS": "1", "form-0-kept": token,
                 "form-0-alt_text": "Le potager au printemps"}),
    )  # fmt: skip
    assert again.status_code == 400
    assert "choisissez-la de nouveau" in unescape(again.content.decode())
    assert not Initiative.objects.exists()


def test_a_kept_photo_is_its_owners_only(proposer, client, bordeaux_commune):
    token = _kept_token(_propose_without_title(proposer).content.decode())
    client.force_login(UserFactory(email="autre@example.org"))
    response = client.post(
        PROPOSE,
        _form(**{"form-TOTAL_FORMS": "1", "form-0-kept": token, "form-0-alt_text": "Volée"}),
    )
    assert response.status_code == 400
    assert not Initiative.objects.exists()


def test_a_kept_photo_can_be_removed(proposer, resident):
    token = _kept_token(_propose_without_title(proposer).content.decode())
    again = proposer.post(
        PROPOSE,
        _form(**{"form-TOTAL_FORMS": "1", "form-0-kept": token, "form-0-drop": "on",
                 "form-0-alt_text": ""}),
    )  # fmt: skip
    assert again.status_code == 302
    assert not Initiative.objects.get(organiser=resident).photos.exists()

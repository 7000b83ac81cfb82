"""Uploaded photos are re-encoded: no metadata, no bomb, no polyglot, no SVG, nothing left over."""

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from heurecivique.images import photo_variants


def _image(format="JPEG", size=(1600, 1200), **save) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, "#4f7942").save(output, format=format, **save)
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
    # 9,500 × 9,500 pixels of one colour: a few kilobytes on disk, 270 MB once decoded.
    bomb = _image("PNG", size=(9500, 9500))
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
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    client.force_login(resident)
    bomb = SimpleUploadedFile("bombe.png", _image("PNG", size=(9500, 9500)))
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

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from .forms import custom_hosts


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (1200, 800), "#00587c")
    exif = Image.Exif()
    exif[0x8825] = {2: (47.0, 54.0, 10.0), 4: (1.0, 54.0, 30.0)}  # GPSInfo: near Orléans
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def _post_logo(client, territory, upload):
    return client.post(
        reverse("admin:territories_territory_change", args=[territory.pk]),
        {
            "name": territory.name,
            "is_active": "on",
            "primary_color": territory.primary_color,
            "secondary_color": territory.secondary_color,
            "welcome_text": "",
            **custom_hosts(),
            "logo": upload,
        },
    )


def test_an_uploaded_logo_is_re_encoded_without_its_metadata(
    client, loiret_agent, loiret, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(loiret_agent)
    assert Image.open(io.BytesIO(_jpeg_with_gps())).getexif().get(0x8825)

    response = _post_logo(client, loiret, SimpleUploadedFile("logo.jpg", _jpeg_with_gps()))
    assert response.status_code == 302
    loiret.refresh_from_db()
    assert re.fullmatch(r"territoires/logos/[0-9a-f]{32}\.png", loiret.logo.name)
    with Image.open(loiret.logo.path) as stored:
        assert stored.format == "PNG"
        assert max(stored.size) == 600
        assert not stored.getexif()


def test_a_file_that_is_not_an_image_is_refused_in_french(
    client, loiret_agent, loiret, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(loiret_agent)
    fake = SimpleUploadedFile("logo.png", b"<html><script>alert(1)</script></html>", "image/png")
    response = _post_logo(client, loiret, fake)
    assert response.status_code == 200
    page = response.content.decode()
    assert "image valide" in page or "pas une image lisible" in page
    loiret.refresh_from_db()
    assert not loiret.logo


def test_a_logo_with_too_many_pixels_is_refused_before_decoding(
    client, loiret_agent, loiret, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(loiret_agent)
    decoded = []
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(
        ImageFile.ImageFile, "load", lambda image: decoded.append(image.tile) or load(image)
    )
    bomb = io.BytesIO()
    Image.new("L", (7280, 5453), 255).save(bomb, format="PNG")  # 39.7 MP in a few kilobytes
    response = _post_logo(client, loiret, SimpleUploadedFile("logo.png", bomb.getvalue()))
    assert response.status_code == 200
    assert "trop de pixels (39,7 millions ; 16 millions au plus)" in response.content.decode()
    assert not any(decoded)
    loiret.refresh_from_db()
    assert not loiret.logo


def test_a_logo_from_a_large_jpeg_is_decoded_at_the_size_it_is_kept(
    client, loiret_agent, loiret, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(loiret_agent)
    decoded = []
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(
        ImageFile.ImageFile,
        "load",
        lambda image: (decoded.append(image.size) if image.tile else None) or load(image),
    )
    scan = io.BytesIO()
    Image.new("RGB", (4800, 3200), "#00587c").save(scan, format="JPEG")  # a scanned letterhead
    response = _post_logo(client, loiret, SimpleUploadedFile("logo.jpg", scan.getvalue()))
    assert response.status_code == 302
    assert decoded == [(600, 400)]  # an eighth of the scan: the size the logo is kept at
    loiret.refresh_from_db()
    with Image.open(loiret.logo.path) as stored:
        assert stored.size == (600, 400)

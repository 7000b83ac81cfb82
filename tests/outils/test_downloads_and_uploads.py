import datetime
import hashlib
import io
import os
import re
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from outils.documents import editable_letter as branded_letter
from outils.models import Download, Kit, Resource
from outils.tasks import forget_visitors
from territories.branding import Branding

ADD_KIT = reverse("admin:outils_kit_add")


def editable_letter() -> bytes:
    """A real OpenDocument text to upload: the national portal's editable letter."""
    return branded_letter(
        Branding(
            territory_name="",
            primary_color="#1b3a6b",
            secondary_color="#ffd27a",
            logo_path=None,
            site_url="http://localhost",
            join_url="http://localhost/mon-heure/rejoindre/",
            territory_key="test",
        )
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_whole_kit_comes_as_a_zip_with_safe_names(loiret, portal_client):
    kit = Kit.objects.get(slug="kit-de-lancement")
    response = portal_client("loiret").get(reverse("outils:download_kit", args=[kit.slug]))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="kit-de-lancement.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert len(names) == kit.resources.count() == 7
    assert all(re.fullmatch(r"[a-z0-9-]+\.(pdf|odt)", name) for name in names), names
    assert all(
        archive.read(name).startswith(b"%PDF-" if name.endswith(".pdf") else b"PK")
        for name in names
    )
    # Every file of the archive counts as a download on the Loiret portal.
    assert Download.objects.filter(territory=loiret).count() == 7


def test_downloads_are_counted_per_resource_and_portal_without_anyone(client, loiret, gironde):
    kit = Kit.objects.get(slug="le-noel-des-voisins")
    poster = kit.resources.get(template="affiche-noel")
    url = reverse("outils:download", args=[kit.slug, poster.pk])
    for host, address in [
        ("loiret.localhost", "203.0.113.7"),
        ("loiret.localhost", "203.0.113.8"),
        ("gironde.localhost", "198.51.100.20"),
    ]:
        client.get(url, HTTP_HOST=host, REMOTE_ADDR=address)
    assert Download.objects.filter(resource=poster, territory=loiret).count() == 2
    assert Download.objects.filter(resource=poster, territory=gironde).count() == 1
    fields = {field.name for field in Download._meta.get_fields()}
    assert fields == {"id", "resource", "territory", "day", "visitor", "at"}
    # The visitor is a keyed hash of the address: neither the address, nor its plain hash.
    visitor = Download.objects.get(territory=gironde).visitor
    assert re.fullmatch(r"[0-9a-f]{64}", visitor)
    assert visitor != hashlib.sha256(b"198.51.100.20").hexdigest()


@pytest.fixture
def poster_url(db):
    kit = Kit.objects.get(slug="le-noel-des-voisins")
    return reverse("outils:download", args=[kit.slug, kit.resources.first().pk])


def test_a_head_request_is_not_a_download(client, poster_url):
    response = client.head(poster_url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert not Download.objects.exists()


def test_a_visitor_counts_once_a_day(client, poster_url, monkeypatch):
    for _repeat in range(5):
        assert client.get(poster_url, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert Download.objects.count() == 1
    client.get(poster_url, REMOTE_ADDR="203.0.113.8")  # someone else
    assert Download.objects.count() == 2

    today = timezone.localdate()
    monkeypatch.setattr(timezone, "localdate", lambda: today + datetime.timedelta(days=1))
    client.get(poster_url, REMOTE_ADDR="203.0.113.7")
    client.get(poster_url, REMOTE_ADDR="203.0.113.7")
    assert Download.objects.count() == 3
    # The same address is another visitor the next day: days cannot be linked together.
    first, _other, next_day = Download.objects.order_by("pk")
    assert next_day.day == first.day + datetime.timedelta(days=1)
    assert next_day.visitor != first.visitor


def test_the_visitor_hash_needs_the_secret_key(client, poster_url, settings):
    client.get(poster_url, REMOTE_ADDR="203.0.113.7")
    settings.SECRET_KEY = "une-autre-cle-secrete-" + "x" * 40
    Download.objects.update(day=timezone.localdate() - datetime.timedelta(days=1))
    client.get(poster_url, REMOTE_ADDR="203.0.113.7")
    first, second = Download.objects.order_by("pk").values_list("visitor", flat=True)
    assert first != second


def test_visitors_behind_the_proxy_are_told_apart_by_their_own_address(
    client, poster_url, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # nginx, as in docker-compose.yml
    proxy = {"REMOTE_ADDR": "172.18.0.5"}
    client.get(poster_url, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    client.get(poster_url, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)
    client.get(poster_url, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)
    # A forged first address does not make a new visitor: the proxy's own entry is the one read.
    client.get(poster_url, HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.8", **proxy)
    assert Download.objects.count() == 2


def test_a_kit_archive_counts_each_resource_once_a_day(client, loiret, portal_client):
    kit = Kit.objects.get(slug="kit-de-lancement")
    url = reverse("outils:download_kit", args=[kit.slug])
    for _repeat in range(3):
        assert portal_client("loiret").get(url).status_code == 200
    portal_client("loiret").head(url)
    # And a resource of the kit downloaded alone the same day is already counted.
    client.get(reverse("outils:download", args=[kit.slug, kit.resources.first().pk]))
    assert Download.objects.count() == kit.resources.count() == 7
    assert set(Download.objects.values_list("resource", flat=True)) == set(
        kit.resources.values_list("pk", flat=True)
    )


def test_a_resource_of_another_kit_is_not_found(client, db):
    noel = Kit.objects.get(slug="le-noel-des-voisins")
    other = Kit.objects.get(slug="kit-de-lancement").resources.first()
    response = client.get(reverse("outils:download", args=[noel.slug, other.pk]))
    assert response.status_code == 404


@pytest.fixture
def reserved(loiret):
    kit = Kit.objects.create(
        slug="kit-reserve", title="Réunion des maires", description="Pour les équipes.",
        audience="mairies", topic="lancement", territory=loiret, is_public=False,
    )  # fmt: skip
    Resource.objects.create(kit=kit, title="Charte", template="charte-benevole", format="pdf")
    return kit


def test_a_reserved_kit_refuses_anonymous_and_foreign_users(
    client, reserved, resident, gironde_agent, loiret_agent, portal_client
):
    detail = reverse("outils:detail", args=[reserved.slug])
    archive = reverse("outils:download_kit", args=[reserved.slug])
    response = portal_client("loiret").get(archive)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    for person in (resident, gironde_agent):
        client.force_login(person)
        assert portal_client("loiret").get(detail).status_code == 403
        assert portal_client("loiret").get(archive).status_code == 403
    assert not Download.objects.exists()
    client.force_login(loiret_agent)
    assert portal_client("loiret").get(archive).status_code == 200


def test_reserved_kits_are_listed_for_the_teams_only(
    client, reserved, resident, loiret_agent, portal_client
):
    listing = reverse("outils:list")
    public = portal_client("loiret").get(listing).content.decode()
    assert "Réunion des maires" not in public
    assert "Kit des équipes départementales" not in public
    client.force_login(loiret_agent)
    staff = portal_client("loiret").get(listing).content.decode()
    assert "Réunion des maires" in staff and "Kit des équipes départementales" in staff


def test_a_kit_of_another_territory_is_not_shown(reserved, gironde, portal_client):
    assert (
        portal_client("gironde").get(reverse("outils:detail", args=[reserved.slug])).status_code
        == 404
    )


def test_the_kit_list_costs_the_same_with_more_kits(
    loiret, django_assert_max_num_queries, portal_client
):
    def queries():
        cache.clear()
        with django_assert_max_num_queries(30) as captured:
            portal_client("loiret").get(reverse("outils:list"))
        return len(captured)

    few = queries()
    for n in range(30):
        kit = Kit.objects.create(slug=f"kit-{n}", title=f"Kit {n}", description="…",
                                 audience="habitants", topic="fetes", territory=loiret)  # fmt: skip
        Resource.objects.create(kit=kit, title="Affiche", template="affiche-noel", format="pdf")
    assert queries() == few


# --- Uploads in the admin ----------------------------------------------------------------------


def _pdf() -> bytes:
    output = io.BytesIO()
    canvas = Canvas(output)
    canvas.drawString(100, 700, "Programme de la réunion")
    canvas.save()
    return output.getvalue()


def _kit_form(upload, **resource):
    return {
        "title": "Kit du CCAS",
        "slug": "kit-du-ccas",
        "description": "Documents du CCAS.",
        "audience": "mairies",
        "topic": "lancement",
        "is_public": "on",
        "position": "0",
        "resources-TOTAL_FORMS": "1",
        "resources-INITIAL_FORMS": "0",
        "resources-MIN_NUM_FORMS": "0",
        "resources-MAX_NUM_FORMS": "1000",
        "resources-0-title": "Programme",
        "resources-0-description": "",
        "resources-0-template": "",
        "resources-0-position": "0",
        "resources-0-file": upload,
        **resource,
    }


@pytest.fixture
def loiret_admin(client, loiret_agent, loiret):
    client.force_login(loiret_agent)
    return client, loiret


def _upload(loiret_admin, upload):
    client, loiret = loiret_admin
    return client.post(ADD_KIT, _kit_form(upload, territory=loiret.pk))


def test_a_real_pdf_is_accepted_renamed_and_previewed(loiret_admin):
    response = _upload(loiret_admin, SimpleUploadedFile("Programme réunion.pdf", _pdf()))
    assert response.status_code == 302
    resource = Resource.objects.get(kit__slug="kit-du-ccas")
    assert resource.format == "pdf" and resource.size > 0
    assert re.fullmatch(r"outils/fichiers/[0-9a-f]{32}\.pdf", resource.file.name)
    assert resource.preview


def test_an_editable_document_is_recognised(loiret_admin):
    assert (
        _upload(loiret_admin, SimpleUploadedFile("lettre.odt", editable_letter())).status_code
        == 302
    )
    assert Resource.objects.get(kit__slug="kit-du-ccas").format == "odt"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("programme.pdf", b"<html><script>alert(1)</script></html>", "ni un PDF"),
        ("lettre.docx", b"MZ\x90\x00\x03" + b"\x00" * 200, "ni un PDF"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "illisible"),
        ("faux.pdf", b"%PDF-1.4 pas vraiment un pdf", "illisible"),
    ],
)
def test_hostile_uploads_are_refused_in_french(loiret_admin, name, content, message):
    response = _upload(loiret_admin, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Kit.objects.filter(slug="kit-du-ccas").exists()


def test_a_renamed_image_is_refused(loiret_admin):
    png = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(png, format="PNG")
    response = _upload(loiret_admin, SimpleUploadedFile("photo.jpg", png.getvalue()))
    assert "se termine par « .jpg » mais son contenu est un PNG" in response.content.decode()


def test_a_kit_image_is_kept_at_its_size_and_resolution_without_its_metadata(loiret_admin):
    exif = Image.Exif()
    exif[0x8825] = {2: (47.0, 54.0, 10.0), 4: (1.0, 54.0, 30.0)}  # GPSInfo: near Orléans
    poster = io.BytesIO()
    Image.new("RGB", (1240, 1754), "#00587c").save(poster, "JPEG", exif=exif, dpi=(150, 150))
    response = _upload(loiret_admin, SimpleUploadedFile("affiche.jpg", poster.getvalue()))
    assert response.status_code == 302
    resource = Resource.objects.get(kit__slug="kit-du-ccas")
    with Image.open(resource.file.path) as stored:
        assert stored.format == "JPEG" and stored.size == (1240, 1754)
        assert stored.info["dpi"] == (150, 150)  # printed at the size it was drawn for
        assert not stored.getexif().get(0x8825)
    assert resource.size == os.path.getsize(resource.file.path)


def test_a_kit_image_with_too_many_pixels_is_refused(loiret_admin):
    bomb = io.BytesIO()
    Image.new("L", (7280, 5453), 255).save(bomb, format="PNG")  # 39.7 MP in a few kilobytes
    response = _upload(loiret_admin, SimpleUploadedFile("affiche.png", bomb.getvalue()))
    assert response.status_code == 200
    assert "trop de pixels (39,7 millions ; 16 millions au plus)" in response.content.decode()
    assert not Kit.objects.filter(slug="kit-du-ccas").exists()


def test_an_oversized_file_is_refused(loiret_admin):
    big = _pdf() + b"\n%" + b"x" * (21 * 1024 * 1024)
    response = _upload(loiret_admin, SimpleUploadedFile("gros.pdf", big))
    assert "un kit accepte au plus 20 Mo par fichier" in response.content.decode()


def test_a_zip_bomb_dressed_as_a_document_is_refused(loiret_admin):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (50 * 1024 * 1024))
    assert len(bomb.getvalue()) < 200_000
    response = _upload(loiret_admin, SimpleUploadedFile("rapport.docx", bomb.getvalue()))
    assert "se décompresse en un volume anormal" in response.content.decode()


def _damaged(letter: bytes, how: str) -> bytes:
    directory = letter.index(b"PK\x01\x02")  # the central directory, at the end of a ZIP
    if how == "mimetype":  # its first entry, stored uncompressed: the CRC no longer matches
        return letter.replace(b"opendocument.text", b"opendocument.tex_", 1)
    if how == "content":  # the text itself, compressed: the bytes of its middle garbled
        start = letter.index(b"content.xml") + 40
        return (
            letter[:start]
            + bytes(b ^ 0x5A for b in letter[start : start + 60])
            + letter[start + 60 :]
        )
    if how == "cut inside":  # bytes lost before the directory: its offsets point nowhere
        return letter[: directory - 80] + letter[directory:]
    return letter[: len(letter) // 2]  # "cut short": the directory lost with the end


@pytest.mark.parametrize("how", ["mimetype", "content", "cut inside", "cut short"])
def test_a_damaged_document_is_refused_in_french(client, national_admin, how):
    client.force_login(national_admin)
    upload = SimpleUploadedFile("lettre.odt", _damaged(editable_letter(), how))
    response = client.post(ADD_KIT, _kit_form(upload, territory=""))
    assert response.status_code == 200
    assert "Ce document est endommagé ou incomplet" in response.content.decode()
    assert not Kit.objects.filter(slug="kit-du-ccas").exists()


@pytest.mark.parametrize(
    "field", ["title", "resources-0-title"], ids=["kit title", "resource title"]
)
@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\u2028"], ids=["LF", "CRLF", "LS"])
def test_a_title_on_two_lines_is_refused_in_french(client, national_admin, field, line_break):
    client.force_login(national_admin)
    form = _kit_form(SimpleUploadedFile("programme.pdf", _pdf()), territory="")
    form[field] = f"Programme{line_break}de la réunion"
    response = client.post(ADD_KIT, form)
    assert response.status_code == 200
    assert "Un titre tient sur une seule ligne" in response.content.decode()
    assert not Kit.objects.filter(slug="kit-du-ccas").exists()


def test_a_territorys_staff_cannot_publish_a_national_kit(loiret_admin):
    client, _loiret = loiret_admin
    form = _kit_form("", territory="", **{"resources-0-template": "affiche-noel"})
    response = client.post(ADD_KIT, form)
    assert response.status_code == 200
    assert not Kit.objects.filter(slug="kit-du-ccas").exists()


def test_a_resource_is_a_file_or_a_template_not_both(loiret_admin):
    client, loiret = loiret_admin
    upload = SimpleUploadedFile("p.pdf", _pdf())
    form = _kit_form(upload, territory=loiret.pk, **{"resources-0-template": "affiche-noel"})
    response = client.post(ADD_KIT, form)
    assert "pas les deux" in response.content.decode()


def test_download_counts_are_shown_by_portal_within_my_scope(client, loiret_agent, loiret, gironde):
    kit = Kit.objects.get(slug="le-noel-des-voisins")
    poster = kit.resources.first()
    Download.objects.create(resource=poster, territory=loiret)
    Download.objects.create(resource=poster, territory=gironde)
    client.force_login(loiret_agent)
    # A national kit is not in a Loiret agent's admin scope.
    assert client.get(reverse("admin:outils_kit_change", args=[kit.pk])).status_code == 302
    local = Kit.objects.create(slug="kit-local", title="Kit local", description="…",
                               audience="habitants", topic="fetes", territory=loiret)  # fmt: skip
    local_poster = Resource.objects.create(kit=local, title="Affiche", template="affiche-noel",
                                           format="pdf")  # fmt: skip
    Download.objects.create(resource=local_poster, territory=loiret)
    page = client.get(reverse("admin:outils_kit_change", args=[local.pk])).content.decode()
    assert "Téléchargements par portail" in page
    assert "<td>Loiret</td><td>1</td>" in page


def test_a_days_visitor_keys_are_forgotten_once_it_is_over(client, poster_url):
    client.get(poster_url, REMOTE_ADDR="203.0.113.7")
    assert forget_visitors() == 0  # today's keys still tell a repeat apart
    Download.objects.update(day=timezone.localdate() - datetime.timedelta(days=1))
    client.get(poster_url, REMOTE_ADDR="203.0.113.7")
    assert forget_visitors() == 1
    assert sorted(Download.objects.values_list("visitor", flat=True))[0] == ""
    assert Download.objects.count() == 2  # the counts stay

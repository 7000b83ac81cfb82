"""Files of the toolbox: what is downloaded, as one file or a whole kit, and counted."""

import io
import uuid
import zipfile
from datetime import date

from allauth.account.adapter import get_adapter
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify

from territories.branding import Branding

from .documents import TEMPLATES
from .files import preview_png
from .models import Download, Resource

# Bump when a document's layout or words change: every cached file is then generated again.
TEMPLATE_VERSION = 2
CACHE_DIR = "outils/generes"


def generated_file(template_key: str, branding: Branding) -> str:
    """The storage name of a branded document, generated once per branding and kept."""
    spec = TEMPLATES[template_key]
    name = f"{CACHE_DIR}/{template_key}-{branding.key}-v{TEMPLATE_VERSION}.{spec.format}"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(spec.build(branding)))
    return name


def stored_file(resource: Resource, branding: Branding) -> str:
    """The storage name of what this portal downloads: its branded version, or the upload."""
    if resource.brandable:
        return generated_file(resource.template, branding)
    return resource.file.name


def file_size(resource: Resource, branding: Branding) -> int:
    return default_storage.size(stored_file(resource, branding))


def download_name(resource: Resource, branding: Branding) -> str:
    """A plain, safe file name: letters, digits and dashes, then the right extension."""
    words = [resource.title] + ([branding.territory_name] if resource.brandable else [])
    base = slugify(" ".join(w for w in words if w))[:80] or "document"
    return f"{base}.{resource.extension}"


def preview_file(resource: Resource, branding: Branding) -> str | None:
    """The storage name of the preview picture, made once per branding (None: no preview)."""
    if not resource.brandable:
        return resource.preview.name or None
    if not resource.has_preview:
        return None
    name = f"{stored_file(resource, branding)}.apercu-v{TEMPLATE_VERSION}.png"
    if not default_storage.exists(name):
        with default_storage.open(stored_file(resource, branding), "rb") as source:
            default_storage.save(name, ContentFile(preview_png(source.read(), resource.format)))
    return name


def visitor_key(request, day: date) -> str:
    """Who downloads, as far as counting needs: a hash of their address (the one allauth's rate
    limits see, behind ALLAUTH_TRUSTED_PROXY_COUNT proxies), keyed with the secret key and the
    day. Without the key it cannot be traced back to the address, even by trying them all; the
    next day the same person gets another one."""
    address = get_adapter(request).get_client_ip(request)
    key = salted_hmac(f"outils.download:{day.isoformat()}", address, algorithm="sha256")
    return key.hexdigest()


def record_downloads(request, resources) -> None:
    """Count a download of these resources on this portal, once per visitor and day."""
    portal, day = request.territory, timezone.localdate()
    visitor = visitor_key(request, day)
    # A repeat hits the unique constraint (resource, day, visitor) and is left out, even when
    # two requests of the same visitor race.
    Download.objects.bulk_create(
        [Download(resource=r, territory=portal, day=day, visitor=visitor) for r in resources],
        ignore_conflicts=True,
    )


def kit_zip(resources, branding: Branding) -> bytes:
    """Every resource of a kit in one ZIP, under safe and distinct names."""
    output = io.BytesIO()
    used = set()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for resource in resources:
            name = download_name(resource, branding)
            base, extension = name.rsplit(".", 1)
            number = 1
            while name in used:
                number += 1
                name = f"{base}-{number}.{extension}"
            used.add(name)
            with default_storage.open(stored_file(resource, branding), "rb") as source:
                archive.writestr(name, source.read())
    return output.getvalue()


def store_upload(resource: Resource, format: str, data: bytes, preview: bytes | None) -> None:
    """Keep an upload (as files.accepted_file gives it) under a random name, with its size,
    format and preview."""
    resource.format = format
    resource.size = len(data)
    resource.file.save(f"{uuid.uuid4().hex}.{resource.extension}", ContentFile(data), save=False)
    if preview:
        resource.preview.save(f"{uuid.uuid4().hex}.png", ContentFile(preview), save=False)
    resource.save()

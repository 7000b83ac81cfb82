"""Uploaded images are never stored as sent: bounded, decoded by Pillow, re-encoded clean."""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


def reencode_image(
    upload, *, max_bytes: int, max_side: int, max_pixels: int = 40_000_000
) -> ContentFile:
    """Return a fresh PNG of an uploaded JPEG/PNG/WebP, without metadata, at most max_side wide.

    The size in bytes and in pixels is checked before the pixels are decoded, so a
    decompression bomb is refused before it costs memory.
    """
    if upload.size > max_bytes:
        raise ValidationError(
            f"Ce fichier pèse {upload.size / 1_000_000:.1f} Mo ; le maximum est de "
            f"{max_bytes / 1_000_000:.0f} Mo.".replace(".", ","),
            code="too_big",
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    "Seules les images JPEG, PNG ou WebP sont acceptées.", code="format"
                )
            if image.width * image.height > max_pixels:
                raise ValidationError(
                    "Cette image a trop de pixels ; réduisez-la avant de l'envoyer.",
                    code="too_many_pixels",
                )
            image.load()
            clean = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(
            "Ce fichier n'est pas une image lisible (JPEG, PNG ou WebP).", code="invalid"
        ) from error
    clean.thumbnail((max_side, max_side))
    output = io.BytesIO()
    # A new image from the pixels alone: EXIF (GPS), XMP and text chunks are left behind.
    clean.save(output, format="PNG", optimize=True)
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.png")

"""Uploaded images are never stored as sent: bounded, decoded by Pillow, re-encoded clean.

Checking the size in bytes and in pixels before the pixels are decoded refuses a decompression
bomb before it costs memory; drawing a new image from the pixels alone leaves EXIF (GPS), XMP,
text chunks and anything appended to the file (an HTML « polyglot ») behind.
"""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_WIDTHS = (400, 800, 1600)


def decoded_image(upload, *, max_bytes: int, max_pixels: int = 40_000_000) -> Image.Image:
    """The pixels of an uploaded JPEG, PNG or WebP (RGBA), or a French error."""
    if upload.size > max_bytes:
        raise ValidationError(
            f"Ce fichier pèse {upload.size / 1_000_000:.1f} Mo ; le maximum est de "
            f"{max_bytes / 1_000_000:.0f} Mo.".replace(".", ","),
            code="too_big",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit; the pixel count is checked just below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload)
        with image:
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
            return image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(
            "Ce fichier n'est pas une image lisible (JPEG, PNG ou WebP).", code="invalid"
        ) from error


def reencode_image(upload, *, max_bytes: int, max_side: int) -> ContentFile:
    """A fresh PNG (transparency kept, for logos), at most max_side wide or high."""
    image = decoded_image(upload, max_bytes=max_bytes)
    image.thumbnail((max_side, max_side))
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.png")


def photo_variants(upload, *, max_bytes: int) -> dict[int, tuple[int, ContentFile]]:
    """A photo as JPEG files at most PHOTO_WIDTHS wide, for a responsive `srcset`:
    {target width: (actual width, file)}. A small photo gives the same width more than once."""
    image = decoded_image(upload, max_bytes=max_bytes).convert("RGB")
    name = uuid.uuid4().hex
    variants = {}
    for target in PHOTO_WIDTHS:
        variant = image
        if image.width > target:
            variant = image.resize((target, max(1, round(image.height * target / image.width))))
        output = io.BytesIO()
        variant.save(output, format="JPEG", quality=82, optimize=True, progressive=True)
        jpeg = ContentFile(output.getvalue(), name=f"{name}-{target}.jpg")
        variants[target] = (variant.width, jpeg)
    return variants

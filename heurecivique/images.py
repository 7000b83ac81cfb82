"""Uploaded images are never stored as sent: bounded, decoded by Pillow, re-encoded clean.

The bounds are checked from the file's header, before a single pixel is decoded, so that a
decompression bomb (a few kilobytes that would decode to hundreds of megabytes) costs nothing.
A JPEG is then decoded straight at 1/2, 1/4 or 1/8 of its size when that is all we keep
(libjpeg's DCT scaling, Pillow's `draft`), and any image is reduced by a whole factor before it
is resampled: time and memory follow what we keep, not what was sent (bench/uploads.py measures
the worst case). Drawing a new image from the pixels alone leaves EXIF (GPS), XMP, comments, text
chunks and anything appended to the file (an HTML « polyglot ») behind.
"""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, PngImagePlugin, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_WIDTHS = (400, 800, 1600)
# What one image may cost once decoded (4 bytes a pixel: 64 MB): a phone's photo (12 MP,
# 4032 × 3024) with room, an A4 poster at 300 dpi (8.7 MP).
MAX_PIXELS = 16_000_000
# libwebp decodes into two canvases of its own, which Pillow then copies: for a moment a WebP
# takes four times its pixels in memory, hence a lower bound.
MAX_WEBP_PIXELS = 8_000_000
# A larger JPEG is accepted when it is decoded at a smaller scale (the 24 or 48 MP photo of a
# recent phone, kept 1600 pixels wide), up to this size: even scaled, libjpeg reads every block.
MAX_JPEG_PIXELS = 50_000_000
# What a photo is decoded for: its largest variant, which fits in a square, so that a photo taken
# upright (3024 pixels wide once turned) is decoded at half its size too.
PHOTO_SIDE = max(PHOTO_WIDTHS)

# Pillow reads a PNG's text chunks into memory with its header, each one decompressed up to
# 1 MB and 64 MB in all: a few kilobytes of zTXt would add 64 MB to the worst case above. We
# drop them anyway; beyond this, the file is refused as unreadable.
PngImagePlugin.MAX_TEXT_MEMORY = 4_000_000

UNREADABLE = "Ce fichier n'est pas une image lisible (JPEG, PNG ou WebP)."


def _millions(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".replace(".", ",").removesuffix(",0")


def _too_many_pixels(pixels: int | None, limit: int) -> ValidationError:
    counted = f"{_millions(pixels)} millions ; " if pixels else ""
    return ValidationError(
        f"Cette image a trop de pixels ({counted}{_millions(limit)} millions au plus) : "
        "réduisez-la avant de l'envoyer.",
        code="too_many_pixels",
    )


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """The size of an image of `size` shrunk into a square of `side` (never enlarged): the same
    whichever way up the picture is to be shown."""
    scale = min(side / size[0], side / size[1], 1)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def opened_image(upload, *, max_bytes: int, side: int | None = None) -> Image.Image:
    """An uploaded JPEG, PNG or WebP, checked from its header and ready to decode, or a French
    error. With `side` (the largest width or height kept), a JPEG is set to decode at the
    smallest scale that still covers it: the result's `width * height` is what decoding costs."""
    if upload.size > max_bytes:
        raise ValidationError(
            f"Ce fichier pèse {upload.size / 1_000_000:.1f} Mo ; le maximum est de "
            f"{max_bytes / 1_000_000:.0f} Mo.".replace(".", ","),
            code="too_big",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit; our bounds are checked just below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload)
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(None, MAX_PIXELS) from error
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise ValidationError(UNREADABLE, code="invalid") from error
    if image.format not in ACCEPTED_FORMATS:
        raise ValidationError("Seules les images JPEG, PNG ou WebP sont acceptées.", code="format")
    pixels = image.width * image.height
    limit = {"JPEG": MAX_JPEG_PIXELS, "WEBP": MAX_WEBP_PIXELS}.get(image.format, MAX_PIXELS)
    if pixels > limit:
        raise _too_many_pixels(pixels, limit)
    if side and image.format == "JPEG":
        image.draft(None, _fitted(image.size, side))
    if image.width * image.height > MAX_PIXELS:
        raise _too_many_pixels(pixels, MAX_PIXELS)
    return image


def decoded_image(image: Image.Image, *, mode: str, side: int | None = None) -> Image.Image:
    """The pixels of an opened image, upright, in `mode`; with `side`, reduced by the largest
    whole factor that still covers it (a cheap average of blocks, before any resampling).
    Nothing of the file but its pixels is kept; a French error if they cannot be read."""
    try:
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(UNREADABLE, code="invalid") from error
    if side:
        target = _fitted(image.size, side)
        factor = min(image.width // target[0], image.height // target[1])
        if factor > 1:
            # `reduce` works on these modes as they are; a palette or 16-bit image first
            # becomes `mode` (one full copy, already counted in the bench's worst case).
            if image.mode not in ("L", "RGB", mode):
                image = image.convert(mode)
            image = image.reduce(factor)
    # Turned as the camera said (a phone held upright), once reduced: turning is a copy.
    ImageOps.exif_transpose(image, in_place=True)
    if image.mode != mode:
        image = image.convert(mode)
    image.info = {}
    return image


def reencode_image(upload, *, max_bytes: int, max_side: int) -> ContentFile:
    """A fresh PNG (transparency kept, for logos), at most max_side wide or high."""
    image = opened_image(upload, max_bytes=max_bytes, side=max_side)
    image = decoded_image(image, mode="RGBA", side=max_side)
    image.thumbnail((max_side, max_side))
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.png")


def photo_pixels(upload, *, max_bytes: int) -> int:
    """What decoding this photo will cost, in pixels, read from its header (bounds checked)."""
    image = opened_image(upload, max_bytes=max_bytes, side=PHOTO_SIDE)
    return image.width * image.height


def photo_variants(upload, *, max_bytes: int) -> dict[int, tuple[int, ContentFile]]:
    """A photo as JPEG files at most PHOTO_WIDTHS wide and high, for a responsive `srcset`:
    {target width: (actual width, file)}. A small photo gives the same width more than once."""
    image = opened_image(upload, max_bytes=max_bytes, side=PHOTO_SIDE)
    variant = decoded_image(image, mode="RGB", side=PHOTO_SIDE)
    name = uuid.uuid4().hex
    variants = {}
    # Largest first, each drawn from the one before, halving by averaging blocks of pixels where
    # it can (reducing_gap): resampling is the costliest step after decoding, and Hamming's
    # filter, for shrinking, looks close to bicubic at the cost of bilinear.
    for target in sorted(PHOTO_WIDTHS, reverse=True):
        size = _fitted(variant.size, target)
        if size != variant.size:
            variant = variant.resize(size, Image.Resampling.HAMMING, reducing_gap=1.0)
        output = io.BytesIO()
        # Not progressive: that takes three times as long to encode, for a few per cent.
        variant.save(output, format="JPEG", quality=82, optimize=True)
        variants[target] = (
            variant.width,
            ContentFile(output.getvalue(), name=f"{name}-{target}.jpg"),
        )
    return dict(sorted(variants.items()))


def document_image(upload, *, max_bytes: int) -> tuple[Image.Image, dict]:
    """A PNG or JPEG kept as a document (a kit's poster), decoded upright with nothing of its
    file but its pixels, and the options that save it again in the same format, size and colours
    (its colour profile and resolution, which printing needs)."""
    image = opened_image(upload, max_bytes=max_bytes)
    kept = ("icc_profile", "dpi", "transparency")
    options = {"format": image.format} | {k: image.info[k] for k in kept if k in image.info}
    if image.format == "JPEG":
        options["quality"] = 92
    else:
        # zlib's fastest level: a photo of 16 MP in PNG takes 1.5 s instead of 6 (the default),
        # for files a third larger.
        options["compress_level"] = 1
    return decoded_image(image, mode=image.mode), options

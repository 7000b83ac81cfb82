"""Uploaded kit files: recognised by their content, never trusted for their name."""

import io
import os
import zipfile
import zlib

import pypdfium2
from django.core.exceptions import ValidationError
from PIL import Image

from heurecivique.images import document_image

MAX_BYTES = 20 * 1024 * 1024
PREVIEW_WIDTH = 360
# Office documents are ZIP archives: bounded, so that a « zip bomb » is refused unopened.
MAX_ENTRIES = 2_000
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_RATIO = 100

EXTENSIONS = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpeg": {"jpg", "jpeg"},
    "docx": {"docx"},
    "odt": {"odt"},
    "xlsx": {"xlsx"},
    "ods": {"ods"},
}
NOT_ACCEPTED = (
    "Ce fichier n'est ni un PDF, ni une image PNG ou JPEG, ni un document bureautique "
    "(DOCX, ODT, XLSX, ODS) : il ne peut pas être mis dans un kit."
)
DAMAGED = (
    "Ce document est endommagé ou incomplet : ouvrez-le dans votre traitement de texte ou votre "
    "tableur, enregistrez-le de nouveau, puis envoyez-le à nouveau."
)
# The part without which an office document does not open.
MAIN_PART = {
    "odt": "content.xml",
    "ods": "content.xml",
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
}


def accepted_file(upload) -> tuple[str, bytes, bytes | None]:
    """What a kit keeps of an upload: its format, read from its bytes, its content and its
    preview; an image is re-encoded, so that its metadata (GPS included) stays behind. A French
    error otherwise."""
    format = identify(upload)
    if format not in ("png", "jpeg"):
        data = upload.read()
        return format, data, preview_png(data, format)
    try:
        image, options = document_image(upload, max_bytes=MAX_BYTES)
    except ValidationError as error:
        if error.code != "invalid":
            raise
        raise ValidationError("Cette image est illisible ou endommagée.", code="image") from error
    output = io.BytesIO()
    image.save(output, **options)
    # The preview from the pixels already decoded: decoding the file again costs as much.
    return format, output.getvalue(), _preview(image)


def identify(upload) -> str:
    """The format of an uploaded file, read from its bytes; a French error otherwise."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            f"Ce fichier pèse {upload.size / 1_048_576:.1f} Mo ; un kit accepte au plus "
            f"{MAX_BYTES // 1_048_576} Mo par fichier.".replace(".", ",", 1),
            code="too_big",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        detected = _check_pdf(upload)
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        detected = "png"  # read in full when re-encoded (accepted_file)
    elif head.startswith(b"\xff\xd8\xff"):
        detected = "jpeg"
    elif head.startswith(b"PK\x03\x04"):
        detected = _check_office(upload)
    else:
        raise ValidationError(NOT_ACCEPTED, code="unknown")
    extension = os.path.splitext(upload.name)[1].lower().lstrip(".")
    if extension not in EXTENSIONS[detected]:
        raise ValidationError(
            f"Le nom de ce fichier se termine par « .{extension} » mais son contenu est un "
            f"{detected.upper()} : renommez-le, ou choisissez le bon fichier.",
            code="extension",
        )
    upload.seek(0)
    return detected


def _check_pdf(upload) -> str:
    try:
        document = pypdfium2.PdfDocument(upload.read())
        pages = len(document)
        document.close()
    except pypdfium2.PdfiumError as error:
        raise ValidationError("Ce PDF est illisible ou endommagé.", code="pdf") from error
    if not pages:
        raise ValidationError("Ce PDF n'a aucune page.", code="pdf")
    return "pdf"


def _check_office(upload) -> str:
    try:
        archive = zipfile.ZipFile(upload)
    except zipfile.BadZipFile as error:
        # The signature of a ZIP, without the directory that ends one: a file cut short.
        raise ValidationError(DAMAGED, code="damaged") from error
    with archive:
        entries = archive.infolist()
        unzipped = sum(entry.file_size for entry in entries)
        if (
            len(entries) > MAX_ENTRIES
            or unzipped > MAX_UNZIPPED
            or any(e.file_size > MAX_RATIO * max(e.compress_size, 1) for e in entries)
        ):
            raise ValidationError(
                "Ce document se décompresse en un volume anormal : il est refusé.", code="bomb"
            )
        try:
            detected = _office_format(archive, {entry.filename for entry in entries})
            # Every part is read once (bounded just above) and checked against its CRC: the
            # zipfile module raises a handful of exceptions on damaged data, all caught here.
            damaged = MAIN_PART[detected] not in archive.namelist() or archive.testzip()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError,
                NotImplementedError) as error:  # fmt: skip
            raise ValidationError(DAMAGED, code="damaged") from error
    if damaged:
        raise ValidationError(DAMAGED, code="damaged")
    return detected


def _office_format(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "mimetype" in names:
        mimetype = archive.read("mimetype")[:100]
        if mimetype == b"application/vnd.oasis.opendocument.text":
            return "odt"
        if mimetype == b"application/vnd.oasis.opendocument.spreadsheet":
            return "ods"
    if "[Content_Types].xml" in names:
        if any(name.startswith("word/") for name in names):
            return "docx"
        if any(name.startswith("xl/") for name in names):
            return "xlsx"
    raise ValidationError(NOT_ACCEPTED, code="zip")


def preview_png(data: bytes, format: str, width: int = PREVIEW_WIDTH) -> bytes | None:
    """A small picture of the first page or of the image; None for office documents."""
    if format == "pdf":
        document = pypdfium2.PdfDocument(data)
        try:
            page = document[0]
            return _preview(page.render(scale=width / page.get_width()).to_pil(), width)
        finally:
            document.close()
    if format in ("png", "jpeg"):
        with Image.open(io.BytesIO(data)) as image:
            return _preview(image, width)  # a JPEG is decoded straight at a fraction of its size
    return None


def _preview(image: Image.Image, width: int = PREVIEW_WIDTH) -> bytes:
    """The picture shrunk (in place) to the preview's width, as a PNG."""
    image.thumbnail((width, width * 2))
    output = io.BytesIO()
    image.convert("RGB").save(output, format="PNG", optimize=True)
    return output.getvalue()

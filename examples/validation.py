"""The checks a good example's input must pass, shared by the model, the form and the services.

Attachments are checked by their content, never by their name: a PDF as the membership
application's documents are (members.validation.validate_pdf), an image by decoding it with
Pillow. Kept free of model imports so that models.py can use them as field validators.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from members.models import FIRST_YEAR
from members.validation import PDF_MAGIC, validate_pdf

MAX_TEXT = 2000  # "a short text": about half a page
MAX_LINKS = 5
MAX_ATTACHMENTS = 5
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
PDF = "application/pdf"
EXTENSIONS = {PDF: "pdf", "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


def _image_format(upload) -> str | None:
    """The Pillow format name when the upload decodes as an image, else None."""
    from PIL import Image

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            fmt = image.format
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                return None
            image.verify()  # reads the whole file: a truncated or forged one fails here
    except Exception:  # noqa: BLE001 - any failure to decode means "not an image"
        return None
    finally:
        upload.seek(0)
    return fmt


def attachment_content_type(upload) -> str:
    """The content type of an acceptable attachment (a readable PDF, or a PNG, JPEG or WebP
    image that decodes, at most 5 MB), found from its content; ValidationError otherwise."""
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        validate_pdf(upload)
        return PDF
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("Bilden är för stor. Den får vara högst 5 MB."), code="image_too_large"
        )
    fmt = _image_format(upload)
    if fmt not in IMAGE_FORMATS:
        raise ValidationError(
            _(
                "Filen är varken en PDF eller en bild som går att läsa (PNG, JPEG eller WebP). "
                "Spara den i något av de formaten och bifoga den igen."
            ),
            code="not_pdf_or_image",
        )
    return IMAGE_FORMATS[fmt]


def validate_attachment(upload) -> None:
    attachment_content_type(upload)


def years_errors(*, year_from: int | None, year_to: int | None, this_year: int) -> dict:
    """Field errors for the example's years: from is required, to is optional and not before
    from, and neither lies before 1990 or after this year."""
    errors = {}
    for name, year in (("year_from", year_from), ("year_to", year_to)):
        if year is not None and not FIRST_YEAR <= year <= this_year:
            errors[name] = _("Ange ett år mellan %(first)s och %(last)s.") % {
                "first": FIRST_YEAR,
                "last": this_year,
            }
    if year_from is None:
        errors["year_from"] = _("Ange året då ni började.")
    elif year_to is not None and "year_to" not in errors and year_to < year_from:
        errors["year_to"] = _("Slutåret kan inte vara före startåret.")
    return errors

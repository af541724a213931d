"""The checks an application's input must pass, shared by the model, the form and the service.

Kept free of model imports so that models.py can use them as field validators.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from common.numbers import format_decimal

PDF_MAGIC = b"%PDF-"
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # 10 MB, as the application page promises.


def _megabytes(size: int) -> str:
    # Swedish in either language, as the message has always shown it.
    return format_decimal(Decimal(size) / (1024 * 1024), 1, language="sv")


def _pdf_pages(upload) -> int:
    """How many pages pypdf finds in the upload; 0 when it cannot read it as a PDF."""
    from pypdf import PdfReader

    upload.seek(0)
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted:
            return 0  # the office could not open it either
        return len(reader.pages)
    except Exception:  # noqa: BLE001 - any failure to parse means "not a readable PDF"
        return 0


def validate_pdf(upload) -> None:
    """A PDF by its content, not by its name: it starts like a PDF and pypdf reads at least
    one page from it (a few bytes beginning with %PDF- are not a document), at most 10 MB."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("Filen är för stor (%(size)s MB). Den får vara högst 10 MB.")
            % {"size": _megabytes(upload.size)},
            code="file_too_large",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    pages = _pdf_pages(upload) if head == PDF_MAGIC else 0
    upload.seek(position)
    if head != PDF_MAGIC:
        raise ValidationError(
            _("Filen är ingen PDF. Spara dokumentet som PDF och bifoga det igen."),
            code="not_pdf",
        )
    if pages < 1:
        raise ValidationError(
            _(
                "Filen går inte att läsa som PDF: den kan vara skadad, tom eller "
                "lösenordsskyddad. Spara dokumentet som PDF igen och bifoga det."
            ),
            code="unreadable_pdf",
        )


def validate_not_in_future(value: datetime.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("Datumet kan inte ligga i framtiden."), code="future_date")

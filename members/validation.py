"""The checks an application's input must pass, shared by the model, the form and the service.

Kept free of model imports so that models.py can use them as field validators.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

PDF_MAGIC = b"%PDF-"
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # 10 MB, as the application page promises.


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def validate_pdf(upload) -> None:
    """A PDF by its content (the first bytes), not by its name, and at most 10 MB."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("Filen är för stor (%(size)s MB). Den får vara högst 10 MB.")
            % {"size": _megabytes(upload.size)},
            code="file_too_large",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(position)
    if head != PDF_MAGIC:
        raise ValidationError(
            _("Filen är ingen PDF. Spara dokumentet som PDF och bifoga det igen."),
            code="not_pdf",
        )


def validate_not_in_future(value: datetime.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("Datumet kan inte ligga i framtiden."), code="future_date")

"""File formats for the admin's import and export (django-import-export).

Swedish spreadsheets save CSV with semicolons (the comma is the decimal sign) and sometimes in
Windows-1252; the plain CSV format would read such a file as one column.
"""

from import_export.formats import base_formats


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252 as old Excel writes it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def sniff_delimiter(text: str) -> str:
    """The separator of a CSV text: whichever of ; , and tab the header line uses most."""
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    return max(";,\t", key=first_line.count)


class CSV(base_formats.CSV):
    """CSV with commas, semicolons or tabs, in UTF-8 (BOM or not) or Windows-1252."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = decode_text(in_stream)
        in_stream = in_stream.lstrip("\ufeff")
        kwargs.setdefault("delimiter", sniff_delimiter(in_stream))
        return super().create_dataset(in_stream, **kwargs)


XLSX = base_formats.XLSX
FORMATS = [CSV, XLSX]

"""File formats for the admin's import and export (django-import-export).

Swedish spreadsheets save CSV with semicolons (the comma is the decimal sign) and sometimes in
Windows-1252; the plain CSV format would read such a file as one column.
"""

from import_export.formats import base_formats

from ekokommun.spreadsheets import safe_cell


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


class FormulaSafeExport:
    """With settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT the library only drops a leading
    "=" and turns every cell into text. This neutralises every formula prefix (=, +, -, @, tab,
    carriage return) the way the site's own files do, and leaves numbers numbers."""

    def _escape_formulae(self, dataset):
        rows = [[safe_cell(cell) for cell in row] for row in dataset]
        del dataset[:]
        for row in rows:
            dataset.append(row)


class CSV(FormulaSafeExport, base_formats.CSV):
    """CSV with commas, semicolons or tabs, in UTF-8 (BOM or not) or Windows-1252."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = decode_text(in_stream)
        in_stream = in_stream.lstrip("\ufeff")
        kwargs.setdefault("delimiter", sniff_delimiter(in_stream))
        return super().create_dataset(in_stream, **kwargs)


class XLSX(FormulaSafeExport, base_formats.XLSX):
    """XLSX as the library writes it, with formula-safe text cells."""


FORMATS = [CSV, XLSX]

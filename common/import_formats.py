"""File formats for the admin's import and export (django-import-export), and reading the text
of an uploaded CSV (`decode_text`, `sniff_delimiter`, also used by indicators.importers).

Swedish spreadsheets save CSV with semicolons (the comma is the decimal sign) and sometimes in
Windows-1252; the plain CSV format would read such a file as one column. Exports neutralise
formula prefixes with common.spreadsheets' cell rule.

Domain-free: the admin classes and resources of both apps mix these in; nothing here knows a
model beyond its verbose name.
"""

from django.utils import timezone
from django.utils.text import slugify
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm

from common.spreadsheets import safe_cell


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


class SwedishExportForm(SelectableFieldsExportForm):
    """The export screen names each column as the file does ("kommun"), not by the field's
    English attribute ("Organisation Name (kommun)")."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        name = field.column_name if field is not None and field.column_name else field_name
        return name[:1].upper() + name[1:]


class SwedishExportMixin:
    """For admin classes with django-import-export: Swedish column labels on the export screen
    and a Swedish file name ("värden-2026-12-01.csv" rather than "IndicatorValue-…")."""

    export_form_class = SwedishExportForm

    def get_export_filename(self, request, queryset, file_format):
        name = slugify(str(self.model._meta.verbose_name_plural), allow_unicode=True)
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"


class SwedishSheetMixin:
    """For resources: the exported sheet is named for what it holds ("Värden"), not
    tablib's "Tablib Dataset"."""

    def export(self, *args, **kwargs):
        dataset = super().export(*args, **kwargs)
        dataset.title = str(self._meta.model._meta.verbose_name_plural).capitalize()[:31]
        return dataset

"""django-import-export resources for the admin: values and the indicator catalogue.

The value resource reads cells with the same rules as `import_values` (indicators.importers)
and writes through the same service: rows are checked one by one for the preview (with the
model's clean(), i.e. indicators.validation) and saved together by `values_upsert` at the end,
so nothing is written unless the whole file is clean and the history names the importing user.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from indicators import importers
from indicators.models import Indicator, IndicatorValue, Revision
from indicators.numbers import NumberFormatError, parse_decimal
from indicators.services import ValueInput, ValuesInvalid, values_upsert
from members.models import Municipality

TEXT = widgets.CharWidget()  # an empty cell is "", as in the form
HEADER_ROWS = 1  # import-export counts data rows from 1; people count the header too


def plain_decimal(value: Decimal | None) -> str:
    """2.4700 -> "2.47", 100.0000 -> "100": what the value is, without the column's padding."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


class LookupWidget(widgets.Widget):
    """A widget that resolves names and codes through the resource's `importers.Lookups`."""

    def __init__(self, resolve, render):
        super().__init__()
        self.resolve, self.render_value = resolve, render
        self.lookups: importers.Lookups | None = None

    def clean(self, value, row=None, **kwargs):
        try:
            return self.resolve(self.lookups, value, row or {})
        except importers.RowProblem as exc:
            raise ValueError(str(exc)) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else self.render_value(value)


def _organisation(lookups, value, row):
    pk = lookups.organisation(code=value, name=row.get("kommun"))
    return lookups.organisations[pk]


def _indicator(lookups, value, row):
    return lookups.indicator(value, revision=row.get("revision"))


def _year(lookups, value, row):
    return importers.parse_year(value)


def _value(lookups, value, row):
    return importers.parse_value(value)


def _status(lookups, value, row):
    return importers.parse_status(value)


def _text(lookups, value, row):
    return str(value or "").strip()


class ValueLookups(importers.Lookups):
    """Lookups that also hand out organisation objects (import-export sets the FK object)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.organisations = Municipality.objects.in_bulk(list(self.names))


class ValueInstanceLoader(BaseInstanceLoader):
    """Finds the stored value of each row with one query for the whole file."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.existing: dict[tuple[int, int, int], IndicatorValue] | None = None

    def key(self, row):
        try:
            return tuple(
                getattr(self.resource.fields[name].clean(row), "pk", None)
                if name != "year"
                else self.resource.fields[name].clean(row)
                for name in ("organisation", "indicator", "year")
            )
        except (ValueError, KeyError):
            return None

    def get_instance(self, row):
        if self.existing is None:
            headers = self.dataset.headers
            keys = {self.key(dict(zip(headers, r, strict=False))) for r in self.dataset} - {None}
            self.existing = {
                (v.organisation_id, v.indicator_id, v.year): v
                for v in IndicatorValue.objects.filter(
                    organisation_id__in={k[0] for k in keys},
                    indicator_id__in={k[1] for k in keys},
                    year__in={k[2] for k in keys},
                ).select_related("organisation", "indicator__revision")
            }
        key = self.key(row)
        return self.existing.get(key) if key else None


COLUMN_LABELS = {
    "organisation": "kommunkod",
    "indicator": "nyckeltal",
    "year": "år",
    "value": "värde",
    "status": "status",
    "source_note": "källa",
    "comment": "kommentar",
}


class IndicatorValueResource(resources.ModelResource):
    """Columns: kommunkod (or kommun), nyckeltal, revision, år, värde, status, källa, kommentar;
    the export adds the name, the unit and the indicator's source, which the import ignores."""

    organisation = fields.Field(
        attribute="organisation",
        column_name="kommunkod",
        widget=LookupWidget(_organisation, lambda o: o.code),
    )
    organisation_name = fields.Field(
        attribute="organisation__name", column_name="kommun", readonly=True
    )
    indicator = fields.Field(
        attribute="indicator",
        column_name="nyckeltal",
        widget=LookupWidget(_indicator, lambda i: i.code),
    )
    revision = fields.Field(
        attribute="indicator__revision__code", column_name="revision", readonly=True
    )
    indicator_name = fields.Field(
        attribute="indicator__name", column_name="nyckeltalets namn", readonly=True
    )
    year = fields.Field(attribute="year", column_name="år", widget=LookupWidget(_year, str))
    value = fields.Field(
        attribute="value", column_name="värde", widget=LookupWidget(_value, plain_decimal)
    )
    unit = fields.Field(attribute="indicator__unit", column_name="enhet", readonly=True)
    status = fields.Field(
        attribute="status",
        column_name="status",
        widget=LookupWidget(_status, lambda s: IndicatorValue.Status(s).label),
    )
    source_note = fields.Field(
        attribute="source_note", column_name="källa", widget=LookupWidget(_text, str)
    )
    comment = fields.Field(
        attribute="comment", column_name="kommentar", widget=LookupWidget(_text, str)
    )
    indicator_source = fields.Field(
        attribute="indicator__source", column_name="datakälla", readonly=True
    )

    class Meta:
        model = IndicatorValue
        fields = (
            "organisation",
            "organisation_name",
            "indicator",
            "revision",
            "indicator_name",
            "year",
            "value",
            "unit",
            "status",
            "source_note",
            "comment",
            "indicator_source",
        )
        import_id_fields = ("organisation", "indicator", "year")
        instance_loader_class = ValueInstanceLoader
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = False

    def get_queryset(self):
        return IndicatorValue.objects.select_related("organisation", "indicator__revision")

    def get_user_visible_fields(self):
        # The columns the import reads (the export's name, unit and source are ignored).
        ignored = {"indicator__name", "indicator__unit", "indicator__source"}
        return [f for f in super().get_user_visible_fields() if f.attribute not in ignored]

    def export_field(self, field, instance, **kwargs):
        # Numbers stay numbers in XLSX (sums work), and plain text in CSV.
        if field.attribute in ("value", "year") and kwargs.get("force_native_type"):
            return getattr(instance, field.attribute)
        return super().export_field(field, instance, **kwargs)

    # --- Import --------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        # Headers as people write them ("Kommun", " värde ", a BOM) -> the resource's columns.
        names = {
            "organisation_code": "kommunkod",
            "organisation_name": "kommun",
            "indicator": "nyckeltal",
            "revision": "revision",
            "year": "år",
            "value": "värde",
            "status": "status",
            "source": "källa",
            "comment": "kommentar",
        }
        dataset.headers = [
            names.get(importers.canonical_column(h), importers.header_key(h))
            for h in dataset.headers
        ]
        for column in ("kommunkod", "kommun", "revision"):
            if column not in dataset.headers:
                dataset.append_col([""] * len(dataset), header=column)
        self.lookups = ValueLookups()
        for field in self.fields.values():
            if isinstance(field.widget, LookupWidget):
                field.widget.lookups = self.lookups
        self.pending: list[ValueInput] = []
        self.pending_numbers: list[int] = []
        self.seen: dict[tuple[int, int, int], int] = {}

    def import_row(self, row, instance_loader, **kwargs):
        self.row_number = kwargs.get("row_number", 0) + HEADER_ROWS
        return super().import_row(row, instance_loader, **kwargs)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not import_validation_errors and instance.value is None:
            return True  # an empty value: nothing to store, as in `import_values`
        return super().skip_row(instance, original, row, import_validation_errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The model's own rules (indicators.validation via clean()); uniqueness is the loader's
        # business, and the database's constraints are checked by the write service's insert.
        errors = dict(import_validation_errors or {})
        try:
            instance.clean_fields(exclude=[*errors, "organisation", "indicator"])
            if not {"indicator", "year", "value"} & set(errors):
                instance.clean()  # indicators.validation, also when only the name was wrong
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if not errors:
            key = (instance.organisation_id, instance.indicator_id, instance.year)
            first = self.seen.setdefault(key, self.row_number)
            if first != self.row_number:
                errors["__all__"] = [
                    _("Samma kommun, nyckeltal och år som rad %(line)s.") % {"line": first}
                ]
        if errors:
            raise ValidationError({COLUMN_LABELS.get(k, k): v for k, v in errors.items()})

    def save_instance(self, instance, is_create, row, **kwargs):
        # Collected here and written together by values_upsert in after_import.
        self.pending.append(
            ValueInput(
                organisation_id=instance.organisation_id,
                indicator=instance.indicator,
                year=instance.year,
                value=instance.value,
                status=instance.status,
                source_note=instance.source_note,
                comment=instance.comment,
                numerator=instance.numerator,
                denominator=instance.denominator,
            )
        )
        self.pending_numbers.append(self.row_number)

    def after_import(self, dataset, result, **kwargs):
        if result.has_errors() or result.has_validation_errors() or not self.pending:
            return
        file_name = kwargs.get("file_name") or ""
        try:
            values_upsert(
                rows=self.pending,
                user=kwargs.get("user"),
                change_reason=f"Import i administrationen {file_name}".strip(),
            )
        except ValuesInvalid as invalid:  # a safety net: the rows were checked one by one
            for index, errors in invalid.problems.items():
                number = self.pending_numbers[index] - HEADER_ROWS  # numbered again below
                result.append_invalid_row(number, {}, ValidationError(errors))

    def import_data_inner(self, dataset, *args, **kwargs):
        result = super().import_data_inner(dataset, *args, **kwargs)
        # Number rows as a spreadsheet shows them: the header is row 1.
        for row in result.invalid_rows:
            row.number += HEADER_ROWS
        for row in result.error_rows:
            row.number += HEADER_ROWS
        return result


# --- The catalogue ----------------------------------------------------------------------------


class DecimalTextWidget(widgets.Widget):
    """Decimals read with indicators.numbers (decimal commas), written without padding."""

    def clean(self, value, row=None, **kwargs):
        try:
            return parse_decimal(value.strip() if isinstance(value, str) else value)
        except NumberFormatError as exc:
            raise ValueError(str(exc)) from None

    def render(self, value, obj=None, **kwargs):
        return plain_decimal(value)


class RelatedIndicatorWidget(widgets.Widget):
    """Another indicator by its code: the parent in the same revision, or the series it
    continues written as "2012 GN.7"."""

    def __init__(self, *, same_revision: bool):
        super().__init__()
        self.same_revision = same_revision

    def clean(self, value, row=None, **kwargs):
        text = importers.cell_text(value)
        if not text:
            return None
        if self.same_revision:
            revision, code = importers.cell_text((row or {}).get("revision")), text
        else:
            revision, _sep, code = text.replace(":", " ").partition(" ")
        try:
            return Indicator.objects.get(revision__code=revision, code=code.strip())
        except Indicator.DoesNotExist:
            raise ValueError(
                _("Okänt nyckeltal ”%(code)s” i revision %(revision)s.")
                % {"code": code.strip(), "revision": revision}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.code if self.same_revision else f"{value.revision.code} {value.code}"


class IndicatorResource(resources.ModelResource):
    """The catalogue, one row per indicator, identified by revision and code."""

    revision = fields.Field(
        attribute="revision",
        column_name="revision",
        widget=widgets.ForeignKeyWidget(Revision, field="code"),
    )
    code = fields.Field(attribute="code", column_name="kod", widget=TEXT)
    name = fields.Field(attribute="name", column_name="namn", widget=TEXT)
    name_en = fields.Field(attribute="name_en", column_name="namn på engelska", widget=TEXT)
    description = fields.Field(attribute="description", column_name="beskrivning", widget=TEXT)
    unit = fields.Field(attribute="unit", column_name="enhet", widget=TEXT)
    direction = fields.Field(attribute="direction", column_name="riktning", widget=TEXT)
    decimals = fields.Field(
        attribute="decimals", column_name="decimaler", widget=widgets.IntegerWidget()
    )
    min_value = fields.Field(
        attribute="min_value", column_name="lägsta värde", widget=DecimalTextWidget()
    )
    max_value = fields.Field(
        attribute="max_value", column_name="högsta värde", widget=DecimalTextWidget()
    )
    source = fields.Field(attribute="source", column_name="datakälla", widget=TEXT)
    reported_by = fields.Field(attribute="reported_by", column_name="rapporteras av", widget=TEXT)
    display_order = fields.Field(
        attribute="display_order", column_name="ordning", widget=widgets.IntegerWidget()
    )
    parent = fields.Field(
        attribute="parent",
        column_name="huvudindikator",
        widget=RelatedIndicatorWidget(same_revision=True),
    )
    continues = fields.Field(
        attribute="continues",
        column_name="fortsätter",
        widget=RelatedIndicatorWidget(same_revision=False),
    )
    numerator_label = fields.Field(attribute="numerator_label", column_name="täljare", widget=TEXT)
    denominator_label = fields.Field(
        attribute="denominator_label", column_name="nämnare", widget=TEXT
    )
    input_scale = fields.Field(
        attribute="input_scale", column_name="skalfaktor", widget=DecimalTextWidget()
    )

    class Meta:
        model = Indicator
        fields = (
            "revision",
            "code",
            "name",
            "name_en",
            "description",
            "unit",
            "direction",
            "decimals",
            "min_value",
            "max_value",
            "source",
            "reported_by",
            "display_order",
            "parent",
            "continues",
            "numerator_label",
            "denominator_label",
            "input_scale",
        )
        import_id_fields = ("revision", "code")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return Indicator.objects.select_related("revision", "parent", "continues__revision")

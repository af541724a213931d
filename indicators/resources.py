"""django-import-export resources for the admin: the values' export and the catalogue.

Values are imported by `indicators.admin_import` (the same readers and write service as
`import_values`); the value export writes the columns that import reads back (kommunkod,
nyckeltal, revision, år, värde, status, källa, kommentar, täljare, nämnare) and, for people,
the name, the unit and the indicator's source, which the import ignores.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from common.import_formats import SwedishSheetMixin
from common.numbers import NumberFormatError, parse_decimal
from indicators import importers, selectors
from indicators.models import Indicator, IndicatorValue, Revision
from members.resources import ChoiceLabelWidget

TEXT = widgets.CharWidget()  # an empty cell is "", as in the form


def plain_decimal(value: Decimal | None) -> str:
    """2.4700 -> "2.47", 100.0000 -> "100": what the value is, without the column's padding."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


class RenderWidget(widgets.Widget):
    """Export-only: how a cell is written."""

    def __init__(self, render):
        super().__init__()
        self.render_value = render

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else self.render_value(value)


class IndicatorValueResource(SwedishSheetMixin, resources.ModelResource):
    """Columns: kommunkod, kommun, nyckeltal, revision, nyckeltalets namn, år, värde, enhet,
    status, källa, kommentar, datakälla, täljare, nämnare."""

    organisation = fields.Field(
        attribute="organisation", column_name="kommunkod", widget=RenderWidget(lambda o: o.code)
    )
    organisation_name = fields.Field(
        attribute="organisation__name", column_name="kommun", readonly=True
    )
    indicator = fields.Field(
        attribute="indicator", column_name="nyckeltal", widget=RenderWidget(lambda i: i.code)
    )
    revision = fields.Field(
        attribute="indicator__revision__code", column_name="revision", readonly=True
    )
    indicator_name = fields.Field(
        attribute="indicator__name", column_name="nyckeltalets namn", readonly=True
    )
    year = fields.Field(attribute="year", column_name="år", widget=RenderWidget(str))
    value = fields.Field(attribute="value", column_name="värde", widget=RenderWidget(plain_decimal))
    unit = fields.Field(attribute="indicator__unit", column_name="enhet", readonly=True)
    status = fields.Field(
        attribute="status",
        column_name="status",
        widget=RenderWidget(lambda s: IndicatorValue.Status(s).label),
    )
    source_note = fields.Field(attribute="source_note", column_name="källa", widget=TEXT)
    comment = fields.Field(attribute="comment", column_name="kommentar", widget=TEXT)
    indicator_source = fields.Field(
        attribute="indicator__source", column_name="datakälla", readonly=True
    )
    numerator = fields.Field(
        attribute="numerator", column_name="täljare", widget=RenderWidget(plain_decimal)
    )
    denominator = fields.Field(
        attribute="denominator", column_name="nämnare", widget=RenderWidget(plain_decimal)
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
            "numerator",
            "denominator",
        )
        import_id_fields = ("organisation", "indicator", "year")

    def get_queryset(self):
        return IndicatorValue.objects.select_related("organisation", "indicator__revision")

    def export_field(self, field, instance, **kwargs):
        # Numbers stay numbers in XLSX (sums work), and plain text in CSV.
        if field.attribute in ("value", "year") and kwargs.get("force_native_type"):
            return getattr(instance, field.attribute)
        return super().export_field(field, instance, **kwargs)


# --- The catalogue ----------------------------------------------------------------------------


class DecimalTextWidget(widgets.Widget):
    """Decimals read with common.numbers (decimal commas), written without padding."""

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
        indicator = selectors.indicator_by_code(code=code.strip(), revision=revision)
        if indicator is None:
            raise ValueError(
                _("Okänt nyckeltal ”%(code)s” i revision %(revision)s.")
                % {"code": code.strip(), "revision": revision}
            )
        return indicator

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.code if self.same_revision else f"{value.revision.code} {value.code}"


class IndicatorResource(SwedishSheetMixin, resources.ModelResource):
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
    direction = fields.Field(
        attribute="direction",
        column_name="riktning",
        widget=ChoiceLabelWidget(Indicator.Direction),
    )
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
    reported_by = fields.Field(
        attribute="reported_by",
        column_name="rapporteras av",
        widget=ChoiceLabelWidget(Indicator.ReportedBy),
    )
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

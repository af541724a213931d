from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from ekokommun.import_formats import FORMATS
from indicators.models import Indicator, IndicatorValue, Revision, StatusBand, Target
from indicators.resources import IndicatorResource, IndicatorValueResource
from indicators.services import ValueInput, value_delete, values_upsert
from members.admin import MunicipalityAdmin
from members.models import Municipality


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "adopted_on", "is_current"]


class StatusBandInline(admin.TabularInline):
    model = StatusBand
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(ImportExportMixin, admin.ModelAdmin):
    resource_classes = [IndicatorResource]
    formats = FORMATS
    list_display = [
        "code",
        "name",
        "revision",
        "owner",
        "unit",
        "direction",
        "reported_by",
        "continues",
        "retired_on",
    ]
    # Own figures (with an owner) are the members'; staff promote them from their own page.
    list_filter = [
        ("owner", admin.EmptyFieldListFilter),
        "revision",
        "reported_by",
        "applies_to",
        "direction",
    ]
    search_fields = ["code", "name", "name_en", "owner__name"]
    list_select_related = ["revision", "continues__revision", "owner"]
    ordering = ["-revision__code", "owner__name", "display_order"]
    raw_id_fields = ["continues", "parent", "adopted_from"]
    autocomplete_fields = ["owner"]
    inlines = [StatusBandInline]

    def get_export_queryset(self, request):
        # The export is the catalogue, identified by revision and code: own figures have none.
        return super().get_export_queryset(request).filter(owner__isnull=True)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ImportExportMixin, SimpleHistoryAdmin):
    # Import writes through values_upsert (see IndicatorValueResource); the value history, not
    # the admin log, records who imported what.
    resource_classes = [IndicatorValueResource]
    formats = FORMATS
    skip_admin_log = True
    list_display = [
        "organisation",
        "indicator",
        "year",
        "value",
        "status",
        "entered_by",
        "entered_at",
    ]
    list_filter = [
        "status",
        "indicator__revision",
        ("indicator", admin.RelatedOnlyFieldListFilter),
        "year",
        "organisation__county",
    ]
    search_fields = ["organisation__code", "organisation__name", "indicator__code"]
    list_select_related = ["organisation", "indicator__revision", "entered_by"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["indicator"]
    readonly_fields = ["entered_by", "entered_at"]
    show_full_result_count = False

    def get_export_queryset(self, request):
        # Exported rows name their figure by revision and code, as the import reads them back;
        # a member's own figures have no revision and stay out of this file.
        return super().get_export_queryset(request).filter(indicator__owner__isnull=True)

    def get_readonly_fields(self, request, obj=None):
        # The key of a saved value is fixed; a different year is a different value.
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + ["organisation", "indicator", "year"] if obj else readonly

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Saving from an earlier version restores it; the history says so.
        request.restoring_version = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        # The admin writes through the same service as every other path, so history is kept.
        reason = (
            _("Återställt från en tidigare version")
            if getattr(request, "restoring_version", False)
            else _("Ändrat i administrationen")
        )
        result = values_upsert(
            rows=[
                ValueInput(
                    organisation_id=obj.organisation_id,
                    indicator=obj.indicator,
                    year=obj.year,
                    value=obj.value,
                    status=obj.status,
                    source_note=obj.source_note,
                    comment=obj.comment,
                    numerator=obj.numerator,
                    denominator=obj.denominator,
                )
            ],
            user=request.user,
            change_reason=str(reason),
        )
        obj.pk = result.values[0].pk

    def delete_model(self, request, obj):
        # Staff only (the service checks); the deletion stays in the history with its author.
        value_delete(value=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for value in queryset:
            value_delete(value=value, user=request.user)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "organisation", "year", "value", "note"]
    list_filter = ["indicator__revision", ("organisation", admin.EmptyFieldListFilter), "year"]
    search_fields = ["organisation__code", "organisation__name", "indicator__code"]
    list_select_related = ["indicator__revision", "organisation"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["indicator"]


class IndicatorValueInline(admin.TabularInline):
    """An organisation's values, read-only: they are changed through the value pages."""

    model = IndicatorValue
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["indicator", "year", "value", "status", "source_note"]
    readonly_fields = fields
    ordering = ["indicator__revision", "indicator__display_order", "year"]
    verbose_name_plural = _("värden (skrivskyddat)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator__revision")


# Values belong to the indicators app, which members must not import: extend its admin here.
admin.site.unregister(Municipality)


@admin.register(Municipality)
class MunicipalityWithValuesAdmin(MunicipalityAdmin):
    inlines = [*MunicipalityAdmin.inlines, IndicatorValueInline]

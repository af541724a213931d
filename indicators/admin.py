from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from common.admin_pages import AdminViewsMixin, intermediate_page
from common.import_formats import FORMATS, SwedishExportMixin
from ekokommun.admin_guards import ImportExportMixin, SimpleHistoryAdmin
from indicators import admin_import
from indicators.admin_export import export_values_csv_streamed
from indicators.admin_kolada import ImportRunFigureInline, LastKoladaSyncColumn
from indicators.models import (
    ImportRun,
    Indicator,
    IndicatorValue,
    ReminderSent,
    Revision,
    StatusBand,
    Target,
)
from indicators.resources import IndicatorResource, IndicatorValueResource
from indicators.selectors import deleted_values
from indicators.services import ValueInput, value_delete, values_delete, values_upsert
from indicators.services.figures import figures_indicators_rebuild
from members.admin import MunicipalityAdmin
from members.collation import swedish
from members.models import Municipality


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "adopted_on", "is_current"]


class StatusBandInline(admin.TabularInline):
    model = StatusBand
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(LastKoladaSyncColumn, SwedishExportMixin, ImportExportMixin, admin.ModelAdmin):
    resource_classes = [IndicatorResource]
    formats = FORMATS

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Which values count in the figure's averages and examples follows its kinds and its
        # source (a national-source figure's averages count non-members too); whom "Lär av"
        # suggests follows its direction too.
        changed = {"applies_to", "owner", "revision", "reported_by", "direction"}
        if not change or changed & set(form.changed_data):
            figures_indicators_rebuild(indicator_ids=[obj.pk])

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
        "kolada_kpi",
        "kolada_last_sync",
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


class OrganisationFilter(admin.SimpleListFilter):
    """By member: only organisations that have values, in name order."""

    title = _("organisation")
    parameter_name = "organisation__id__exact"

    def lookups(self, request, model_admin):
        return list(
            Municipality.objects.filter(
                Exists(IndicatorValue.objects.filter(organisation=OuterRef("pk")))
            )
            .order_by(swedish("name"))
            .values_list("pk", "name")
        )

    def queryset(self, request, queryset):
        return queryset.filter(organisation_id=self.value()) if self.value() else queryset


class IndicatorFilter(admin.SimpleListFilter):
    """By figure, named with its revision ("GN.7 (2023) Förnybar …"): codes repeat across
    revisions, and own figures have none."""

    title = _("nyckeltal")
    parameter_name = "indicator__id__exact"

    def lookups(self, request, model_admin):
        indicators = Indicator.objects.select_related("revision", "owner").order_by(
            "-revision__code", "owner__name", "display_order", "code"
        )
        return [(i.pk, indicator_label(i)) for i in indicators]

    def queryset(self, request, queryset):
        return queryset.filter(indicator_id=self.value()) if self.value() else queryset


class SourceFilter(admin.SimpleListFilter):
    title = _("källa")
    parameter_name = "kalla"

    def lookups(self, request, model_admin):
        sources = (
            IndicatorValue.objects.exclude(source_note="")
            .order_by("source_note")
            .values_list("source_note", flat=True)
            .distinct()[:50]
        )
        return [("-", _("ingen angiven")), *((source, source) for source in sources)]

    def queryset(self, request, queryset):
        if self.value() == "-":
            return queryset.filter(source_note="")
        return queryset.filter(source_note=self.value()) if self.value() else queryset


def indicator_label(indicator: Indicator) -> str:
    if indicator.revision_id:
        return f"{indicator.code} ({indicator.revision.code}) {indicator.name}"
    owner = indicator.owner.name if indicator.owner_id else ""
    return f"{indicator.code} ({_('eget')}: {owner}) {indicator.name}"


class SwedishHistoryContext(HistoricalRecordContextHelper):
    """The history's list of changes in Swedish: an empty link is "–" and a removed related
    row is named as removed (django-simple-history writes "Deleted … (pk=…)")."""

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, DeletedObject):
            if value.pk is None:
                return "–"
            return _("borttagen %(type)s") % {"type": value.model._meta.verbose_name}
        return super().prepare_delta_change_value(change, value)


class BulkDeleteForm(forms.Form):
    typed_count = forms.IntegerField(
        label=_("Skriv antalet värden som ska tas bort"),
        min_value=0,
        error_messages={"required": _("Skriv antalet värden för att bekräfta.")},
    )

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = count

    def clean_typed_count(self):
        typed = self.cleaned_data["typed_count"]
        if typed != self.count:
            raise forms.ValidationError(
                _("Du har valt %(count)d värden; skriv %(count)d för att ta bort dem.")
                % {"count": self.count}
            )
        return typed


@admin.register(IndicatorValue)
class IndicatorValueAdmin(
    AdminViewsMixin, SwedishExportMixin, ImportExportMixin, SimpleHistoryAdmin
):
    # The export is django-import-export's (IndicatorValueResource); the import is the same as
    # `import_values` (indicators.admin_import): every layout, aggregates skipped, one write
    # service. The value history, not the admin log, records who imported what.
    resource_classes = [IndicatorValueResource]
    formats = FORMATS
    skip_admin_log = True
    change_list_template = "indicators/admin/value_change_list.html"
    actions = ["delete_values", export_values_csv_streamed]
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
        OrganisationFilter,
        IndicatorFilter,
        "year",
        "status",
        SourceFilter,
        "indicator__revision",
        "organisation__county",
    ]
    search_fields = ["organisation__code", "organisation__name", "indicator__code"]
    list_select_related = ["organisation", "indicator__revision", "entered_by"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["indicator"]
    # Provenance is the sync's to write (indicators.services.kolada_sync).
    readonly_fields = ["entered_by", "entered_at", "source_kpi", "fetched_on"]
    show_full_result_count = False

    def import_action(self, request, **kwargs):
        return admin_import.import_view(self, request)

    def process_import(self, request, **kwargs):
        return admin_import.process_import_view(self, request)

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
        # A number changed by hand is no longer the one fetched from Kolada.
        fetched = change and "value" not in form.changed_data
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
                    source_kpi=obj.source_kpi if fetched else "",
                    fetched_on=obj.fetched_on if fetched else None,
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
        values_delete(values=queryset, user=request.user)

    # --- deleting many: a dedicated permission and the count typed -------------------------

    def get_actions(self, request):
        # Django's one-click "delete selected" is replaced by delete_values, which asks for
        # the number of values and is offered only with the bulk-delete permission.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(
        description=_("Ta bort valda värden (kräver att antalet skrivs in)"),
        permissions=["bulk_delete"],
    )
    def delete_values(self, request, queryset):
        count = queryset.count()
        form = BulkDeleteForm(request.POST if "apply" in request.POST else None, count=count)
        if form.is_bound and form.is_valid():
            deleted = values_delete(
                values=queryset.select_related("indicator", "organisation"), user=request.user
            )
            self.message_user(
                request,
                ngettext(
                    "%(count)d värde är borttaget; det kan återställas från historiken.",
                    "%(count)d värden är borttagna; de kan återställas från historiken.",
                    deleted,
                )
                % {"count": deleted},
                messages.SUCCESS,
            )
            return None
        return intermediate_page(
            self,
            request,
            queryset.select_related("organisation", "indicator")[:20],
            form=form,
            title=_("Ta bort värden"),
            template="indicators/admin/bulk_delete.html",
            extra={
                "count": count,
                "intro": _(
                    "Värdena försvinner från sidorna och rapporterna. Varje borttagning sparas "
                    "i historiken och kan återställas under ”Borttagna värden”."
                ),
                "submit_label": _("Ta bort"),
            },
        )

    def has_bulk_delete_permission(self, request):
        return request.user.has_perm("indicators.bulk_delete_indicatorvalue")

    # --- restoring deleted values ----------------------------------------------------------

    def get_historical_record_context_helper(self, request, historical_record):
        return SwedishHistoryContext(self.model, historical_record)

    def history_view_title(self, request, obj):
        return _("Historik: %(value)s") % {"value": obj}

    def history_form_view_title(self, request, obj):
        if self.revert_disabled(request, obj):
            return _("Version av %(value)s") % {"value": obj}
        return _("Återställ %(value)s") % {"value": obj}

    admin_views = (("borttagna/", "deleted_view", "indicators_indicatorvalue_deleted"),)

    def deleted_view(self, request):
        """Values that were deleted and not restored since, newest first, each with a link
        to its history, where the last version can be restored."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Borttagna värden"),
            "opts": self.model._meta,
            "deleted": deleted_values(limit=200),
        }
        return TemplateResponse(request, "indicators/admin/deleted_values.html", context)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "organisation", "year", "value", "note"]
    list_filter = ["indicator__revision", ("organisation", admin.EmptyFieldListFilter), "year"]
    search_fields = ["organisation__code", "organisation__name", "indicator__code"]
    list_select_related = ["indicator__revision", "organisation"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["indicator"]


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    """What remind_reporters sent: a record, written only by the command."""

    list_display = ["organisation", "year", "figure_set", "recipients", "sent_at", "delivered"]
    list_filter = ["year", "delivered"]
    search_fields = ["organisation__code", "organisation__name", "recipients"]
    list_select_related = ["organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Values belong to the indicators app, which members must not import: extend its admin here.
admin.site.unregister(Municipality)


@admin.register(Municipality)
class MunicipalityWithValuesAdmin(MunicipalityAdmin):
    """The organisation's page links to its values in the value list (filterable, paged)
    instead of listing hundreds of them inline."""

    readonly_fields = [*MunicipalityAdmin.readonly_fields, "values_link"]

    @admin.display(description=_("nyckeltal"))
    def values_link(self, obj):
        if obj.pk is None:
            return "–"
        count = IndicatorValue.objects.filter(organisation=obj).count()
        url = reverse("admin:indicators_indicatorvalue_changelist")
        return format_html(
            '<a href="{}?organisation__id__exact={}">{}</a>',
            url,
            obj.pk,
            ngettext("Visa %(count)d värde", "Visa alla %(count)d värden", count)
            % {"count": count},
        )


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """What each import did, newest first: read-only, it is the record."""

    list_display = [
        "started_at",
        "user",
        "door",
        "format",
        "file_name",
        "created",
        "updated",
        "unchanged",
        "skipped",
        "succeeded",
    ]
    list_filter = ["succeeded", "door", "format"]
    search_fields = ["file_name", "user__username"]
    inlines = [ImportRunFigureInline]
    list_select_related = ["user"]
    ordering = ["-started_at", "-pk"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

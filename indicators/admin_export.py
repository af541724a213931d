"""The admin's streamed CSV export of values: every selected row (also "select all" across
pages), written to the client while it is read from the database, so it never hits the
worker's time limit however large the register grows. Same columns as the admin's export.
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.streaming import csv_streaming_response
from indicators.resources import IndicatorValueResource

CHUNK_SIZE = 2000  # rows fetched from the database at a time


@admin.action(
    description=_("Exportera markerade värden som CSV (strömmas, även för stora uttag)"),
    permissions=["export"],
)
def export_values_csv_streamed(modeladmin, request, queryset):
    resource = IndicatorValueResource()
    # As in the admin's export: rows name their figure by revision and code, so a member's own
    # figures (which have neither) stay out.
    values = (
        queryset.filter(indicator__owner__isnull=True)
        .select_related("organisation", "indicator__revision")
        .order_by("organisation__code", "indicator__revision__code", "indicator__code", "year")
    )
    rows = (resource.export_resource(value) for value in values.iterator(chunk_size=CHUNK_SIZE))
    return csv_streaming_response(
        headers=resource.get_export_headers(),
        rows=rows,
        filename=f"nyckeltal-varden-{timezone.localdate().isoformat()}.csv",
    )

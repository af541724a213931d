"""The admin's view of Kolada: its KPI catalogue (read-only), and per figure when it was last
synced and what that run changed (registered through indicators/admin.py)."""

from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from indicators.models import ImportRunFigure, KoladaKpi


class ReadOnlyAdmin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(KoladaKpi)
class KoladaKpiAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Kolada's KPI catalogue as `kolada_sync --catalogue` last copied it."""

    list_display = ["id", "title", "municipality_type", "has_ou_data", "publication_date"]
    list_filter = ["municipality_type", "has_ou_data"]
    search_fields = ["id", "title"]


class ImportRunFigureInline(ReadOnlyAdmin, admin.TabularInline):
    model = ImportRunFigure
    fields = ["indicator", "created", "updated", "unchanged", "skipped"]
    readonly_fields = fields
    extra = 0


LAST_SYNC_FIELDS = ("created", "updated", "unchanged", "skipped")


class LastKoladaSyncColumn:
    """A changelist column: the figure's latest Kolada sync and its counts (one subquery per
    number, on the page's rows only)."""

    def get_queryset(self, request):
        latest = ImportRunFigure.objects.filter(indicator=OuterRef("pk")).order_by(
            "-run__started_at", "-run_id"
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                kolada_synced_at=Subquery(latest.values("run__started_at")[:1]),
                **{
                    f"kolada_{name}": Subquery(latest.values(name)[:1]) for name in LAST_SYNC_FIELDS
                },
            )
        )

    @admin.display(description=_("senast hämtat från Kolada"), ordering="kolada_synced_at")
    def kolada_last_sync(self, obj) -> str:
        if getattr(obj, "kolada_synced_at", None) is None:
            return "–" if not obj.kolada_kpi else str(_("aldrig"))
        return _(
            "%(at)s: nya %(new)s, ändrade %(changed)s, oförändrade %(same)s, "
            "överhoppade %(skipped)s"
        ) % {
            "at": f"{obj.kolada_synced_at:%Y-%m-%d %H:%M}",
            "new": obj.kolada_created,
            "changed": obj.kolada_updated,
            "same": obj.kolada_unchanged,
            "skipped": obj.kolada_skipped,
        }

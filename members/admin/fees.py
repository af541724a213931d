"""Fee schedules and the yearly fee list (view, CSV, XLSX)."""

from django.contrib import admin, messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponse
from django.template.defaultfilters import floatformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin_pages import AdminViewsMixin
from common.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Sheet, csv_bytes, xlsx_bytes
from members.admin.base import errors_text
from members.exports import fee_list_dataset, format_rate
from members.models import FeeSchedule
from members.selectors import fees_for_year
from members.services import fee_schedule_copy


@admin.register(FeeSchedule)
class FeeScheduleAdmin(AdminViewsMixin, admin.ModelAdmin):
    list_display = ["year", "fixed", "rate", "ceiling_amount", "decided_on", "fee_list"]
    fields = ["year", "fixed_amount", "per_inhabitant", "ceiling", "decided_on"]
    # Staff type amounts the Swedish way: "0,30".
    formfield_overrides = {models.DecimalField: {"localize": True}}
    actions = ["copy_to_next_year"]

    @admin.display(description=_("fast del (kr)"), ordering="fixed_amount")
    def fixed(self, obj):
        return intcomma(floatformat(obj.fixed_amount, 0))

    @admin.display(description=_("per invånare (kr)"), ordering="per_inhabitant")
    def rate(self, obj):
        return format_rate(obj.per_inhabitant)

    @admin.display(description=_("tak (kr)"), ordering="ceiling")
    def ceiling_amount(self, obj):
        return "–" if obj.ceiling is None else intcomma(floatformat(obj.ceiling, 0))

    @admin.action(description=_("Kopiera vald avgiftsmodell till nästa år"))
    def copy_to_next_year(self, request, queryset):
        for schedule in queryset.order_by("year"):
            try:
                copy = fee_schedule_copy(schedule=schedule, to_year=schedule.year + 1)
            except ValidationError as error:
                self.message_user(request, errors_text(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _(
                        "Avgiftsmodellen för %(year)s är kopierad från %(from)s; fyll i när "
                        "årsmötet beslutade den."
                    )
                    % {"year": copy.year, "from": schedule.year},
                    messages.SUCCESS,
                )

    @admin.display(description=_("avgiftslista"))
    def fee_list(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">CSV</a> · <a href="{}">XLSX</a>',
            reverse("admin:members_feeschedule_fee_list", args=[obj.year]),
            _("Visa"),
            reverse("admin:members_feeschedule_export", args=[obj.year, "csv"]),
            reverse("admin:members_feeschedule_export", args=[obj.year, "xlsx"]),
        )

    admin_views = (
        ("<int:year>/avgiftslista/", "fee_list_view", "members_feeschedule_fee_list"),
        ("<int:year>/avgiftslista.<str:file_format>", "export_view", "members_feeschedule_export"),
    )

    def fee_list_view(self, request, year: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        fees = fees_for_year(year=year)
        if fees["schedule"] is None:
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "title": _("Avgiftslista %(year)s") % {"year": year},
            "opts": self.model._meta,
            "fees": fees,
            "rate": format_rate(fees["schedule"]["per_inhabitant"]),
        }
        return TemplateResponse(request, "members/admin/fee_list.html", context)

    def export_view(self, request, year: int, file_format: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if file_format not in {"csv", "xlsx"}:
            raise Http404
        fees = fees_for_year(year=year)
        if fees["schedule"] is None:
            raise Http404
        dataset = fee_list_dataset(fees)
        # The shared writer: names and e-mail addresses never run as formulas, amounts stay
        # numbers; CSV with a BOM and semicolons for Excel with Swedish settings.
        if file_format == "csv":
            content = csv_bytes(dataset, header=dataset.headers)
            content_type = CSV_CONTENT_TYPE
        else:
            sheet = Sheet(title=dataset.title, header=dataset.headers, rows=dataset)
            content = xlsx_bytes([sheet])
            content_type = XLSX_CONTENT_TYPE
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="medlemsavgifter-{year}.{file_format}"'
        )
        return response

"""The admin's import of values: the same readers and the same import as `import_values`.

The office uploads a plain table (CSV/XLSX), Miljöbarometern's table (with the figure chosen on
the form) or Kolada's JSON; `importers.read_file` reads it as the command line does and
`importers.values_import` checks it without writing for the preview (every row's old and new
value, the skipped aggregate rows with their reason, the wrong rows by number). Confirming runs
the same import for real from the file kept in a temporary folder. Both steps end in an
`ImportRun`.
"""

from __future__ import annotations

import os
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.tmp_storages import TempFolderStorage

from common.numbers import format_decimal
from indicators import importers
from indicators.models import ImportRun, Indicator, Revision

LAYOUTS = [
    ("table", gettext_lazy("Tabell: kommunkod, nyckeltal, år, värde (CSV eller XLSX)")),
    ("miljobarometern", gettext_lazy("Miljöbarometerns tabell för ett nyckeltal (CSV eller XLSX)")),
    ("kolada", gettext_lazy("Koladas JSON")),
]
MAX_PREVIEW_ROWS = 1000
_KEPT_FILE = re.compile(r"^tmp[\w-]{4,60}$")


class IndicatorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.revision.code} {obj.code} {obj.name} ({obj.unit})"


class ValueImportForm(forms.Form):
    import_file = forms.FileField(label=gettext_lazy("Fil"))
    layout = forms.ChoiceField(label=gettext_lazy("Filens upplägg"), choices=LAYOUTS)
    indicator = IndicatorChoice(
        label=gettext_lazy("Nyckeltal (Miljöbarometern)"),
        queryset=Indicator.objects.common()
        .select_related("revision")
        .order_by("-revision__code", "display_order"),
        required=False,
        help_text=gettext_lazy("Miljöbarometerns tabell gäller ett nyckeltal: välj vilket."),
    )
    kpi = forms.CharField(
        label=gettext_lazy("Kopplingar från Kolada"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 40}),
        help_text=gettext_lazy("En per rad: KPI=kod, till exempel N00401=GN.1a."),
    )
    revision = forms.ModelChoiceField(
        label=gettext_lazy("Revision"),
        queryset=Revision.objects.order_by("-code"),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("den gällande"),
        help_text=gettext_lazy("Vilken revisions koder filen använder."),
    )
    round_values = forms.BooleanField(
        label=gettext_lazy("Avrunda till nyckeltalets decimaler"), required=False
    )

    def clean(self):
        data = super().clean()
        layout = data.get("layout")
        if layout == "miljobarometern" and not data.get("indicator"):
            self.add_error("indicator", _("Välj vilket nyckeltal Miljöbarometerns tabell gäller."))
        if layout == "kolada":
            try:
                data["mapping"] = kpi_mapping(data.get("kpi") or "")
            except ValueError as exc:
                self.add_error("kpi", str(exc))
        return data


def kpi_mapping(text: str) -> dict[str, str]:
    mapping = {}
    for line in text.replace(",", "\n").splitlines():
        if not line.strip():
            continue
        kpi, sep, code = line.partition("=")
        if not sep or not kpi.strip() or not code.strip():
            raise ValueError(
                _("Skriv kopplingen som KPI=kod, till exempel N00401=GN.1a: ”%(line)s”.")
                % {"line": line.strip()}
            )
        mapping[kpi.strip()] = code.strip()
    if not mapping:
        raise ValueError(_("Ange vilka KPI:er som hör till vilka nyckeltal."))
    return mapping


def file_format(layout: str, file_name: str) -> tuple[str, str]:
    """(the import's format, the sheet format) from the chosen layout and the file's name."""
    sheet = "xlsx" if file_name.lower().endswith(".xlsx") else "csv"
    if layout == "table":
        return sheet, sheet
    return layout, sheet


def run_import(*, params: dict, data: bytes, user, dry_run: bool) -> importers.ImportReport:
    fmt, sheet = file_format(params["layout"], params["file_name"])
    indicator = None
    if params.get("indicator"):
        indicator = Indicator.objects.select_related("revision").get(pk=params["indicator"])
    read = importers.read_file(
        data,
        fmt=fmt,
        indicator=indicator,
        mapping=kpi_mapping(params["kpi"]) if fmt == "kolada" else None,
        sheet_format=sheet,
    )
    return importers.values_import(
        read=read,
        user=user,
        change_reason=f"Import i administrationen {params['file_name']}".strip(),
        dry_run=dry_run,
        revision=params.get("revision") or None,
        round_values=params.get("round_values", False),
        round_hint=_("Kryssa i ”Avrunda till nyckeltalets decimaler” för att avrunda."),
        preview=dry_run,
    )


def preview_rows(report: importers.ImportReport) -> list[dict]:
    """The rows the import would write or change, with numbers the Swedish way."""
    rows = []
    for change in report.changes:
        if change.kind == "unchanged":
            continue
        rows.append(
            {
                "line": change.line,
                "organisation": change.organisation,
                "indicator": change.indicator,
                "year": change.year,
                "kind": change.kind,
                "old": format_decimal(change.old, change.decimals),
                "new": format_decimal(change.new, change.decimals),
            }
        )
    return rows


def import_view(model_admin, request):
    """Step one: the form, then the preview (nothing is written)."""
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Importera värden"),
    }
    form = ValueImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["import_file"]
        data = upload.read()
        params = {
            "layout": form.cleaned_data["layout"],
            "file_name": os.path.basename(upload.name)[:200],
            "indicator": form.cleaned_data["indicator"].pk
            if form.cleaned_data.get("indicator")
            else "",
            "kpi": form.cleaned_data.get("kpi") or "",
            "revision": form.cleaned_data["revision"].code
            if form.cleaned_data.get("revision")
            else "",
            "round_values": form.cleaned_data["round_values"],
        }
        report = run_import(params=params, data=data, user=request.user, dry_run=True)
        context["report"] = report
        context["rows"] = preview_rows(report)[:MAX_PREVIEW_ROWS]
        context["more_rows"] = max(0, report.created + report.updated - MAX_PREVIEW_ROWS)
        context["skipped"] = report.skipped_by_reason()
        if report.ok:
            storage = TempFolderStorage(read_mode="rb")
            storage.save(data)
            context["confirm_form"] = {**params, "kept": os.path.basename(storage.name)}
        else:
            _record_run(request, params=params, report=report)
    context["form"] = form
    return TemplateResponse(request, "admin/indicators/indicatorvalue/import.html", context)


def process_import_view(model_admin, request):
    """Step two: the confirmed file, imported for real (checked again: data may have moved)."""
    if not model_admin.has_import_permission(request) or request.method != "POST":
        raise PermissionDenied
    post = request.POST
    kept = post.get("kept", "")
    if not _KEPT_FILE.match(kept):
        raise PermissionDenied
    storage = TempFolderStorage(name=kept, read_mode="rb")
    try:
        data = storage.read()
    except OSError:
        messages.error(request, _("Filen finns inte längre kvar; ladda upp den igen."))
        return redirect("admin:indicators_indicatorvalue_import")
    params = {
        "layout": post.get("layout", "table"),
        "file_name": post.get("file_name", "")[:200],
        "indicator": post.get("indicator") or "",
        "kpi": post.get("kpi", ""),
        "revision": post.get("revision") or "",
        "round_values": post.get("round_values") == "True",
    }
    try:
        report = run_import(params=params, data=data, user=request.user, dry_run=False)
    except (ValueError, Indicator.DoesNotExist):
        # The confirmation's hidden fields were changed: nothing to import from them.
        storage.remove()
        raise PermissionDenied from None
    storage.remove()
    _record_run(request, params=params, report=report)
    if report.ok:
        messages.success(
            request,
            _(
                "Importen är klar: %(created)s nya, %(updated)s ändrade, %(unchanged)s "
                "oförändrade, %(skipped)s överhoppade."
            )
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "skipped": len(report.skipped),
            },
        )
    else:
        messages.error(
            request,
            _("Importen avbröts; ingenting skrevs: %(errors)s")
            % {"errors": " ".join(report.errors[:10])},
        )
    return redirect("admin:indicators_indicatorvalue_changelist")


def _record_run(request, *, params: dict, report) -> None:
    """The admin's import, as the office's record of it (ImportRun)."""
    fmt, _sheet = file_format(params["layout"], params["file_name"])
    importers.import_run_record(
        report=report,
        user=request.user,
        door=ImportRun.Door.ADMIN,
        fmt=fmt,
        file_name=params["file_name"],
    )

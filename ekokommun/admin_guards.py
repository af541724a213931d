"""The admin's third-party views, made to answer 400/404 to hostile addresses instead of 500.

Found by the route fuzz test (tests/test_route_fuzz.py):
- django-import-export's export page passes unknown query parameters to the change list,
  which raises IncorrectLookupParameters (the change list itself would answer with ?e=1).
- django-simple-history's history pages look up the object and the version with whatever
  the address holds, so /admin/.../abc/history/ raised ValueError.
The admin classes import these two in place of the libraries' own.
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404
from import_export.admin import ExportMixin as LibraryExportMixin
from import_export.admin import ImportExportMixin as LibraryImportExportMixin
from simple_history.admin import SimpleHistoryAdmin as LibrarySimpleHistoryAdmin


def _check_key(field, text) -> None:
    try:
        field.to_python(text)
    except (ValidationError, ValueError, TypeError) as error:
        raise Http404 from error


class _ExportAddressGuard:
    def get_export_queryset(self, request):
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as error:
            raise BadRequest("Unknown filter in the export address") from error


class ImportExportMixin(_ExportAddressGuard, LibraryImportExportMixin):
    pass


class ExportMixin(_ExportAddressGuard, LibraryExportMixin):
    """For lists that are exported but never imported (memberships)."""


class SimpleHistoryAdmin(LibrarySimpleHistoryAdmin):
    def history_view(self, request, object_id, extra_context=None):
        _check_key(self.model._meta.pk, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _check_key(self.model._meta.pk, object_id)
        _check_key(self.model.history.model._meta.pk, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

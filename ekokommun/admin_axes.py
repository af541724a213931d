"""django-axes' section of the admin (the login guard's records), in Swedish.

django-axes ships no Swedish catalogue, so its section, models, columns and filters would be
the only English on the staff screens. Its models' names are set here (Swedish source strings,
translated to English through the site's catalogue like every other string), and its admin
classes are registered again with Swedish titles. Imported from members/admin/__init__.py, after
django-axes has registered its own admin.
"""

from axes.admin import (
    AccessAttemptAdmin,
    AccessFailureLogAdmin,
    AccessLogAdmin,
    IsLockedOutFilter,
)
from axes.conf import settings
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

FIELD_NAMES = {
    "user_agent": _("webbläsare (user agent)"),
    "ip_address": _("IP-adress"),
    "username": _("inloggningsnamn"),
    "http_accept": _("HTTP Accept"),
    "path_info": _("sökväg"),
    "attempt_time": _("tidpunkt"),
    "get_data": _("GET-data"),
    "post_data": _("POST-data"),
    "failures_since_start": _("misslyckade inloggningar"),
    "logout_time": _("utloggad"),
    "session_hash": _("sessionsnyckelns hash (sha256)"),
    "locked_out": _("spärrad"),
    "expires_at": _("upphör"),
    "access_attempt": _("inloggningsförsök"),
}

MODEL_NAMES = {
    AccessAttempt: (_("inloggningsförsök"), pgettext_lazy("plural", "inloggningsförsök")),
    AccessLog: (_("inloggning"), _("inloggningar")),
    AccessFailureLog: (_("misslyckad inloggning"), _("misslyckade inloggningar")),
    AccessAttemptExpiration: (
        _("utgångstid för inloggningsförsök"),
        _("utgångstider för inloggningsförsök"),
    ),
}


def _swedish_names() -> None:
    apps.get_app_config("axes").verbose_name = _("Inloggningsspärr")
    for model, (singular, plural) in MODEL_NAMES.items():
        model._meta.verbose_name = singular
        model._meta.verbose_name_plural = plural
        for field in model._meta.get_fields():
            if field.name in FIELD_NAMES and hasattr(field, "verbose_name"):
                field.verbose_name = FIELD_NAMES[field.name]


_swedish_names()

FORM_DATA = _("Formulärdata")
META_DATA = _("Metadata")


class LockedOutFilter(admin.SimpleListFilter):
    title = _("spärrad")
    parameter_name = "locked_out"

    def lookups(self, request, model_admin):
        return [("yes", _("ja")), ("no", _("nej"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        if self.value() == "no":
            return queryset.filter(failures_since_start__lt=settings.AXES_FAILURE_LIMIT)
        return queryset


class SwedishAccessAttemptAdmin(AccessAttemptAdmin):
    list_filter = [
        LockedOutFilter if spec is IsLockedOutFilter else spec
        for spec in AccessAttemptAdmin.list_filter
    ]
    fieldsets = (
        (None, {"fields": ("username", "path_info", "failures_since_start", "expiration")}),
        (FORM_DATA, {"fields": ("get_data", "post_data")}),
        (META_DATA, {"fields": ("user_agent", "ip_address", "http_accept")}),
    )

    @admin.action(description=_("Rensa utgångna inloggningsförsök"))
    def cleanup_expired_attempts(self, request, queryset):
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request, _("%(count)d utgångna inloggningsförsök är borttagna.") % {"count": count}
        )

    @admin.display(description=_("upphör"))
    def expiration(self, obj):
        return obj.expiration.expires_at if hasattr(obj, "expiration") else _("inte satt")

    @admin.display(description=_("läge"))
    def status(self, obj):
        remaining = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if remaining > 0:
            return _("%(count)d försök kvar") % {"count": remaining}
        return _("spärrad")


class SwedishAccessLogAdmin(AccessLogAdmin):
    fieldsets = (
        (None, {"fields": ("username", "path_info")}),
        (META_DATA, {"fields": ("user_agent", "ip_address", "http_accept")}),
    )


class SwedishAccessFailureLogAdmin(AccessFailureLogAdmin):
    fieldsets = (
        (None, {"fields": ("username", "path_info")}),
        (META_DATA, {"fields": ("user_agent", "ip_address", "http_accept")}),
    )


for _model, _admin_class in [
    (AccessAttempt, SwedishAccessAttemptAdmin),
    (AccessLog, SwedishAccessLogAdmin),
    (AccessFailureLog, SwedishAccessFailureLogAdmin),
]:
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        admin.site.register(_model, _admin_class)

from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import LoginView, PasswordResetView
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from ekokommun import two_factor
from ekokommun.auth import EmailAuthenticationForm
from ekokommun.views import accessibility_statement, healthz, language_switch
from examples.api import router as good_examples_router
from indicators.api import api
from members import admin_gdpr
from members.forms import QueuedPasswordResetForm

handler500 = "ekokommun.views.server_error"

admin.site.site_header = _("Sveriges Ekokommuner – kansliet")
admin.site.site_title = "Ekokommun"
admin.site.index_title = _("Register och nyckeltal")


def _head_as_get(view):
    """django-ninja answers only the methods an operation declares; monitoring asks with HEAD,
    which is a GET without the body (the server drops the body)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        request.method = "GET"
        try:
            return view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"

    return wrapper


# The open API is composed here, at the top: the good examples app adds its endpoints to the
# indicators' API without indicators knowing the app (the layers import only downwards).
api.add_router("/good-examples/", good_examples_router)


def _api_urls():
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = _head_as_get(pattern.callback)
    return patterns, app_name, namespace


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The public pages early: they are most requests, and a cached page's hit is little more
    # than the request's way through the site (resolving it past the thirty patterns below
    # was a tenth of it). No pattern below shares a path with these.
    path("", include("indicators.urls")),
    path(
        "admin/personuppgifter/",
        admin.site.admin_view(admin_gdpr.personal_data),
        name="admin_personal_data",
    ),
    path("admin/", admin.site.urls),
    path("sprak/<str:code>/", language_switch, name="language_switch"),
    path("tillganglighet/", accessibility_statement, name="accessibility_statement"),
    path(
        "konto/login/",
        LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path("konto/tvastegs/", two_factor.verify, name="two_factor_verify"),
    path("konto/tvastegs/aktivera/", two_factor.enrol, name="two_factor_enrol"),
    path("konto/tvastegs/qr.svg", two_factor.qr_code, name="two_factor_qr"),
    path("api/v1/", _api_urls()),
    path(
        "konto/password_reset/",
        PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path("konto/", include("django.contrib.auth.urls")),
    path("", include("members.urls")),
    path("", include("conversations.urls")),
    path("", include("examples.urls")),
]

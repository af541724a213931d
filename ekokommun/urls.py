from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from ekokommun.auth import EmailAuthenticationForm
from ekokommun.views import healthz, language_switch
from indicators.api import api

handler500 = "ekokommun.views.server_error"

admin.site.site_header = _("Sveriges Ekokommuner – kansliet")
admin.site.site_title = "Ekokommun"
admin.site.index_title = _("Register och nyckeltal")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("sprak/<str:code>/", language_switch, name="language_switch"),
    path(
        "konto/login/",
        LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path("api/v1/", api.urls),
    path("konto/", include("django.contrib.auth.urls")),
    path("", include("members.urls")),
    path("", include("indicators.urls")),
]

from django.contrib import admin
from django.urls import include, path

from ekokommun.views import healthz
from indicators.api import api

admin.site.site_header = "Sveriges Ekokommuner – kansliet"
admin.site.site_title = "Ekokommun"
admin.site.index_title = "Register och nyckeltal"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/", include("django.contrib.auth.urls")),
    path("", include("members.urls")),
    path("", include("indicators.urls")),
]

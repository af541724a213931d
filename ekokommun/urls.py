from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from ekokommun import two_factor
from ekokommun.auth import EmailAuthenticationForm
from ekokommun.views import healthz, language_switch
from indicators.api import api
from members import admin_gdpr

handler500 = "ekokommun.views.server_error"

admin.site.site_header = _("Sveriges Ekokommuner – kansliet")
admin.site.site_title = "Ekokommun"
admin.site.index_title = _("Register och nyckeltal")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(
        "admin/personuppgifter/",
        admin.site.admin_view(admin_gdpr.personal_data),
        name="admin_personal_data",
    ),
    path("admin/", admin.site.urls),
    path("sprak/<str:code>/", language_switch, name="language_switch"),
    path(
        "konto/login/",
        LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path("konto/tvastegs/", two_factor.verify, name="two_factor_verify"),
    path("konto/tvastegs/aktivera/", two_factor.enrol, name="two_factor_enrol"),
    path("konto/tvastegs/qr.svg", two_factor.qr_code, name="two_factor_qr"),
    path("api/v1/", api.urls),
    path("konto/", include("django.contrib.auth.urls")),
    path("", include("members.urls")),
    path("", include("indicators.urls")),
]

from django.urls import path

from indicators import downloads, views

urlpatterns = [
    path("", views.home, name="home"),
    path("kommun/<str:code>/", views.member_detail, name="member_detail"),
    path("kommun/<str:code>/data.<str:fmt>", downloads.member_data, name="member_data"),
    path("nyckeltal/<str:code>/data.<str:fmt>", downloads.indicator_data, name="indicator_data"),
    path(
        "nyckeltal/<str:revision>/<str:code>/data.<str:fmt>",
        downloads.indicator_data,
        name="indicator_revision_data",
    ),
]

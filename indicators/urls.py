from django.urls import path

from indicators import views

urlpatterns = [
    path("", views.home, name="home"),
    path("sok/", views.search, name="search"),
    path("kommun/<str:code>/", views.member_detail, name="member_detail"),
    path("nyckeltal/<str:code>/", views.indicator_detail, name="indicator_detail"),
    path(
        "nyckeltal/<str:revision>/<str:code>/",
        views.indicator_detail,
        name="indicator_revision_detail",
    ),
    path("jamfor/", views.compare, name="compare"),
]

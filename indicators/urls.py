from django.urls import include, path

from indicators import downloads, views, views_own, views_reporting

urlpatterns = [
    path("", views.home, name="home"),
    path("sok/", views.search, name="search"),
    # Downloads first: "nyckeltal/<code>/data.csv" would otherwise read as a revision page.
    path("kommun/<str:code>/data.<str:fmt>", downloads.member_data, name="member_data"),
    path("nyckeltal/<str:code>/data.<str:fmt>", downloads.indicator_data, name="indicator_data"),
    path(
        "nyckeltal/<str:revision>/<str:code>/data.<str:fmt>",
        downloads.indicator_data,
        name="indicator_revision_data",
    ),
    path("kommun/<str:code>/", views.member_detail, name="member_detail"),
    path("kommun/<str:code>/utskrift.css", views.print_margins, name="print_margins"),
    path("kommun/<str:code>/rapport/<int:year>/", views.member_report, name="member_report"),
    path("nyckeltal/<str:code>/", views.indicator_detail, name="indicator_detail"),
    path(
        "nyckeltal/<str:revision>/<str:code>/",
        views.indicator_detail,
        name="indicator_revision_detail",
    ),
    path("jamfor/", views.compare, name="compare"),
    path("jamfor/data.<str:fmt>", views.compare_data, name="compare_data"),
    # Reporting (see indicators/views_reporting.py for the URL design).
    path(
        "rapportera/",
        include(
            [
                path("", views_reporting.landing, name="reporting_landing"),
                path("<int:year>/", views_reporting.report_year, name="reporting_year"),
                path(
                    "<int:year>/historik/<int:indicator_id>/",
                    views_reporting.value_history,
                    name="reporting_history",
                ),
                path("oversikt/<int:year>/", views_reporting.overview, name="reporting_overview"),
                path(
                    "oversikt/<int:year>/csv/",
                    views_reporting.overview_csv,
                    name="reporting_overview_csv",
                ),
            ]
        ),
    ),
    # A member's own key figures (see indicators/views_own.py).
    path(
        "egna-nyckeltal/",
        include(
            [
                path("", views_own.own_indicator_list, name="own_indicator_list"),
                path("nytt/", views_own.own_indicator_create, name="own_indicator_create"),
                path(
                    "kolada/", views_own.own_indicator_from_kolada, name="own_indicator_from_kolada"
                ),
                path("<int:pk>/", views_own.own_indicator_detail, name="own_indicator_detail"),
                path("<int:pk>/anvand/", views_own.own_indicator_adopt, name="own_indicator_adopt"),
                path("<int:pk>/mal/", views_own.own_indicator_target, name="own_indicator_target"),
                path(
                    "<int:pk>/avsluta/", views_own.own_indicator_retire, name="own_indicator_retire"
                ),
                path(
                    "<int:pk>/gor-gemensamt/",
                    views_own.own_indicator_promote,
                    name="own_indicator_promote",
                ),
            ]
        ),
    ),
]

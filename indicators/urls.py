from django.urls import path

from indicators import views

urlpatterns = [
    path("", views.home, name="home"),
    path("kommun/<str:code>/", views.member_detail, name="member_detail"),
]

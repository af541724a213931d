from django.urls import path

from conversations import views

urlpatterns = [
    path("fraga/<str:code>/<str:indicator>/", views.question_new, name="question_new"),
    path("fragor/<str:code>/paus/", views.question_pause, name="question_pause"),
    path("avregistrera/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("konto/sammanfattning/", views.digest, name="digest"),
]

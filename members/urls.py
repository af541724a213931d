from django.urls import path

from members import views

urlpatterns = [
    path("ansok/", views.application_create, name="membership_application"),
    path("ansok/tack/", views.application_receipt_view, name="membership_application_receipt"),
    path("medlemmar/", views.member_list_view, name="member_list"),
    path(
        "konto/aktivera/<uidb64>/<token>/",
        views.AccountActivateView.as_view(),
        name="account_activate",
    ),
]

from django.urls import path

from examples import feeds, views

urlpatterns = [
    path("goda-exempel/", views.bank, name="good_example_bank"),
    path("goda-exempel/feed/", feeds.GoodExampleFeed(), name="good_example_feed"),
    path("goda-exempel/nytt/", views.create, name="good_example_create"),
    path("goda-exempel/mina/", views.mine, name="good_example_mine"),
    path("goda-exempel/<int:pk>/", views.detail, name="good_example_detail"),
    path("goda-exempel/<int:pk>/andra/", views.edit, name="good_example_edit"),
    path(
        "goda-exempel/<int:pk>/bilaga/<int:attachment_pk>/",
        views.attachment,
        name="good_example_attachment",
    ),
]

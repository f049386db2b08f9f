from django.urls import path

from . import metrics, views

app_name = "comments"
urlpatterns = [
    path("articles/<str:slug>/comments/", views.post_comment, name="post"),
    path(
        "articles/<str:slug>/comments/latest",
        views.latest_number,
        name="latest",
    ),
    path("comments/<int:pk>/", views.permalink, name="permalink"),
    path("comments/<int:pk>/edit/", views.edit_comment, name="edit"),
    path("comments/<int:pk>/delete/", views.delete_comment, name="delete"),
    path("comments/<int:pk>/report/", views.report_comment, name="report"),
    path("comments/<int:pk>/appeal/", views.appeal_comment, name="appeal"),
    path("metrics", metrics.metrics, name="metrics"),
    path("comments/<int:pk>/respect/", views.respect_comment, name="respect"),
    path("users/<str:username>/ignore/", views.ignore_reader, name="ignore"),
]

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("accounts/signup/", views.SignUpView.as_view(), name="signup"),
    path("accounts/settings/", views.AccountView.as_view(), name="account"),
    path("accounts/delete/", views.delete_account, name="delete"),
    path("accounts/delete/cancel/", views.cancel_deletion, name="cancel_deletion"),
    path("accounts/export/", views.export_data, name="export"),
    path("users/<str:username>/", views.ProfileView.as_view(), name="profile"),
]

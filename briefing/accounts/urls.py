from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("accounts/signup/", views.SignUpView.as_view(), name="signup"),
    path("accounts/settings/", views.AccountView.as_view(), name="account"),
    path("users/<str:username>/", views.ProfileView.as_view(), name="profile"),
]

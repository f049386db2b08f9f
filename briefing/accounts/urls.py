from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from . import views

app_name = "accounts"
urlpatterns = [
    path("accounts/settings/", views.AccountView.as_view(), name="account"),
    path("accounts/delete/", views.delete_account, name="delete"),
    path("accounts/delete/cancel/", views.cancel_deletion, name="cancel_deletion"),
    path("accounts/export/", views.export_data, name="export"),
    path("users/<str:username>/", views.ProfileView.as_view(), name="profile"),
]

# allauth's pages, with the site's limits on the ones that need them; these
# keep allauth's names, so allauth's own redirects and templates find them.
allauth_overrides = [
    # "login" too: the discussion's "sign in" link and LOGIN_URL use it.
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/", views.SignInView.as_view(), name="account_login"),
    path("signup/", views.SignUpView.as_view(), name="account_signup"),
    path("logout/", views.sign_out, name="account_logout"),
    path("email/", views.EmailView.as_view(), name="account_email"),
    path(
        "password/reset/",
        views.PasswordResetView.as_view(),
        name="account_reset_password",
    ),
    # Django's own addresses for these, which bookmarks and old mails hold.
    path(
        "password_change/",
        RedirectView.as_view(url=reverse_lazy("account_change_password")),
    ),
    path(
        "password_reset/",
        RedirectView.as_view(url=reverse_lazy("account_reset_password")),
    ),
]

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import Attempt, User


class ReaderCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "display_name", "email"]


@admin.register(User)
class ReaderAdmin(UserAdmin):
    add_form = ReaderCreationForm
    list_display = ["username", "display_name", "email", "is_staff", "date_joined"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Profile"), {"fields": ["display_name", "email", "last_seen"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "display_name",
                    "email",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
    readonly_fields = ["last_seen", "last_login", "date_joined"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["action", "subject", "address", "created_at"]
    list_filter = ["action"]
    search_fields = ["subject", "address"]
    date_hierarchy = "created_at"

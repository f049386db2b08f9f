from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """For looking into what was sent to whom; notifications are made by the
    site, not by hand."""

    list_display = ["created_at", "recipient", "kind", "read_at", "mail_state"]
    list_filter = ["kind", "mail_state"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "text"]
    raw_id_fields = ["recipient", "actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

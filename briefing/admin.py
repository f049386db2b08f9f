from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "published_at", "comments_open", "premoderated"]
    list_filter = ["comments_open", "premoderated", "published_at"]
    search_fields = ["title", "lead", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    list_select_related = ["author"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body"]}),
        (
            _("Lead image"),
            {"fields": ["image", "image_alt", "image_caption", "photo_credits"]},
        ),
        (_("Publication"), {"fields": ["author", "published_at"]}),
        (
            _("Discussion"),
            {
                "fields": [
                    "comments_open",
                    "comments_auto_close",
                    "comments_close_at",
                    "premoderated",
                ]
            },
        ),
    ]
    view_on_site = True

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data and obj.image:
            obj.make_image_renditions()

    def get_changeform_initial_data(self, request):
        return {
            "author": request.user.pk,
            **super().get_changeform_initial_data(request),
        }

"""Moderator notes on readers, written and read by the Moderators group.

Notes are kept as they were written: moderators add and view them, and
change or delete none.
"""

import django.db.models.deletion
import django.utils.timezone
from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

CODENAMES = ["view_moderatornote", "add_moderatornote"]


def grant_moderators(apps, schema_editor):
    # On a fresh database the permissions are only created after all
    # migrations ran (post_migrate): create this app's now.
    alias = schema_editor.connection.alias
    create_permissions(
        global_apps.get_app_config("comments"), apps=apps, verbosity=0, using=alias
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(alias).filter(
        content_type__app_label="comments", codename__in=CODENAMES
    )
    if len(permissions) != len(CODENAMES):
        raise RuntimeError("Moderator note permissions missing")
    Group.objects.using(alias).get(name="Moderators").permissions.add(*permissions)


def revoke_moderators(apps, schema_editor):
    alias = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.using(alias).get(name="Moderators").permissions.remove(
        *Permission.objects.using(alias).filter(
            content_type__app_label="comments", codename__in=CODENAMES
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0018_article_visit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ModeratorNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("text", models.TextField(max_length=1000)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now),
                ),
                (
                    "author",
                    models.ForeignKey(
                        help_text="The moderator who wrote it.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "reader",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="moderator_notes",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["reader", "created_at"], name="note_by_reader"
                    )
                ],
            },
        ),
        migrations.RunPython(grant_moderators, revoke_moderators),
    ]

"""Article discussions: the switches of an article's discussion, for moderators.

A proxy of briefing.Article with permissions of its own, given to the
Moderators group: they close, reopen or premoderate a discussion without
any right on the article itself.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_articlediscussion", "change_articlediscussion"]


def grant_moderators(apps, schema_editor):
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
        raise RuntimeError("Article discussion permissions missing")
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
        ("briefing", "0001_initial"),
        ("comments", "0004_body_trigram_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleDiscussion",
            fields=[],
            options={
                "verbose_name": "article discussion",
                "verbose_name_plural": "article discussions",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("briefing.article",),
        ),
        migrations.RunPython(grant_moderators, revoke_moderators),
    ]

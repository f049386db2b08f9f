"""The Editors group: articles in the admin, nothing else."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
CODENAMES = ["add_article", "change_article", "delete_article", "view_article"]


def create_editors(apps, schema_editor):
    # On a fresh database the permissions are only created after all
    # migrations ran (post_migrate): create this app's now.
    create_permissions(
        global_apps.get_app_config("briefing"),
        apps=apps,
        verbosity=0,
        using=schema_editor.connection.alias,
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(schema_editor.connection.alias).get_or_create(
        name=EDITORS
    )
    permissions = Permission.objects.using(schema_editor.connection.alias).filter(
        content_type__app_label="briefing", codename__in=CODENAMES
    )
    if len(permissions) != len(CODENAMES):
        raise RuntimeError("Article permissions missing for Editors")
    group.permissions.set(permissions)


def remove_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("briefing", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]

"""The Moderators group: the discussion's admin, and nothing else.

Least privilege: no articles, no users, no groups or permissions, so a
moderator can neither publish nor take over an account.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATORS = "Moderators"

PERMISSIONS = {
    "comment": ["view", "change", "can_moderate"],
    "commentrevision": ["view"],
    "moderationevent": ["view"],
    "report": ["view", "change", "delete"],
    "word": ["view", "add", "change", "delete"],
    "sanction": ["view", "add", "change"],
    "moderationsettings": ["view", "change"],
}


def codenames():
    for model, actions in PERMISSIONS.items():
        for action in actions:
            yield action if action.startswith("can_") else f"{action}_{model}"


def create_moderators(apps, schema_editor):
    # On a fresh database the permissions are only created after all
    # migrations ran (post_migrate): create this app's now.
    create_permissions(
        global_apps.get_app_config("comments"),
        apps=apps,
        verbosity=0,
        using=schema_editor.connection.alias,
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(schema_editor.connection.alias).get_or_create(
        name=MODERATORS
    )
    wanted = list(codenames())
    permissions = Permission.objects.using(schema_editor.connection.alias).filter(
        content_type__app_label="comments", codename__in=wanted
    )
    missing = set(wanted) - {permission.codename for permission in permissions}
    if missing:
        raise RuntimeError(f"Permissions missing for Moderators: {sorted(missing)}")
    group.permissions.set(permissions)


def remove_moderators(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(
        name=MODERATORS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators, remove_moderators)]

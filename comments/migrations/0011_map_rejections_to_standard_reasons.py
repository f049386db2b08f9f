"""Rejections made before standard reasons existed: a moderator's becomes
"other" (its note says why); a rule's keeps no standard reason, since the
rule names its own."""

from django.db import migrations


def map_rejections(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    Comment.objects.filter(status="rejected", rule="", removal_reason="").update(
        removal_reason="other"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0010_rule_account_erased"),
    ]

    operations = [
        migrations.RunPython(map_rejections, migrations.RunPython.noop),
    ]

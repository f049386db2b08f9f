"""Readers who signed up before allauth keep their address: each becomes
allauth's primary, unverified EmailAddress (verified by the next link they
ask for; the demo readers are verified by load_demo)."""

from django.db import migrations


def create_email_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email.lower(), primary=True, verified=False)
            for pk, email in User.objects.exclude(email="")
            .filter(emailaddress__isnull=True)
            .values_list("pk", "email")
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_attempt"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.RunPython(create_email_addresses, migrations.RunPython.noop),
    ]

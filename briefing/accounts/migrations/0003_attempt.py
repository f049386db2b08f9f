"""Failed sign-ins become attempts of any limited action, counted the same way."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_username_any_script"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="failedsignin", name="accounts_fa_usernam_60fb13_idx"
        ),
        migrations.RemoveIndex(
            model_name="failedsignin", name="accounts_fa_address_873e2e_idx"
        ),
        migrations.RenameModel(old_name="FailedSignIn", new_name="Attempt"),
        migrations.RenameField(
            model_name="attempt", old_name="username_key", new_name="subject"
        ),
        migrations.AlterField(
            model_name="attempt",
            name="subject",
            field=models.CharField(blank=True, max_length=254),
        ),
        migrations.AddField(
            model_name="attempt",
            name="action",
            field=models.CharField(
                choices=[
                    ("sign_in", "sign-in"),
                    ("sign_up", "sign-up"),
                    ("password_reset", "password reset"),
                    ("verification_mail", "verification mail"),
                    ("two_factor", "two-factor code"),
                ],
                default="sign_in",
                max_length=20,
            ),
        ),
        migrations.AddIndex(
            model_name="attempt",
            index=models.Index(
                fields=["action", "subject", "created_at"],
                name="accounts_attempt_subject",
            ),
        ),
        migrations.AddIndex(
            model_name="attempt",
            index=models.Index(
                fields=["action", "address", "created_at"],
                name="accounts_attempt_address",
            ),
        ),
    ]

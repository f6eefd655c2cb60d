from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

# Every page view writes an access-log row: a plain CREATE INDEX would hold those writes (and with them
# every page) until the index over millions of rows is built. Built concurrently, outside a transaction.


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("hagen_zuhause", "0007_job_runs"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accesslog",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "viewed"),
                    ("view_list", "viewed a list"),
                    ("view_restricted", "viewed restricted data"),
                    ("export", "exported"),
                    ("download", "downloaded"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
        AddIndexConcurrently(
            model_name="accesslog",
            index=models.Index(fields=["organisation", "user", "-at"], name="accesslog_org_user_at"),
        ),
        AddIndexConcurrently(
            model_name="accesslog",
            index=models.Index(fields=["organisation", "action", "-at"], name="accesslog_org_action_at"),
        ),
        AddIndexConcurrently(
            model_name="accesslog",
            index=models.Index(
                fields=["organisation", "object_type", "object_id", "-at"], name="accesslog_org_record_at"
            ),
        ),
    ]

from django.db import migrations

# The history pages filter events by their context's organisation and user (JSON keys of pghistory's
# context table) while walking each event table newest first. Without statistics on these two
# expressions PostgreSQL guesses that 0.5 % of the contexts match each of them, so it read all the
# contexts of a user before sorting instead of stopping after the page's events (audit page filtered
# by a user at a million events: 650 ms → 80 ms). Statistics only: nothing to maintain on writes;
# ANALYZE fills them at once instead of at autovacuum's next visit.
STATISTICS = "pghistory_context_organisation_user"


class Migration(migrations.Migration):
    dependencies = [
        ("hagen_zuhause", "0003_event_created_at_index"),
        ("pghistory", "0007_auto_20250421_0444"),
    ]

    operations = [
        migrations.RunSQL(
            [
                f"CREATE STATISTICS {STATISTICS} ON (metadata -> 'organisation'), (metadata -> 'user') "
                "FROM pghistory_context",
                "ANALYZE pghistory_context",
            ],
            reverse_sql=f"DROP STATISTICS {STATISTICS}",
        ),
    ]

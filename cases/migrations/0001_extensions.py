"""PostgreSQL extensions used by cases: trigram search (pg_trgm), exclusion constraints on
ranges with equality (btree_gist), accent folding (unaccent)."""

from django.contrib.postgres.operations import BtreeGistExtension, TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = []

    operations = [TrigramExtension(), BtreeGistExtension(), UnaccentExtension()]

import hagen_zuhause.functions
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0002_clients_and_case_work'),
        ('hagen_zuhause', '0002_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # unaccent() is only STABLE (its dictionary could change); the wrapper pins the dictionary,
        # so the German sort key of names can be indexed.
        migrations.RunSQL(
            sql="""
                CREATE OR REPLACE FUNCTION hz_unaccent(text) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
                AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
            """,
            reverse_sql="DROP FUNCTION IF EXISTS hz_unaccent(text);",
        ),
        migrations.AddIndex(
            model_name='client',
            index=models.Index(models.F('organisation'), hagen_zuhause.functions.NameKey('last_name'), hagen_zuhause.functions.NameKey('first_name'), models.F('id'), name='client_org_sort_key'),
        ),
    ]

from django.db import migrations

# The permission names of a user, as Django names them ("app_label.codename"): the user's own and those of
# the user's groups (roles). Read with the request's user (hagen_zuhause.backends): as a PL/pgSQL function
# the statement's plan is kept for the connection, and the user's query is planned without its six joins
# (planning them took three times as long as running them, on every request).
PERMISSION_NAMES = """
CREATE OR REPLACE FUNCTION hz_permission_names(p_user bigint) RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $function$
BEGIN
    RETURN ARRAY(
        SELECT content_type.app_label || '.' || permission.codename
        FROM auth_permission AS permission
        JOIN django_content_type AS content_type ON content_type.id = permission.content_type_id
        WHERE permission.id IN (
            SELECT given.permission_id FROM hagen_zuhause_user_user_permissions AS given
            WHERE given.user_id = p_user
            UNION ALL
            SELECT granted.permission_id FROM auth_group_permissions AS granted
            JOIN hagen_zuhause_usergroup AS membership ON membership.group_id = granted.group_id
            WHERE membership.user_id = p_user
        )
    );
END
$function$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("hagen_zuhause", "0014_municipality_key_help_text"),
    ]

    operations = [
        migrations.RunSQL(sql=PERMISSION_NAMES, reverse_sql="DROP FUNCTION IF EXISTS hz_permission_names(bigint);"),
    ]

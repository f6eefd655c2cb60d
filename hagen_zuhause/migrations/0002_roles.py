"""Create the three role groups. Their permissions are set after every migrate
(hagen_zuhause.roles.sync_role_permissions), so models added later are covered."""

from django.db import migrations

ROLE_NAMES = ["Sozialarbeit", "Teamleitung", "Verwaltung"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_NAMES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hagen_zuhause", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

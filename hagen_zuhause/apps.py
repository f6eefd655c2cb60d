from django.apps import AppConfig, apps
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles_after_last_app(app_config, using="default", verbosity=0, **kwargs):
    """After the last app migrated, give the role groups their permissions."""
    from django.contrib.auth.management import create_permissions

    from hagen_zuhause.roles import sync_role_permissions

    # post_migrate is sent once per app that has a models module, in INSTALLED_APPS order.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is not with_models[-1]:
        return
    # Our handler may run before auth's for this app: make sure every permission exists.
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    sync_role_permissions()


class HagenZuhauseConfig(AppConfig):
    name = "hagen_zuhause"
    verbose_name = _("Organisation and access")

    def ready(self):
        from hagen_zuhause.database import secure_after_migrate
        from hagen_zuhause.notices import remember_notices_at_login
        from hagen_zuhause.second_factor.session import remember_login

        post_migrate.connect(_sync_roles_after_last_app, dispatch_uid="hagen_zuhause_sync_roles")
        post_migrate.connect(secure_after_migrate, dispatch_uid="hagen_zuhause_secure_database")
        user_logged_in.connect(remember_login, dispatch_uid="hagen_zuhause_second_factor_login")
        user_logged_in.connect(remember_notices_at_login, dispatch_uid="hagen_zuhause_access_notices")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Clients and case work")

    def install_database_functions(self, connection, application_role):
        """Called by ``hagen_zuhause.database.secure_database`` as the owning role after every migrate."""
        from cases.services.retention import install_history_function

        install_history_function(connection, application_role)

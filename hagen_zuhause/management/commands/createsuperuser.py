"""Django's ``createsuperuser``, recorded in the history as the ``system`` actor like every command.

A platform superuser belongs to no organisation (a database constraint): it runs the installation,
creates organisations and grants the first Teamleitung of each, and sees no personal data.
"""

from django.contrib.auth.management.commands import createsuperuser

from hagen_zuhause.audit import system_context


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        with system_context("createsuperuser"):
            return super().handle(*args, **options)

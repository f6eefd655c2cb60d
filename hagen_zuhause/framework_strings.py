"""Django's own texts that its German catalogue leaves in English or words clumsily.

Listed here so that ``makemessages`` copies them into the project's catalogue, whose translations
win over Django's (``LOCALE_PATHS``). Nothing imports this module; the msgids must match Django's
exactly, typographic apostrophes included.
"""

from django.utils.translation import gettext_noop

FRAMEWORK_STRINGS = (
    # django.contrib.admin: untranslated
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("This action will <strong>enable</strong> password-based authentication for this user."),
    gettext_noop("Disable password-based authentication"),
    gettext_noop("Enable password-based authentication"),
    gettext_noop("In case you’ve forgotten, you are:"),
    # django.contrib.auth: untranslated
    gettext_noop("Conflicting form data submitted. Please try again."),
    gettext_noop("Password-based authentication was disabled."),
    gettext_noop("Set password: %s"),
    gettext_noop("Reset password"),
    gettext_noop("Set password"),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. If disabled, they may still "
        "be able to authenticate using other backends, such as Single Sign-On or LDAP."
    ),
    gettext_noop("Password-based authentication"),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop("Enable password-based authentication for this user by setting a password."),
    # django.contrib.auth: password rules in clumsy German
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    # django.forms: untranslated
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
)

"""Typed reading of environment variables with errors that name the variable."""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

_REQUIRED = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Config:
    """Reads settings from ``os.environ``; a missing required or malformed value raises."""

    def __init__(self, environ_mapping=None):
        self.environ = os.environ if environ_mapping is None else environ_mapping

    def _raw(self, name, default):
        value = self.environ.get(name)
        if value is None or value == "":
            if default is _REQUIRED:
                raise ImproperlyConfigured(f"The environment variable {name} is not set (see README, Configuration).")
            return None
        return value.strip()

    def str(self, name, default=_REQUIRED):
        value = self._raw(name, default)
        return default if value is None else value

    def bool(self, name, default=_REQUIRED):
        value = self._raw(name, default)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name}={value!r} is not a yes/no value: use true or false.")

    def int(self, name, default=_REQUIRED):
        value = self._raw(name, default)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
        if number < 0:
            raise ImproperlyConfigured(f"{name}={value!r} must not be negative.")
        return number

    def list(self, name, default=_REQUIRED):
        value = self._raw(name, _REQUIRED if default is None else default)
        if value is None:
            return default
        items = [item.strip() for item in value.split(",") if item.strip()]
        if not items:
            raise ImproperlyConfigured(f"{name} is empty: give a comma-separated list.")
        return items

    def path(self, name, default=_REQUIRED):
        value = self._raw(name, default)
        return Path(default) if value is None else Path(value)

    def database(self, name):
        value = self._raw(name, _REQUIRED)
        try:
            parsed = environ.Env.db_url_config(value)
        except Exception as error:  # django-environ raises several kinds
            raise ImproperlyConfigured(f"{name} is not a database URL ({type(error).__name__}).") from None
        if parsed.get("ENGINE") != "django.db.backends.postgresql":
            raise ImproperlyConfigured(f"{name} must point at PostgreSQL (postgres://…), version 15 or newer.")
        return parsed

    def email(self, name):
        """Django's EMAIL_* settings from an SMTP URL, or {} when the variable is unset or empty.

        ``smtp://user:password@host:587`` (port 587 uses STARTTLS), ``smtp+tls://…`` (STARTTLS),
        ``smtps://…:465`` (TLS from the start). Special characters in the password are percent-encoded.
        """
        value = self._raw(name, "")
        if not value:
            return {}
        try:
            parsed = environ.Env.email_url_config(value)
        except Exception as error:  # django-environ raises several kinds
            raise ImproperlyConfigured(f"{name} is not an SMTP URL ({type(error).__name__}).") from None
        if parsed.get("EMAIL_BACKEND") != "django.core.mail.backends.smtp.EmailBackend" or not parsed.get("EMAIL_HOST"):
            raise ImproperlyConfigured(f"{name} must be an SMTP URL with a host: smtp://user:password@host:587.")
        if parsed.get("EMAIL_PORT") == 587 and not parsed.get("EMAIL_USE_SSL"):
            parsed["EMAIL_USE_TLS"] = True
        parsed.pop("EMAIL_FILE_PATH", None)
        return {key: value for key, value in parsed.items() if value is not None}

"""Settings for the test suite: production settings with test-only conveniences."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-any-real-installation-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_DEMO_DATA", "true")

from hagen_zuhause.settings import *  # noqa: F403
from hagen_zuhause.settings import BASE_DIR, DATABASE_OWNER, DATABASES, STORAGES

# The tests run as a role that owns nothing, as the application does in production. Without
# DATABASE_OWNER_URL, the role of DATABASE_URL owns the test databases and creates this one for the
# tests to connect with (conftest.py); it needs CREATEROLE (or is a superuser) for that.
TEST_APPLICATION_ROLE = "hagen_zuhause_test_app"
CREATE_TEST_APPLICATION_ROLE = DATABASE_OWNER is None
if CREATE_TEST_APPLICATION_ROLE:
    DATABASE_OWNER = {**DATABASES["default"], "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {}))}
    DATABASES["default"].update(USER=TEST_APPLICATION_ROLE, PASSWORD=TEST_APPLICATION_ROLE)

# Manifest storage needs collectstatic; the tests serve static files as they are.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-private"
SECURE_HSTS_SECONDS = 0

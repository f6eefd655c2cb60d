"""Settings of hagen_zuhause, read from the environment only.

Every value an operator may set is listed in the README's configuration table.
A missing or malformed value stops the start with a message that names it.
Development values are set by ``make run`` and ``make test``, never here.
"""

from datetime import timedelta
from pathlib import Path

import pghistory
from django.utils.module_loading import import_string

from hagen_zuhause.config import Config

BASE_DIR = Path(__file__).resolve().parent.parent
config = Config()

DEBUG = config.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = config.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = config.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else None)
CSRF_TRUSTED_ORIGINS = config.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
DATABASES = {"default": config.database("DATABASE_URL")}
# The role that owns the tables: migrate, restore and the retention's history redaction use it; the
# application's role (DATABASE_URL) owns nothing (hagen_zuhause/database.py, README "Database roles").
DATABASE_OWNER = config.database("DATABASE_OWNER_URL") if config.str("DATABASE_OWNER_URL", default="") else None
if DATABASE_OWNER is not None:
    DATABASE_OWNER.setdefault("OPTIONS", {})
DATABASES["default"]["CONN_MAX_AGE"] = config.int("DJANGO_DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's JIT compiles large report queries for about a second before they run for less than that
# (measured at 100,000 clients); the app's queries are short, so it is switched off for its connections.
# The client search finds names from a word similarity of 0.6 (cases.duplicates.SEARCH_SIMILARITY, also
# pg_trgm's default): set here so that the server's configuration cannot change what a search finds.
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
_db_options["options"] = (
    f"{_db_options.get('options', '')} -c jit=off -c pg_trgm.word_similarity_threshold=0.6"
).strip()

# SMTP for the daily reminder digests (send_reminders); unset, no mail is sent and the command says so.
_email = config.email("DJANGO_EMAIL_URL")
globals().update(_email)
EMAIL_CONFIGURED = bool(_email)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = config.str("DJANGO_DEFAULT_FROM_EMAIL", default="zuhause@localhost")

INSTALLED_APPS = [
    "hagen_zuhause.apps.HagenZuhauseConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "pgtrigger",
    "pghistory",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "cases",
    "housing",
    "cooperation",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "hagen_zuhause.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hagen_zuhause.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hagen_zuhause.middleware.SessionActivityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hagen_zuhause.middleware.HtmxLoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hagen_zuhause.second_factor.middleware.SecondFactorMiddleware",
    "hagen_zuhause.middleware.HistoryContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "hagen_zuhause.middleware.NoStoreMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hagen_zuhause.urls"
WSGI_APPLICATION = "hagen_zuhause.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hagen_zuhause.context_processors.navigation",
            ],
        },
    },
]

# Django's form renderer with the commonest widgets written in Python (hagen_zuhause/form_renderer.py).
FORM_RENDERER = "hagen_zuhause.form_renderer.FormRenderer"

# --- Accounts and login -----------------------------------------------------------------
AUTH_USER_MODEL = "hagen_zuhause.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend reading the user with the organisation, the role and the permissions in one query.
    "hagen_zuhause.backends.UserBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# At least 12 characters and not a common password; no composition rules, no expiry
# (BSI IT-Grundschutz ORP.4.A22 and NIST SP 800-63B).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Five failed attempts lock the pair of user name and address for 15 minutes.
AXES_FAILURE_LIMIT = config.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=config.int("DJANGO_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Records of logins and failed logins (user name, address) are removed after this many days
# by the scheduled job cleanup_login_attempts.
LOGIN_ATTEMPTS_KEPT_DAYS = config.int("DJANGO_LOGIN_ATTEMPTS_KEPT_DAYS", default=90)
# Behind a load balancer the client address comes from X-Forwarded-For: set the number of
# proxies in front of the application so that it cannot be spoofed.
# The same count lets the app take the proxy's X-Request-ID (hagen_zuhause.middleware.RequestIdMiddleware).
TRUSTED_PROXY_COUNT = config.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# --- Second factor (README "Second factor"; docs/decisions.md) ----------------------------
# Organisations require it by their setting; platform superusers always, except in development.
SECOND_FACTOR_REQUIRED_FOR_SUPERUSERS = not DEBUG
# Wrong codes at the second step lock it like a wrong password locks the login: after as many
# failures in a row, for as long. django-otp's growing delay (1, 2, 4, 8 s) applies before that.
SECOND_FACTOR_FAILURE_LIMIT = AXES_FAILURE_LIMIT
SECOND_FACTOR_LOCK_TIME = AXES_COOLOFF_TIME
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The account's label in authenticator apps: django-otp calls a callable with the device.
OTP_TOTP_ISSUER = lambda device: import_string("hagen_zuhause.second_factor.services.totp_issuer")(device)  # noqa: E731
# Passkeys are a second factor after the password, never a login of their own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = "ZUHAUSE"
# The relying party is the host the browser talks to (checked against ALLOWED_HOSTS), and so is the
# expected origin: one installation answers under its own name, a test server under localhost.
OTP_WEBAUTHN_RP_ID_CALLABLE = "hagen_zuhause.second_factor.passkeys.relying_party_id"
OTP_WEBAUTHN_HELPER_CLASS = "hagen_zuhause.second_factor.passkeys.PasskeyHelper"
# otp_webauthn.E030 wants a fixed list of origins; PasskeyHelper takes the request's own origin instead.
SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E030"]

# Sessions live in the database and end after a period without activity. The session table records
# each session's user, so that taking access away ends that user's sessions at once.
SESSION_ENGINE = "hagen_zuhause.sessions"
SESSION_IDLE_MINUTES = config.int("DJANGO_SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Sliding expiry without a write per request: hagen_zuhause.middleware.SessionActivityMiddleware.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security headers -------------------------------------------------------------------
SECURE_SSL_REDIRECT = config.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
if config.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = config.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = config.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = config.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = config.bool("DJANGO_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Everything comes from this server: no inline scripts, no third parties.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Language and time ------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "hagen_zuhause" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = config.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "var" / "static")
# Uploaded documents are personal data: kept outside every public folder and served
# only through permission-checked views. MEDIA_URL is deliberately not routed.
MEDIA_ROOT = config.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Backups (manage.py backup): an OpenPGP public key file to encrypt them to, and where the PostgreSQL
# client programs of the server's version are when they are not in Debian's or the embedded server's place.
BACKUP_ENCRYPTION_KEY = config.str("DJANGO_BACKUP_ENCRYPTION_KEY", default=None)
POSTGRES_BIN_DIR = config.str("DJANGO_POSTGRES_BIN_DIR", default=None)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Forms ------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- History ----------------------------------------------------------------------------
# Reads open no history context: only writes are grouped per request.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
PGHISTORY_APPEND_ONLY = True
# Event tables with pgh_created_at indexed: the history pages read the newest events first.
PGHISTORY_BASE_MODEL = "hagen_zuhause.history.Event"
PGHISTORY_DEFAULT_TRACKERS = (
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
)

# --- Demo data --------------------------------------------------------------------------
# seed_demo refuses to run unless this is on (it is on with DJANGO_DEBUG).
DEMO_DATA_ALLOWED = config.bool("DJANGO_DEMO_DATA", default=DEBUG)

# --- Logging ----------------------------------------------------------------------------
# One JSON object per line on stdout (hagen_zuhause.logs): request id, user and organisation ids,
# the path without its query string. Names and form values never reach a log line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "hagen_zuhause.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
    },
    "root": {"handlers": ["console"], "level": config.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # runserver's own line quotes the query string; hagen_zuhause.request logs every request instead.
        "django.server": {"handlers": [], "propagate": False},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

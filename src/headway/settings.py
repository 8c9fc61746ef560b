"""Headway settings, read from the environment.

HEADWAY_DATABASE_URL   database URL (default: SQLite file var/headway.sqlite3 under the working directory)
HEADWAY_SECRET_KEY     secret key (required when HEADWAY_DEBUG is off)
HEADWAY_DEBUG          "1"/"true" to turn debug on (default off)
HEADWAY_ALLOWED_HOSTS  comma-separated host names (default: localhost,127.0.0.1)
HEADWAY_VAR_DIR        where the SQLite file and uploads live (default: ./var)

Serving for real (HEADWAY_HTTPS, sessions, sign-in throttling, logs, static files): docs/deploy.md; every
setting is in the README's "Settings (environment)" table.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("HEADWAY_VAR_DIR", Path.cwd() / "var")).resolve()


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_flag("HEADWAY_DEBUG")
DEVELOPMENT_SECRET_KEY = "headway-insecure-development-key-set-HEADWAY_SECRET_KEY-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("HEADWAY_SECRET_KEY", "").strip()
if not DEBUG and SECRET_KEY in {"", DEVELOPMENT_SECRET_KEY}:
    # Anyone can read the development key in the source, and with it forge sessions and password-reset links.
    raise ImproperlyConfigured(
        "HEADWAY_SECRET_KEY must be set (to a long random string) when HEADWAY_DEBUG is off; "
        "for development on your own machine set HEADWAY_DEBUG=1 instead (scripts/demo does)."
    )
SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("HEADWAY_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    # Django's admin, with a site that writes every change made through it to the audit trail.
    "headway.admin_site.HeadwayAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "headway.accounts",
    "headway.schools",
    "headway.inspections",
    "headway.imports",
    "headway.performance",
    "headway.risk",
    "headway.strategy",
    "headway.visits",
    "headway.concerns",
    "headway.support",
    "headway.cpd",
    "headway.governance",
    "headway.earlyyears",
    "headway.meetings",
    "headway.demo",
    "headway.home",
    "rest_framework",
    "drf_spectacular",
    "headway.api",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # /healthz answers first: no host check, no HTTPS redirect, no session (load balancers ask it over HTTP).
    "headway.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "headway.security.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "headway.urls"
WSGI_APPLICATION = "headway.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "headway.accounts.context_processors.access",
                "headway.accounts.navigation.navigation",
                "headway.visits.notifications.notices_context",
            ],
        },
    },
]

_default_database_url = f"sqlite:///{VAR_DIR / 'headway.sqlite3'}"
DATABASE_URL = os.environ.get("HEADWAY_DATABASE_URL", "").strip() or _default_database_url
if DATABASE_URL.startswith("sqlite"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL: readers never wait for a writer (an import) nor a writer for readers; synchronous=NORMAL is safe in
    # WAL mode. IMMEDIATE: a write transaction takes the write lock when it begins, so two writers queue (for up
    # to ``timeout`` seconds) instead of failing with "database is locked" halfway (see docs/imports.md).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        # WAL itself is switched on once per database file by headway.imports.sqlite_wal (a connection that
        # found the file busy would fail here with "database is locked"); synchronous is per connection.
        "init_command": "PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Static files are served by WhiteNoise, under gunicorn as under the development server. With
# HEADWAY_STATIC_ROOT set (the Docker image sets it), `headway collectstatic` has copied them there,
# compressed and with a hash in each name, and they are served with a year's caching; without it they are
# served straight from the package (the demo, the tests, a quick `gunicorn headway.wsgi`).
_static_root = os.environ.get("HEADWAY_STATIC_ROOT", "").strip()
STATIC_ROOT = Path(_static_root).resolve() if _static_root else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _static_root
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not _static_root
MEDIA_ROOT = VAR_DIR / "uploads"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
#: The largest file the Imports page accepts (HEADWAY_MAX_UPLOAD_MB, default 500 MB); larger ones are refused.
HEADWAY_MAX_UPLOAD_BYTES = int(float(os.environ.get("HEADWAY_MAX_UPLOAD_MB", "500")) * 1024 * 1024)
#: Whether a large import commits each batch it writes (HEADWAY_IMPORT_COMMIT_EACH_BATCH=1/0); unset: on SQLite
#: only, whose one write lock would otherwise keep every other user's save waiting for the whole file.
HEADWAY_IMPORT_COMMIT_EACH_BATCH: bool | None = (
    _env_flag("HEADWAY_IMPORT_COMMIT_EACH_BATCH") if os.environ.get("HEADWAY_IMPORT_COMMIT_EACH_BATCH") else None
)

# Background work (imports from the Imports page, partnership proposals, model training) runs as django-tasks
# tasks stored in the database and run by `headway db_worker` (see headway.background).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# A signed-in session lasts a working day from sign-in (HEADWAY_SESSION_HOURS, default 8), then the
# person signs in again.
SESSION_COOKIE_AGE = int(float(os.environ.get("HEADWAY_SESSION_HOURS", "") or "8") * 3600)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Served over HTTPS (HEADWAY_HTTPS=1, normally behind a proxy that ends TLS and sets X-Forwarded-Proto):
# cookies only over HTTPS, plain HTTP redirected, and browsers told to use HTTPS only (HSTS) for a year.
HTTPS = _env_flag("HEADWAY_HTTPS")
SESSION_COOKIE_SECURE = HTTPS or _env_flag("HEADWAY_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("HEADWAY_HSTS_SECONDS", "") or str(365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("HEADWAY_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = _env_flag("HEADWAY_HSTS_PRELOAD", default=True)
CSRF_TRUSTED_ORIGINS = [
    origin.strip() for origin in os.environ.get("HEADWAY_CSRF_TRUSTED_ORIGINS", "").split(",") if origin.strip()
]

# Content-Security-Policy (django-csp): scripts, styles, images and forms from Headway itself only; the two
# inline scripts in base.html carry the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Sign-in throttling (django-axes): after HEADWAY_SIGN_IN_ATTEMPTS wrong passwords (default 5) for one
# user name from one address, sign-in for that name from that address is refused for
# HEADWAY_LOCKOUT_MINUTES (default 60), even with the right password. `headway axes_reset_username NAME`
# lifts it sooner. Behind a proxy, HEADWAY_PROXY_COUNT (default 0) says how many proxies add themselves to
# X-Forwarded-For, so that the address is the person's, not the proxy's.
AXES_FAILURE_LIMIT = int(os.environ.get("HEADWAY_SIGN_IN_ATTEMPTS", "") or "5")
AXES_COOLOFF_TIME = dt.timedelta(minutes=float(os.environ.get("HEADWAY_LOCKOUT_MINUTES", "") or "60"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "headway.accounts.lockout.locked_out"
# Single sign-on's answers are not password guesses (and carry no user name): never counted.
AXES_WHITELIST_CALLABLE = "headway.accounts.single_sign_on.exempt_from_lockout"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
HEADWAY_PROXY_COUNT = int(os.environ.get("HEADWAY_PROXY_COUNT", "") or "0")
AXES_CLIENT_IP_CALLABLE = "headway.accounts.lockout.client_address"

# Logs go to standard error; HEADWAY_LOG_FORMAT=json writes one JSON object a line (for a log collector).
LOG_FORMAT = os.environ.get("HEADWAY_LOG_FORMAT", "").strip().lower() or "text"
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"HEADWAY_LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "headway": {"level": os.environ.get("HEADWAY_LOG_LEVEL", "INFO")},
        # Django's own errors (a request that failed, a refused host) through the same handler.
        "django": {"level": "INFO"},
    },
}

# E-mail: Django's SMTP backend when HEADWAY_EMAIL_HOST is set, else the console (the demo prints e-mails).
EMAIL_HOST = os.environ.get("HEADWAY_EMAIL_HOST", "").strip() or "localhost"
EMAIL_BACKEND = os.environ.get("HEADWAY_EMAIL_BACKEND", "").strip() or (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("HEADWAY_EMAIL_HOST", "").strip()
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("HEADWAY_EMAIL_PORT", "") or "25")
EMAIL_HOST_USER = os.environ.get("HEADWAY_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("HEADWAY_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_flag("HEADWAY_EMAIL_USE_TLS")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = (
    os.environ.get("HEADWAY_EMAIL_FROM", "").strip()
    or os.environ.get("HEADWAY_FROM_EMAIL", "").strip()
    or "headway@localhost"
)
# The address links in e-mails start with.
HEADWAY_SITE_URL = os.environ.get("HEADWAY_SITE_URL", "").strip() or "http://127.0.0.1:8000"

# Single sign-on with the organisation's account (OpenID Connect: Microsoft Entra ID, Google Workspace or any
# provider), on when HEADWAY_OIDC_CLIENT_ID is set; every HEADWAY_OIDC_* variable is read by
# headway.accounts.single_sign_on when someone signs in (see docs/deploy.md, "Single sign-on"). Local sign-in with a
# password stays on unless HEADWAY_LOCAL_SIGN_IN=0.
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out user name is refused before its password is even checked (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "headway.accounts.single_sign_on.SingleSignOnBackend",
]
HEADWAY_SINGLE_SIGN_ON: dict[str, str] | None = (
    {
        name.removeprefix("HEADWAY_OIDC_").lower(): value
        for name, value in os.environ.items()
        if name.startswith("HEADWAY_OIDC_")
    }
    if os.environ.get("HEADWAY_OIDC_CLIENT_ID", "").strip()
    else None
)
HEADWAY_LOCAL_SIGN_IN = _env_flag("HEADWAY_LOCAL_SIGN_IN", default=True)

# The read API for BI tools (headway.api, docs/api.md): per-user tokens or the signed-in session, read-only,
# paginated, with an OpenAPI schema (`headway spectacular --file schema.yml`).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "headway.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["headway.api.permissions.MayUseApi"],
    "DEFAULT_PAGINATION_CLASS": "headway.api.pagination.Pages",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "headway.api.schema.HeadwaySchema",
    # JSON only: the API is for BI tools. DRF's browsable pages are not Headway's (not GOV.UK, not accessible,
    # they show the username); a browser opening an API address is given the JSON.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Headway read API",
    "DESCRIPTION": "Read-only data for BI tools: schools, inspections and standing, performance measures and LA "
    "figures, categories, visits, the register of schools causing concern (LA staff) and KPI tables. Every "
    "endpoint follows the same rules as Headway's pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["headway.api.permissions.MayUseApi"],
    "COMPONENT_SPLIT_REQUEST": True,
}

"""Headway settings, read from the environment.

HEADWAY_DATABASE_URL   database URL (default: SQLite file var/headway.sqlite3 under the working directory)
HEADWAY_SECRET_KEY     secret key (required when HEADWAY_DEBUG is off)
HEADWAY_DEBUG          "1"/"true" to turn debug on (default off)
HEADWAY_ALLOWED_HOSTS  comma-separated host names (default: localhost,127.0.0.1)
HEADWAY_VAR_DIR        where the SQLite file and uploads live (default: ./var)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("HEADWAY_VAR_DIR", Path.cwd() / "var")).resolve()


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_flag("HEADWAY_DEBUG")
SECRET_KEY = os.environ.get("HEADWAY_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and _env_flag("HEADWAY_REQUIRE_SECRET_KEY", default=False):
        raise ImproperlyConfigured("HEADWAY_SECRET_KEY must be set when HEADWAY_DEBUG is off.")
    SECRET_KEY = "headway-insecure-development-key-set-HEADWAY_SECRET_KEY-in-production"  # noqa: S105

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("HEADWAY_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "schools:list"
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
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "uploads"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and _env_flag("HEADWAY_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"headway": {"handlers": ["console"], "level": os.environ.get("HEADWAY_LOG_LEVEL", "INFO")}},
}

EMAIL_BACKEND = os.environ.get("HEADWAY_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("HEADWAY_FROM_EMAIL", "headway@localhost")

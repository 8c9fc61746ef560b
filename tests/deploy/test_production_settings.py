"""Headway's settings for a real server: refused without a secret key, `check --deploy` clean with production
settings, HTTPS hardening when HEADWAY_HTTPS=1. Each runs Headway in a child process with only the settings
given, as a server would start."""

from __future__ import annotations

import json
from pathlib import Path

from tests.deploy.helpers import PRODUCTION_KEY, environment, headway, python

DEVELOPMENT_KEY = "headway-insecure-development-key-set-HEADWAY_SECRET_KEY-in-production"
SETUP = "import django; django.setup(); from django.conf import settings; "
PRODUCTION = {
    "HEADWAY_DEBUG": "0",
    "HEADWAY_SECRET_KEY": PRODUCTION_KEY,
    "HEADWAY_HTTPS": "1",
    "HEADWAY_ALLOWED_HOSTS": "headway.example.gov.uk",
}


def test_with_debug_off_and_no_secret_key_headway_refuses_to_start(tmp_path: Path) -> None:
    for settings in ({}, {"HEADWAY_DEBUG": "0"}, {"HEADWAY_DEBUG": "0", "HEADWAY_SECRET_KEY": "  "}):
        started = python(SETUP + "print(settings.SECRET_KEY)", environment(tmp_path, **settings))
        assert started.returncode != 0, f"started with {settings}: {started.stdout}"
        assert "ImproperlyConfigured" in started.stderr and "HEADWAY_SECRET_KEY must be set" in started.stderr
        assert DEVELOPMENT_KEY not in started.stdout


def test_the_development_key_itself_is_refused_with_debug_off(tmp_path: Path) -> None:
    started = python(SETUP, environment(tmp_path, HEADWAY_SECRET_KEY=DEVELOPMENT_KEY))
    assert started.returncode != 0 and "HEADWAY_SECRET_KEY must be set" in started.stderr


def test_the_headway_command_refuses_too(tmp_path: Path) -> None:
    checked = headway("check", env=environment(tmp_path))
    assert checked.returncode != 0 and "HEADWAY_SECRET_KEY must be set" in checked.stderr


def test_with_debug_on_the_development_key_is_used(tmp_path: Path) -> None:
    started = python(SETUP + "print(settings.SECRET_KEY)", environment(tmp_path, HEADWAY_DEBUG="1"))
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == DEVELOPMENT_KEY


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    checked = headway("check", "--deploy", "--fail-level", "WARNING", env=environment(tmp_path, **PRODUCTION))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues (0 silenced)" in checked.stdout


def test_check_deploy_without_https_names_what_is_missing(tmp_path: Path) -> None:
    """Served over plain HTTP (a trial, or a proxy not yet set up) the check says what HTTPS would add."""
    settings = {**PRODUCTION, "HEADWAY_HTTPS": "0"}
    checked = headway("check", "--deploy", "--fail-level", "WARNING", env=environment(tmp_path, **settings))
    assert checked.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in checked.stderr, warning


def _settings(tmp_path: Path, names: list[str], **settings: str) -> dict[str, object]:
    code = SETUP + f"import json; print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    started = python(code, environment(tmp_path, **settings))
    assert started.returncode == 0, started.stderr
    values: dict[str, object] = json.loads(started.stdout)
    return values


def test_over_https_cookies_are_secure_http_is_redirected_and_browsers_told_to_keep_to_https(tmp_path: Path) -> None:
    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_REDIRECT_EXEMPT",
    ]
    https = _settings(tmp_path, names, **PRODUCTION)
    assert https["SESSION_COOKIE_SECURE"] is True and https["CSRF_COOKIE_SECURE"] is True
    assert https["SECURE_SSL_REDIRECT"] is True
    assert https["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600 and https["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert https["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert https["SECURE_REDIRECT_EXEMPT"] == [r"^healthz/?$"]

    plain = _settings(tmp_path, names, **{**PRODUCTION, "HEADWAY_HTTPS": "0"})
    assert plain["SESSION_COOKIE_SECURE"] is False and plain["SECURE_SSL_REDIRECT"] is False
    assert plain["SECURE_HSTS_SECONDS"] == 0


def test_a_session_lasts_a_working_day_unless_the_authority_says_otherwise(tmp_path: Path) -> None:
    assert _settings(tmp_path, ["SESSION_COOKIE_AGE"], **PRODUCTION)["SESSION_COOKIE_AGE"] == 8 * 3600
    longer = _settings(tmp_path, ["SESSION_COOKIE_AGE"], **PRODUCTION, HEADWAY_SESSION_HOURS="10")
    assert longer["SESSION_COOKIE_AGE"] == 10 * 3600

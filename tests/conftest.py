from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from headway.imports.services import ImportResult
from tests.helpers import DEMO_DATA, FIXTURES, load

# The tests run as the demo authority does: with its own configuration folder (Hampshire's categorisation
# policy, hampshire-2022, beside the shipped set). A test that needs another folder sets HEADWAY_CONFIG_DIR.
os.environ["HEADWAY_CONFIG_DIR"] = str(DEMO_DATA / "config")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Tests make many users; the production hasher is deliberately slow, so tests use a fast one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Background tasks run at once, in the request that hands them over (django-tasks' ImmediateBackend), and
    uploads are kept in a temporary folder. tests/imports/test_background*.py and the import pages' browser
    test use the real database queue and worker instead (tests/background.py)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def system_checks_as_they_were() -> Iterator[None]:
    """``headway`` commands run in-process (``cli.main``) leave the URL checks out of Django's check registry
    for the rest of the process, as a real command's process does; put them back after each test so that the
    next test sees every check."""
    from django.core.checks.registry import registry

    before = set(registry.registered_checks)
    yield
    registry.registered_checks |= before


@pytest.fixture
def hampshire_sample(db: None) -> ImportResult:
    result = load("gias", FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv")
    assert not result.rejected, result.errors
    return result

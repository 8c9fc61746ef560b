from __future__ import annotations

from typing import Any

import pytest

from headway.imports.services import ImportResult
from tests.helpers import FIXTURES, load


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Tests make many users; the production hasher is deliberately slow, so tests use a fast one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def hampshire_sample(db: None) -> ImportResult:
    result = load("gias", FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv")
    assert not result.rejected, result.errors
    return result

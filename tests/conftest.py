from __future__ import annotations

import pytest

from headway.imports.services import ImportResult
from tests.helpers import FIXTURES, load


@pytest.fixture
def hampshire_sample(db: None) -> ImportResult:
    result = load("gias", FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv")
    assert not result.rejected, result.errors
    return result

from __future__ import annotations

from pathlib import Path

import pytest

import headway.strategy
from headway.imports.registry import importer_for
from headway.imports.services import ImportResult, run_import
from headway.strategy.models import KpiSet
from headway.strategy.services import kpi_set_load
from tests.helpers import FIXTURES

KS4_2019 = FIXTURES / "strategy" / "valid" / "ks4_2019_provisional_la_england_and_barnet.csv"
BARNET_SET = Path(headway.strategy.__file__).parent / "kpi_sets" / "barnet-302.yaml"
INVALID = FIXTURES / "strategy" / "invalid"


@pytest.fixture
def ks4_2019(db: None) -> ImportResult:
    result = run_import(importer_for("performance", dataset="ks4", year=2019), KS4_2019, actor_name="test")
    assert not result.rejected, result.errors
    return result


@pytest.fixture
def barnet_kpis(db: None) -> KpiSet:
    return kpi_set_load(path=BARNET_SET, actor_name="test").kpi_set

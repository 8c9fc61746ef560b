from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps

from headway.imports.registry import importer_for
from headway.imports.services import ImportResult, run_import

FIXTURES = Path(__file__).parent / "fixtures"
DEMO_DATA = Path(__file__).parent.parent / "data" / "demo"


def load(kind: str, path: Path, **kwargs: Any) -> ImportResult:
    return run_import(importer_for(kind), path, actor_name="test", **kwargs)


def load_hampshire_sample() -> ImportResult:
    """The real Hampshire GIAS sample and Ofsted's graded-inspection history for its schools; returns the GIAS
    import."""
    gias = load("gias", FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv")
    assert not gias.rejected, gias.errors
    ofsted = load("ofsted", FIXTURES / "ofsted" / "valid" / "graded_history_real_sample.csv")
    assert not ofsted.rejected, ofsted.errors
    return gias


def row_counts() -> dict[str, int]:
    """Rows in every Headway table, to prove that a rejected file wrote nothing (beyond the record of the attempt
    itself: an import's job, which says it was rejected and why)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "schools", "inspections", "imports", "performance", "strategy"}
        and model._meta.label != "imports.ImportJob"
    }

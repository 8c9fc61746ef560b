from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.apps import apps
from django.test import Client

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


def day_boxes(name: str, day: dt.date) -> dict[str, str]:
    """A GOV.UK date input's three boxes (``NAME_0`` day, ``NAME_1`` month, ``NAME_2`` year) holding ``day``."""
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


TYPED_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")


def date_boxes(data: dict[str, str]) -> dict[str, str]:
    """Form data with each date typed "17/03/2026" put in the GOV.UK date input's three boxes (``NAME_0`` day,
    ``NAME_1`` month, ``NAME_2`` year), as the pages' date inputs post it."""
    out: dict[str, str] = {}
    for name, value in data.items():
        typed = TYPED_DATE.fullmatch(value) if isinstance(value, str) else None
        if typed is None:
            out[name] = value
        else:
            out.update({f"{name}_{index}": part for index, part in enumerate(typed.groups())})
    return out


class DateBoxesClient(Client):
    """A test client whose posts carry dates as the GOV.UK date inputs do (``date_boxes``)."""

    def post(self, path: str, data: Any = None, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().post(path, date_boxes(data) if isinstance(data, dict) else data, *args, **kwargs)

"""Reading the import history: how fresh each kind of data is."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max

from headway.imports.models import ImportRun


@dataclass(frozen=True)
class SourceFreshness:
    kind: str
    label: str
    latest: ImportRun | None


def freshness() -> list[SourceFreshness]:
    """Every kind of file Headway imports, with its latest import (None when never imported), in the upload
    page's order, in one query."""
    from headway.imports.registry import importers

    newest = ImportRun.objects.values("kind").annotate(newest=Max("id")).values("newest")
    latest = {run.kind: run for run in ImportRun.objects.filter(pk__in=newest).defer("problems", "notices")}
    return [
        SourceFreshness(kind=kind, label=str(importer.label), latest=latest.get(kind))
        for kind, importer in importers().items()
    ]

"""Every kind of file Headway imports, by the name used on the command line and the upload page."""

from __future__ import annotations

from typing import Any

from headway.imports.services import Importer


def importers() -> dict[str, type[Importer[Any]]]:
    from headway.earlyyears.importers import EarlyYearsImporter
    from headway.governance.importers import GovernanceImporter
    from headway.inspections.importers import OfstedImporter
    from headway.performance.importers import PerformanceImporter
    from headway.performance.lait import BenchmarksDictionaryImporter, BenchmarksImporter, NeighboursImporter
    from headway.schools.area_importer import AreasImporter
    from headway.schools.importers import GiasImporter, GiasLinksImporter, SpineImporter

    return {
        importer.kind: importer
        for importer in (
            GiasImporter,
            GiasLinksImporter,
            SpineImporter,
            OfstedImporter,
            PerformanceImporter,
            BenchmarksImporter,
            BenchmarksDictionaryImporter,
            NeighboursImporter,
            GovernanceImporter,
            EarlyYearsImporter,
            AreasImporter,
        )
    }


def importer_for(kind: str, **options: Any) -> Importer[Any]:
    try:
        return importers()[kind](**options)
    except KeyError:
        raise ValueError(f"unknown import kind {kind!r}; choose from {', '.join(importers())}") from None

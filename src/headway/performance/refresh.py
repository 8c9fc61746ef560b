"""After an import that wrote school results, work out and store the computed LA and England figures
(``figure_store.refresh_computed_figures``) once the import's transaction is committed: the first page after
an import reads them instead of every school's results."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from headway.imports.models import ImportRun

logger = logging.getLogger(__name__)


def after_import(sender: type[ImportRun], instance: ImportRun, created: bool, **kwargs: Any) -> None:
    """``post_save`` of an import record: the import service saves it a last time when the import is written
    (``created`` is then False). Only an import that wrote school results changes computed figures."""
    from headway.performance.models import SchoolResult

    if created or kwargs.get("raw"):
        return
    years = sorted(set(SchoolResult.objects.filter(source_import=instance).values_list("year", flat=True).distinct()))
    if years:
        transaction.on_commit(lambda: refresh_after_import(years))


def refresh_after_import(years: list[int]) -> None:
    """Store the computed figures of the years an import wrote school results for."""
    from headway.performance.figure_store import refresh_computed_figures

    try:
        years = refresh_computed_figures(years=years)
    except Exception:  # the import is committed; a page works the figures out itself if this failed
        logger.exception("Computed figures were not refreshed after an import")
        return
    if years:
        logger.info("Computed figures refreshed for %s", ", ".join(str(y) for y in years))

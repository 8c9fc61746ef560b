"""Published performance figures: per school, and for LAs, regions and England."""

from __future__ import annotations

from django.db import models


class SchoolResult(models.Model):
    """One published figure for one school in one year. ``value`` is empty when DfE published a marker
    instead (``missing_reason``: SUPP, NE, LOWCOV, ...): no value is never zero."""

    urn = models.PositiveIntegerField(db_index=True)
    la_code = models.CharField(max_length=3, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField(help_text="Calendar year of the summer the results belong to.")
    measure = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    missing_reason = models.CharField(max_length=12, blank=True)
    pupils = models.PositiveIntegerField(null=True, blank=True, help_text="Pupils the figure is about (weight).")
    lower = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    upper = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    school_kind = models.CharField(
        max_length=12, blank=True, help_text="mainstream, special or independent, where the file says."
    )
    source_import = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")
    # Which file the figure came from, for the precedence rule (headway.performance.precedence): empty for a
    # figure imported before sources were recorded, which any file replaces.
    source_release = models.CharField(
        max_length=12, blank=True, help_text="provisional, revised or final, as the file's name says; empty: none."
    )
    source_layout = models.CharField(max_length=8, blank=True, help_text="dfe (DfE's own layout) or trimmed.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["urn", "year", "measure"], name="school_result_unique")]
        indexes = [
            models.Index(fields=["year", "measure", "la_code"]),
            # A year's newest result and newest import: the fingerprint of its computed figures, two index reads.
            models.Index(fields=["year", "id"], name="school_result_year_id"),
            models.Index(fields=["year", "source_import"], name="school_result_year_import"),
        ]

    def __str__(self) -> str:
        return f"{self.urn} {self.measure} {self.year}: {self.value if self.value is not None else self.missing_reason}"


class PublishedFigure(models.Model):
    """An LA, regional or national figure as DfE published it: in a performance-tables file's LA and England
    rows, or in DfE's local-authority benchmarking data set (LAIT)."""

    class Level(models.TextChoices):
        LA = "la", "Local authority"
        REGION = "region", "Region"
        ENGLAND = "england", "England"

    class Source(models.TextChoices):
        PERFORMANCE_TABLES = "performance_tables", "DfE performance tables (LA and England rows)"
        LAIT = "lait", "DfE local-authority benchmarking data (LAIT)"

    level = models.CharField(max_length=10, choices=Level.choices)
    area_code = models.CharField(max_length=40, help_text="LA code, region name, or 'england'.")
    year = models.PositiveSmallIntegerField()
    measure = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    missing_reason = models.CharField(max_length=12, blank=True)
    variant = models.CharField(
        max_length=40, blank=True, help_text="e.g. 'state-funded' or 'all schools' for England rows."
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    source_import = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")
    # For a performance-tables figure, which file it came from (the precedence rule, as for SchoolResult).
    source_release = models.CharField(max_length=12, blank=True)
    source_layout = models.CharField(max_length=8, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "area_code", "year", "measure", "variant", "source"], name="published_figure_unique"
            )
        ]
        indexes = [models.Index(fields=["year", "measure", "level"])]

    def __str__(self) -> str:
        return f"{self.level} {self.area_code} {self.measure} {self.year}: {self.value}"


class StatisticalNeighbour(models.Model):
    """DfE's statistical neighbours of an LA (editable per LA)."""

    la_code = models.CharField(max_length=3, db_index=True)
    neighbour_code = models.CharField(max_length=3)
    rank = models.PositiveSmallIntegerField(help_text="1 = closest.")
    closeness = models.CharField(max_length=40, blank=True)
    list_name = models.CharField(max_length=60, help_text="e.g. sn_may_2025.")

    class Meta:
        ordering = ["la_code", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["list_name", "la_code", "neighbour_code"], name="neighbour_unique")
        ]

    def __str__(self) -> str:
        return f"{self.la_code} ~ {self.neighbour_code} ({self.rank})"


class ComputedFigureSet(models.Model):
    """The school results a year's stored computed figures were worked out from: ``version`` is the school
    results' fingerprint then (see ``headway.performance.figure_store``); a different one means recompute."""

    year = models.PositiveSmallIntegerField(unique=True)
    version = models.CharField(max_length=60)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.year} figures ({self.version})"


class ComputedFigure(models.Model):
    """An LA's (or England's, ``area_code`` "england") pupil-weighted figure for a measure, worked out from its
    schools' results once when they change rather than on every page that shows it. ``value`` is empty where
    no figure can be worked out (England from too few LAs' schools)."""

    year = models.PositiveSmallIntegerField()
    measure = models.CharField(max_length=60)
    area_code = models.CharField(max_length=40)
    value = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "measure", "area_code"], name="computed_figure_unique")]

    def __str__(self) -> str:
        return f"{self.area_code} {self.measure} {self.year}: {self.value}"

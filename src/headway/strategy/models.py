"""An LA's key performance indicators: a KPI set (e.g. an education strategy) and its indicators.

The figures themselves are not stored here: actual, rank and national come from the published performance data
each time the table is drawn (``selectors.kpi_table``). Indicators change only through ``services``, which audit
every change."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class TargetKind(models.TextChoices):
    VALUE = "value", "At or better than a value"
    TOP_10_PERCENT = "top_10_percent", "In the top 10% of local authorities"
    RANK_AT_MOST = "rank_at_most", "Ranked N or better among local authorities"
    AT_OR_ABOVE_NATIONAL = "at_or_above_national", "At or better than the national figure"
    AT_OR_ABOVE_REGION = "at_or_above_region", "At or better than a regional average"


#: Target kinds that need ``target_value`` (a figure, or the rank N).
KINDS_WITH_VALUE = (TargetKind.VALUE, TargetKind.RANK_AT_MOST)


class KpiSet(models.Model):
    """The indicators an LA has agreed to report on, e.g. "Barnet Education Strategy 2017-2020"."""

    local_authority = models.ForeignKey("schools.LocalAuthority", on_delete=models.PROTECT, related_name="kpi_sets")
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    source_file = models.CharField(max_length=300, blank=True, help_text="The KPI-set file it was last loaded from.")
    source_sha256 = models.CharField("SHA-256 of the file", max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["local_authority__name", "-created_at", "-id"]
        verbose_name = "KPI set"
        constraints = [models.UniqueConstraint(fields=["local_authority", "name"], name="kpi_set_unique_name_in_la")]

    def __str__(self) -> str:
        return f"{self.name} ({self.local_authority.code})"


class KpiIndicator(models.Model):
    """One line of an LA's KPI table: a catalogue measure (whose scope says which pupils), a baseline and a
    target. ``baseline_value`` blank means "take it from the data for ``baseline_year``"."""

    kpi_set = models.ForeignKey(KpiSet, on_delete=models.CASCADE, related_name="indicators")
    key = models.SlugField(max_length=60, help_text="Stable name within the set, used when the file is loaded again.")
    order = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=300, help_text="The indicator as the LA writes it.")
    measure = models.CharField(max_length=60, help_text="A measure code from the catalogue, e.g. ks4.att8.")
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_value = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, help_text="Blank: taken from the data."
    )
    target_kind = models.CharField(max_length=30, choices=TargetKind.choices)
    target_value = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, help_text="The figure, or N for 'rank N or better'."
    )
    target_region = models.CharField(max_length=80, blank=True, help_text="e.g. London, Outer London, South East.")
    target_year = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["kpi_set", "order", "id"]
        verbose_name = "KPI"
        constraints = [
            models.UniqueConstraint(fields=["kpi_set", "key"], name="kpi_indicator_unique_key_in_set"),
            models.CheckConstraint(
                condition=~Q(target_kind__in=KINDS_WITH_VALUE) | Q(target_value__isnull=False),
                name="kpi_indicator_target_value_needed",
            ),
            models.CheckConstraint(
                condition=~Q(target_kind=TargetKind.RANK_AT_MOST) | Q(target_value__gte=1),
                name="kpi_indicator_rank_at_least_one",
            ),
            models.CheckConstraint(
                condition=~Q(target_kind=TargetKind.AT_OR_ABOVE_REGION) | ~Q(target_region=""),
                name="kpi_indicator_target_region_needed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.measure})"

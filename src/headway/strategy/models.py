"""An LA's key performance indicators: a KPI set (e.g. an education strategy), its indicators, their targets
year by year, and the actuals an LA enters itself where no public figure exists.

Public figures are not stored here: actual, rank and national come from the published performance data each
time the table is drawn (``selectors.kpi_table``). Indicators, targets and local actuals change only through
``services``, which audit every change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class TargetKind(models.TextChoices):
    VALUE = "value", "At or better than a value"
    TOP_10_PERCENT = "top_10_percent", "In the top 10% of local authorities"
    TOP_QUARTILE = "top_quartile", "In the top quarter of local authorities"
    RANK_AT_MOST = "rank_at_most", "Ranked N or better among local authorities"
    AT_OR_ABOVE_NATIONAL = "at_or_above_national", "At or better than the national figure"
    AT_OR_ABOVE_REGION = "at_or_above_region", "At or better than a regional average"
    ABOVE_NATIONAL_BY = "above_national_by", "Better than the national figure by N points"
    HIGHER_OF = "higher_of", "At or better than a value or a comparator, whichever is higher"
    REDUCE_YEAR_ON_YEAR = "reduce_year_on_year", "Lower than the year before"
    NONE = "none", "No target"


#: Target kinds that need ``target_value`` (a figure, the rank N, or the points above national).
KINDS_WITH_VALUE = (TargetKind.VALUE, TargetKind.RANK_AT_MOST, TargetKind.ABOVE_NATIONAL_BY, TargetKind.HIGHER_OF)
#: Target kinds that compare the LA with other LAs, England or a region: they need a measure DfE publishes
#: for every LA, not a locally entered one.
KINDS_NEEDING_PUBLIC_DATA = (
    TargetKind.TOP_10_PERCENT,
    TargetKind.TOP_QUARTILE,
    TargetKind.RANK_AT_MOST,
    TargetKind.AT_OR_ABOVE_NATIONAL,
    TargetKind.AT_OR_ABOVE_REGION,
    TargetKind.ABOVE_NATIONAL_BY,
    TargetKind.HIGHER_OF,
)


class Comparator(models.TextChoices):
    """What a ``higher_of`` target compares its value with."""

    NATIONAL = "national", "the national figure"
    REGION = "region", "the regional average"
    REGION_TOP_QUARTILE = "region_top_quartile", "the top quarter of the region's LAs"


#: Where an indicator's figures come from when it has no catalogue measure: what the LA enters itself.
LOCAL_UNITS = ("percent", "score", "count", "days", "rate")


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
    """One line of an LA's KPI table: a catalogue measure (whose scope says which pupils), or a figure the LA
    enters itself (``local_unit``), a baseline and a target (``target_*``; or one target a year, ``KpiTarget``).
    ``baseline_value`` blank means "take it from the data for ``baseline_year``". ``group`` (the sub-board
    that oversees it) and ``owner`` (the lead officer) group the table."""

    kpi_set = models.ForeignKey(KpiSet, on_delete=models.CASCADE, related_name="indicators")
    key = models.SlugField(max_length=60, help_text="Stable name within the set, used when the file is loaded again.")
    order = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=300, help_text="The indicator as the LA writes it.")
    group = models.CharField(max_length=150, blank=True, help_text="The sub-board or group that oversees it.")
    owner = models.CharField(max_length=200, blank=True, help_text="Who answers for it, e.g. a lead officer.")
    measure = models.CharField(
        max_length=60, blank=True, help_text="A measure code from the catalogue, e.g. ks4.att8; blank: entered locally."
    )
    local_unit = models.CharField(
        max_length=12, blank=True, help_text="For a locally entered indicator: percent, score, count, days or rate."
    )
    local_polarity = models.CharField(max_length=8, blank=True, help_text="higher or lower (is better), or none.")
    local_decimals = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_value = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, help_text="Blank: taken from the data."
    )
    target_kind = models.CharField(max_length=30, choices=TargetKind.choices)
    target_value = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, help_text="The figure, or N for 'rank N or better'."
    )
    target_region = models.CharField(max_length=80, blank=True, help_text="e.g. London, Outer London, South East.")
    target_comparator = models.CharField(
        max_length=30, blank=True, choices=Comparator.choices, help_text="For a higher_of target."
    )
    target_year = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["kpi_set", "order", "id"]
        verbose_name = "KPI"
        constraints = [
            models.UniqueConstraint(fields=["kpi_set", "key"], name="kpi_indicator_unique_key_in_set"),
            models.CheckConstraint(
                condition=~Q(measure="") | ~Q(local_unit=""), name="kpi_indicator_measure_or_local_unit"
            ),
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
        return f"{self.label} ({self.measure or 'entered locally'})"


class KpiTarget(models.Model):
    """An indicator's target for one year (a strategy's targets for 2018, 2019 and the years after). The KPI
    table for a year uses that year's target; a year after the last one listed uses the last."""

    indicator = models.ForeignKey(KpiIndicator, on_delete=models.CASCADE, related_name="year_targets")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=30, choices=TargetKind.choices)
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    region = models.CharField(max_length=80, blank=True)
    comparator = models.CharField(max_length=30, blank=True, choices=Comparator.choices)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = "KPI target"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="kpi_target_one_a_year"),
            models.CheckConstraint(
                condition=~Q(kind__in=KINDS_WITH_VALUE) | Q(value__isnull=False), name="kpi_target_value_needed"
            ),
            models.CheckConstraint(
                condition=~Q(kind=TargetKind.RANK_AT_MOST) | Q(value__gte=1), name="kpi_target_rank_at_least_one"
            ),
            models.CheckConstraint(
                condition=~Q(kind=TargetKind.AT_OR_ABOVE_REGION) | ~Q(region=""), name="kpi_target_region_needed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.key} {self.year}: {self.get_kind_display()}"


class LocalActual(models.Model):
    """A figure the LA enters itself for an indicator and year where no public figure exists (e.g. offers made
    on national offer day, the quality of personal education plans), with its source and the reason; audited.
    Written only through ``services.local_actual_record`` (a page) or a KPI-set file's ``actuals``."""

    indicator = models.ForeignKey(KpiIndicator, on_delete=models.CASCADE, related_name="local_actuals")
    year = models.PositiveSmallIntegerField(help_text="Summer of the academic year (2019 = 2018/19).")
    value = models.DecimalField(max_digits=14, decimal_places=4)
    source = models.CharField(max_length=300, help_text="Where the figure comes from, e.g. the admissions team.")
    reason = models.TextField(help_text="Why it was entered or changed.")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_by_name = models.CharField(max_length=150)
    entered_at = models.DateTimeField()
    loaded_from = models.CharField(
        max_length=300, blank=True, help_text="The KPI-set file it came from; blank when entered on the page."
    )

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = "locally entered actual"
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="local_actual_one_a_year")]

    def __str__(self) -> str:
        return f"{self.indicator.key} {self.year}: {self.value} (entered locally)"

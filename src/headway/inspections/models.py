"""Ofsted inspections, each kept under the framework it was made under."""

from __future__ import annotations

from django.db import models


class Framework(models.TextChoices):
    """Ofsted's school inspection frameworks, oldest first."""

    PRE_2005 = "pre_2005", "Before September 2005"
    SECTION_5_2005 = "s5_2005", "Section 5 (September 2005)"
    SECTION_5_2012 = "s5_2012", "Section 5 (September 2012)"
    CIF_2015 = "cif_2015", "Common inspection framework (September 2015)"
    EIF_2019 = "eif_2019", "Education inspection framework (September 2019)"
    NO_OVERALL_2024 = "eif_2024", "Education inspection framework, no overall grade (September 2024)"
    REPORT_CARD_2025 = "report_card_2025", "Report-card framework (November 2025)"


class Source(models.TextChoices):
    OFSTED_MI = "ofsted_mi", "Ofsted management information"
    OFSTED_HISTORY = "ofsted_history", "Ofsted graded-inspection history"
    GIAS = "gias", "Get Information About Schools (latest outcome only)"


class OverallGrade(models.IntegerChoices):
    OUTSTANDING = 1, "Outstanding"
    GOOD = 2, "Good"
    REQUIRES_IMPROVEMENT = 3, "Requires improvement"
    INADEQUATE = 4, "Inadequate"


class CategoryOfConcern(models.TextChoices):
    """Ofsted's categories of concern. Serious weaknesses (before November 2025) and requires significant
    improvement (report cards) are both the statutory category "requires significant improvement" (Education
    Act 2005, s.44)."""

    SERIOUS_WEAKNESSES = "SWK", "Serious weaknesses"
    SPECIAL_MEASURES = "SM", "Special measures"
    REQUIRES_SIGNIFICANT_IMPROVEMENT = "RSI", "Requires significant improvement"


class ReportCardGrade(models.IntegerChoices):
    """The November 2025 framework's five-point scale for each evaluation area."""

    URGENT_IMPROVEMENT = 1, "Urgent improvement"
    NEEDS_ATTENTION = 2, "Needs attention"
    EXPECTED_STANDARD = 3, "Expected standard"
    STRONG_STANDARD = 4, "Strong standard"
    EXCEPTIONAL = 5, "Exceptional"


class InspectionKind(models.TextChoices):
    """What an inspection was: one that gave grades (an overall grade or key judgements), a report card, an
    ungraded inspection of a good or outstanding school, or a monitoring inspection of a school of concern."""

    GRADED = "graded", "Graded inspection"
    REPORT_CARD = "report_card", "Report-card inspection"
    UNGRADED = "ungraded", "Ungraded inspection"
    MONITORING = "monitoring", "Monitoring inspection"


class Inspection(models.Model):
    """One inspection of one school. A later source never overwrites an inspection silently: an
    Ofsted-sourced record supersedes a GIAS-sourced one of the same date by taking its place (the
    change is audited by the importer)."""

    establishment = models.ForeignKey("schools.Establishment", on_delete=models.CASCADE, related_name="inspections")
    framework = models.CharField(max_length=20, choices=Framework.choices)
    kind = models.CharField(max_length=20, choices=InspectionKind.choices, default=InspectionKind.GRADED)
    source = models.CharField(max_length=20, choices=Source.choices)
    inspection_number = models.CharField(max_length=20, blank=True)
    inspection_type = models.CharField(max_length=80, blank=True, help_text="e.g. Section 5, Section 8.")
    event_type = models.CharField(max_length=80, blank=True)
    start_date = models.DateField(db_index=True)
    end_date = models.DateField(null=True, blank=True)
    publication_date = models.DateField(null=True, blank=True)
    overall_effectiveness = models.PositiveSmallIntegerField(choices=OverallGrade.choices, null=True, blank=True)
    overall_label = models.CharField(
        max_length=200,
        blank=True,
        help_text="The outcome as published, e.g. Satisfactory (before 2012), or an ungraded inspection's outcome "
        "('School remains Good (Concerns) - S5 Next').",
    )
    category_of_concern = models.CharField(max_length=3, choices=CategoryOfConcern.choices, blank=True)
    safeguarding_met = models.BooleanField(null=True, blank=True, help_text="Safeguarding effective / met.")
    urn_at_inspection = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "start_date"], name="inspection_one_per_school_day"),
        ]

    def __str__(self) -> str:
        return f"{self.establishment} inspected {self.start_date:%-d %B %Y}"

    @property
    def is_graded(self) -> bool:
        return self.kind in {InspectionKind.GRADED, InspectionKind.REPORT_CARD}


class Judgement(models.Model):
    """A graded area of an inspection: a key judgement (1-4) under the legacy frameworks, or an evaluation
    area (report-card scale) under the November 2025 framework."""

    class Scale(models.TextChoices):
        FOUR_POINT = "four_point", "Outstanding to inadequate (1-4)"
        REPORT_CARD = "report_card", "Urgent improvement to exceptional"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="judgements")
    area = models.CharField(max_length=80)
    scale = models.CharField(max_length=20, choices=Scale.choices)
    grade = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "area"], name="judgement_one_per_area")]

    def __str__(self) -> str:
        return f"{self.area}: {self.grade_label}"

    @property
    def grade_label(self) -> str:
        if self.scale == self.Scale.REPORT_CARD:
            return str(ReportCardGrade(self.grade).label)
        return str(OverallGrade(self.grade).label)

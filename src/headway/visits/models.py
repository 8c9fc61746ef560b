"""Visits: the academic calendar, each school's visit plan, pre-visit self-evaluation and notes of visit."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AcademicYear(models.Model):
    """An academic year, named by the calendar year it starts in (2025 = 2025/26)."""

    local_authority = models.ForeignKey("schools.LocalAuthority", on_delete=models.CASCADE, related_name="+")
    start_year = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["local_authority", "start_year"]
        constraints = [models.UniqueConstraint(fields=["local_authority", "start_year"], name="academic_year_unique")]

    def __str__(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"


class HalfTerm(models.Model):
    """One of the six half-terms of a year (editable: LAs set their own dates)."""

    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="half_terms")
    number = models.PositiveSmallIntegerField(help_text="1 = autumn 1 ... 6 = summer 2")
    name = models.CharField(max_length=40)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["academic_year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "number"], name="half_term_unique"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="half_term_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.academic_year}"


class OfficerCapacity(models.Model):
    """Days an officer has for school visits in a half-term."""

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    half_term = models.ForeignKey(HalfTerm, on_delete=models.CASCADE, related_name="+")
    available_days = models.DecimalField(max_digits=4, decimal_places=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["officer", "half_term"], name="capacity_unique")]

    def __str__(self) -> str:
        return f"{self.officer} {self.half_term}: {self.available_days} days"


class Circumstance(models.Model):
    """A dated circumstance that adds visits (new head, Ofsted expected, critical incident, ...)."""

    establishment = models.ForeignKey("schools.Establishment", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40, help_text="A circumstance named in the entitlement policy.")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.establishment}: {self.kind.replace('_', ' ')} from {self.starts_on:%-d %B %Y}"


class Visit(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    establishment = models.ForeignKey("schools.Establishment", on_delete=models.CASCADE, related_name="visits")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="visits")
    planned_on = models.DateField()
    purpose = models.CharField(max_length=200, help_text="e.g. School effectiveness visit; New headteacher.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    generated = models.BooleanField(default=True, help_text="Made by the plan; False when added by hand.")
    moved_by_hand = models.BooleanField(default=False)
    category = models.CharField(max_length=20, blank=True, help_text="The confirmed category it follows from.")
    change_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["planned_on", "establishment__name"]
        indexes = [models.Index(fields=["academic_year", "officer", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.purpose} at {self.establishment} on {self.planned_on:%-d %B %Y}"


class SelfEvaluation(models.Model):
    """The school's pre-visit self-evaluation: a grade per area of the LA's form."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="self_evaluation")
    form_name = models.CharField(max_length=60)
    grades = models.JSONField(default=dict, help_text="area -> {grade, comment}")
    barriers = models.TextField(blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Self-evaluation for {self.visit}"


class NoteOfVisit(models.Model):
    """A note of visit. Workflow: draft -> sent -> agreed / marked inaccurate -> final. A final note is
    read-only; a correction is a new version (``previous_version``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent to the headteacher"
        AGREED = "agreed", "Agreed by the headteacher"
        INACCURATE = "inaccurate", "Marked inaccurate by the headteacher"
        FINAL = "final", "Final"

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="notes")
    template_name = models.CharField(max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    previous_version = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    sections = models.JSONField(default=dict, help_text="section -> text, as the template lays out")
    judgements = models.JSONField(default=dict, help_text="area -> {judgement, evidence, disagrees_with_self_grade}")
    actions = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    response_at = models.DateTimeField(null=True, blank=True)
    headteacher_comments = models.TextField(blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    shared_with_governors_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-visit__planned_on", "-version"]

    def __str__(self) -> str:
        return f"Note of visit {self.visit} (v{self.version}, {self.get_status_display().lower()})"


class Notice(models.Model):
    """An in-app notice for a user (a note awaiting their response, a digest)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text

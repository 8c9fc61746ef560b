"""Early years settings (childminders, nurseries, pre-schools) from Ofsted's early-years register, beside the
schools: their inspections, categories under the LA's settings policy, the early-years team's visits and
notes of visit, and settings causing concern (the LA's early-years team, not the statutory school process)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ProviderType(models.TextChoices):
    CHILDMINDER = "Childminder", "Childminder"
    NON_DOMESTIC = "Childcare on non-domestic premises", "Childcare on non-domestic premises"
    DOMESTIC = "Childcare on domestic premises", "Childcare on domestic premises"


class Setting(models.Model):
    """One registered early-years provider. Childminders' names and addresses are withheld by Ofsted
    ("REDACTED"): such a setting is shown by its URN and area only."""

    provider_urn = models.CharField("URN", max_length=12, unique=True, help_text="Ofsted's URN, e.g. EY123456.")
    local_authority = models.ForeignKey(
        "schools.LocalAuthority", on_delete=models.PROTECT, related_name="early_years_settings"
    )
    registration_date = models.DateField(null=True, blank=True)
    provider_type = models.CharField(max_length=60)
    provider_subtype = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=40, help_text="Active, Resigned, Suspended, ...")
    early_years_register = models.BooleanField(default=False)
    compulsory_childcare_register = models.BooleanField(default=False)
    voluntary_childcare_register = models.BooleanField(default=False)
    name = models.CharField(max_length=200, blank=True)
    name_withheld = models.BooleanField(default=False)
    address = models.CharField(max_length=300, blank=True)
    town = models.CharField(max_length=120, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    region = models.CharField(max_length=80, blank=True)
    places = models.PositiveIntegerField(null=True, blank=True)
    places_including_estimates = models.PositiveIntegerField(null=True, blank=True)
    area = models.ForeignKey(
        "schools.Area", on_delete=models.SET_NULL, null=True, blank=True, related_name="early_years_settings"
    )

    class Meta:
        ordering = ["provider_urn"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_withheld or not self.name:
            return f"{self.provider_type or 'Setting'} {self.provider_urn}"
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status.lower() == "active"


class SettingInspection(models.Model):
    """A full inspection of a setting: overall effectiveness 1-4 (or a "met / not met" outcome for a
    provider with no children on roll), its key judgements, or report-card areas once Ofsted publishes them."""

    setting = models.ForeignKey(Setting, on_delete=models.CASCADE, related_name="inspections")
    inspection_number = models.CharField(max_length=20, blank=True)
    inspected_on = models.DateField()
    overall_effectiveness = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=80, blank=True, help_text="The outcome as published.")
    judgements = models.JSONField(default=dict, blank=True, help_text="area -> grade")
    report_card = models.BooleanField(default=False)
    safeguarding_met = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-inspected_on"]
        constraints = [
            models.UniqueConstraint(fields=["setting", "inspected_on"], name="setting_inspection_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.setting} inspected {self.inspected_on:%-d %B %Y}"


class SettingRound(models.Model):
    """A categorisation of the authority's active settings under its settings policy, as of a date."""

    local_authority = models.ForeignKey("schools.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    policy_name = models.CharField(max_length=80)
    policy_version = models.PositiveIntegerField()
    policy_title = models.CharField(max_length=200)
    as_of = models.DateField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.policy_title}, as of {self.as_of:%-d %B %Y}"


class SettingProposal(models.Model):
    """The category a policy proposes for one setting, with its reasons; an officer confirms it or overrides
    it with a reason (audited)."""

    round = models.ForeignKey(SettingRound, on_delete=models.CASCADE, related_name="proposals")
    setting = models.ForeignKey(Setting, on_delete=models.CASCADE, related_name="proposals")
    category = models.CharField(max_length=20)
    category_label = models.CharField(max_length=200)
    causing_concern = models.BooleanField(default=False)
    reasons = models.JSONField(default=list)
    decided_category = models.CharField(max_length=20, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["setting__provider_urn"]
        constraints = [models.UniqueConstraint(fields=["round", "setting"], name="setting_proposal_one_per_round")]

    def __str__(self) -> str:
        return f"{self.setting}: {self.category_label}"

    @property
    def category_now(self) -> str:
        return self.decided_category or self.category


class SettingVisit(models.Model):
    """A visit by the LA's early-years team, with at most one note of visit."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    setting = models.ForeignKey(Setting, on_delete=models.CASCADE, related_name="visits")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    planned_on = models.DateField()
    purpose = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        ordering = ["-planned_on", "-id"]

    def __str__(self) -> str:
        return f"Visit to {self.setting} on {self.planned_on:%-d %B %Y}"


class SettingNoteOfVisit(models.Model):
    """The note of a setting visit, laid out by the early-years note template (``visits/note_templates``)."""

    visit = models.OneToOneField(SettingVisit, on_delete=models.PROTECT, related_name="note")
    template_name = models.CharField(max_length=60)
    sections = models.JSONField(default=dict)
    judgements = models.JSONField(default=dict)
    next_steps = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Note of the {self.visit}"


class SettingCausingConcern(models.Model):
    """A setting the LA's early-years team works with intensively. One open entry per setting at a time."""

    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, related_name="concerns")
    since = models.DateField()
    reasons = models.TextField()
    lead_officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    removed_on = models.DateField(null=True, blank=True)
    removal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-since", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["setting"], condition=models.Q(removed_on__isnull=True), name="setting_one_open_concern"
            )
        ]

    def __str__(self) -> str:
        return f"{self.setting} causing concern since {self.since:%-d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.removed_on is None

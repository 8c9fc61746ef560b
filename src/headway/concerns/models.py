"""Schools causing concern: the register, the review group's meetings and decisions, letters, lead officers,
action plans and their reviews, warning notices, eligibility for intervention, statutory powers, statements
of action and, for academies, what was raised with the trust and the regional director.

Decisions are never edited or deleted: a later decision supersedes an earlier one and both stay. Every change
of state is written through the audit service (``headway.concerns.services``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ConcernStatus(models.TextChoices):
    CAUSING_CONCERN = "causing_concern", "Causing concern (informal warning)"
    WARNING_NOTICE = "warning_notice", "Formal warning notice"
    ELIGIBLE = "eligible_for_intervention", "Eligible for intervention"
    REMOVED = "removed", "Removed from the register"


class SchoolCausingConcern(models.Model):
    """One period in which a school causes concern, from designation to removal. A school may have several
    over the years; at most one is open."""

    establishment = models.ForeignKey("schools.Establishment", on_delete=models.PROTECT, related_name="concerns")
    designated_on = models.DateField()
    triggers = models.JSONField(default=list, help_text="[{name, label}] of the triggers that applied.")
    evidence = models.JSONField(default=dict, blank=True, help_text="The evidence the triggers read.")
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="concerns_led"
    )
    status = models.CharField(max_length=30, choices=ConcernStatus.choices, default=ConcernStatus.CAUSING_CONCERN)
    eligible_since = models.DateField(null=True, blank=True)
    eligibility_ground = models.CharField(max_length=200, blank=True)
    removed_on = models.DateField(null=True, blank=True)
    removal_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-designated_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment"],
                condition=~models.Q(status="removed"),
                name="concern_one_open_per_school",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="removed")
                | (models.Q(removed_on__isnull=False) & ~models.Q(removal_reason="")),
                name="concern_removal_needs_date_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.establishment} causing concern since {self.designated_on:%-d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.status != ConcernStatus.REMOVED


class ConcernJudgement(models.Model):
    """A dated officer judgement the warning-notice rules read (engagement, reviews, prospects). Never edited:
    a later judgement of the same kind supersedes it."""

    class Kind(models.TextChoices):
        NOT_ENGAGED = "not_engaged", "The school has not engaged with the LA's support"
        REVIEW_NOT_SECURED = (
            "review_not_secured",
            "The school has not secured a recommended pupil premium or governance review",
        )
        UNLIKELY_GOOD_IN_SIX_MONTHS = (
            "unlikely_good_within_6_months",
            "The school is unlikely to become good within 6 months",
        )

    concern = models.ForeignKey(SchoolCausingConcern, on_delete=models.CASCADE, related_name="judgements")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    value = models.BooleanField()
    made_on = models.DateField()
    reason = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_on", "-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'yes' if self.value else 'no'} ({self.made_on:%-d %B %Y})"


class ReviewGroupMeeting(models.Model):
    """A meeting of the schools review group (half-termly). The agenda is a snapshot taken when it is
    prepared; the minutes and attendees are recorded after the meeting."""

    local_authority = models.ForeignKey("schools.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    agenda = models.JSONField(default=dict, blank=True)
    agenda_prepared_at = models.DateTimeField(null=True, blank=True)
    attendees = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    minutes_recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Schools review group, {self.held_on:%-d %B %Y}"


class DecisionKind(models.TextChoices):
    DESIGNATE = "designate", "Designate as causing concern"
    KEEP = "keep", "Keep as causing concern"
    REMOVE = "remove", "Remove from the register"
    WARNING_NOTICE = "warning_notice", "Issue a formal warning notice"
    ESCALATE = "escalate", "Escalate (academy): raise with the regional director"


class ReviewGroupDecision(models.Model):
    """What the review group decided about one school, why, and when the headteacher was told first."""

    meeting = models.ForeignKey(ReviewGroupMeeting, on_delete=models.PROTECT, related_name="decisions")
    establishment = models.ForeignKey("schools.Establishment", on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(
        SchoolCausingConcern, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    reasons = models.TextField()
    discussed_with_head_on = models.DateField(help_text="When the decision was discussed with the headteacher.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-meeting__held_on", "-recorded_at", "-id"]
        constraints = [models.CheckConstraint(condition=~models.Q(reasons=""), name="decision_needs_reasons")]

    def __str__(self) -> str:
        return f"{self.establishment}: {self.get_kind_display().lower()} ({self.meeting.held_on:%-d %B %Y})"


class Letter(models.Model):
    """A letter generated from a template when a decision is recorded, kept as DOCX (editable in Word) and
    PDF with the decision it carries. Letters are never regenerated over: a corrected letter is a new one."""

    class Kind(models.TextChoices):
        DESIGNATION = "designation", "Designation as causing concern"
        REMOVAL = "removal", "Removal from the register"
        WARNING_NOTICE = "warning_notice", "Formal warning notice"
        ELIGIBILITY = "eligibility", "Notice of eligibility for intervention"
        ACADEMY_CONCERN = "academy_concern", "Concern raised with the trust"

    class Recipient(models.TextChoices):
        HEADTEACHER = "headteacher", "Headteacher"
        CHAIR = "chair", "Chair of governors"
        TRUST = "trust", "Trust (chief executive and chair of trustees)"

    concern = models.ForeignKey(SchoolCausingConcern, on_delete=models.PROTECT, related_name="letters")
    decision = models.ForeignKey(
        ReviewGroupDecision, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    warning_notice = models.ForeignKey(
        "WarningNotice", on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.CharField(max_length=20, choices=Recipient.choices)
    addressee = models.CharField(max_length=250)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    dated = models.DateField()
    docx = models.BinaryField()
    pdf = models.BinaryField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-dated", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} letter to the {self.get_recipient_display().lower()} ({self.dated:%-d %B %Y})"
        )

    @property
    def file_stem(self) -> str:
        return f"{self.concern.establishment.urn}-{self.kind}-{self.recipient}-{self.dated:%Y-%m-%d}"


class ActionPlan(models.Model):
    """One version of a school's action plan. A revision is a new version; earlier versions stay."""

    concern = models.ForeignKey(SchoolCausingConcern, on_delete=models.PROTECT, related_name="plans")
    version = models.PositiveIntegerField()
    key_issues = models.TextField()
    where_in_a_year = models.TextField(help_text="Where the school wants to be in a year.")
    monitoring_arrangements = models.TextField()
    agreed_on = models.DateField()
    change_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["concern", "version"], name="plan_one_per_version")]

    def __str__(self) -> str:
        return f"Action plan v{self.version} for {self.concern.establishment}"


class Milestone(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due_on = models.DateField()
    success_criteria = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.title} (by {self.due_on:%-d %B %Y})"


class PlanAction(models.Model):
    class By(models.TextChoices):
        SCHOOL = "school", "The school"
        LA = "la", "The LA"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    by = models.CharField(max_length=10, choices=By.choices)
    description = models.TextField()
    owner = models.CharField(max_length=200, blank=True)
    due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["by", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_by_display()}: {self.description[:60]}"


class BrokeredSupport(models.Model):
    class PaidBy(models.TextChoices):
        SCHOOL = "school", "The school"
        LA = "la", "The LA"
        TRUST = "trust", "The trust"
        DFE = "dfe", "DfE grant"
        OTHER = "other", "Other"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="support")
    provider = models.CharField(max_length=250)
    description = models.TextField()
    hours = models.DecimalField(max_digits=7, decimal_places=1)
    cost = models.DecimalField(max_digits=10, decimal_places=2)
    paid_by = models.CharField(max_length=10, choices=PaidBy.choices)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.provider}: {self.hours} hours, £{self.cost}"


class Rag(models.TextChoices):
    RED = "red", "Red: not on track"
    AMBER = "amber", "Amber: partly on track"
    GREEN = "green", "Green: on track or met"


class PlanReview(models.Model):
    """A review of the action plan (at least termly): progress per milestone and the next plan agreed."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    summary = models.TextField()
    next_steps = models.TextField(help_text="The plan agreed for the next period.")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.plan} on {self.reviewed_on:%-d %B %Y}"


class MilestoneProgress(models.Model):
    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="progress")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="progress")
    rag = models.CharField(max_length=10, choices=Rag.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["milestone__due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "milestone"], name="progress_one_per_milestone")]

    def __str__(self) -> str:
        return f"{self.milestone.title}: {self.rag}"


class MonitoringMeeting(models.Model):
    """A monitoring-and-challenge meeting with the head of school improvement."""

    concern = models.ForeignKey(SchoolCausingConcern, on_delete=models.PROTECT, related_name="monitoring_meetings")
    held_on = models.DateField()
    chaired_by = models.CharField(max_length=200)
    attendees = models.TextField(blank=True)
    notes = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Monitoring meeting on {self.held_on:%-d %B %Y}"


class WarningNotice(models.Model):
    """A formal warning notice (section 60, Education and Inspections Act 2006) to a maintained school."""

    class Outcome(models.TextChoices):
        OPEN = "open", "Compliance period running or not yet decided"
        COMPLIED = "complied", "Complied with"
        NOT_COMPLIED = "not_complied", "Not complied with"

    concern = models.ForeignKey(SchoolCausingConcern, on_delete=models.PROTECT, related_name="warning_notices")
    decision = models.ForeignKey(ReviewGroupDecision, on_delete=models.PROTECT, related_name="warning_notices")
    ground = models.CharField(max_length=40)
    ground_label = models.CharField(max_length=400)
    reasons = models.TextField()
    required_action = models.TextField()
    issued_on = models.DateField()
    compliance_working_days = models.PositiveIntegerField()
    compliance_ends_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    outcome_on = models.DateField(null=True, blank=True)
    eligibility_notice_on = models.DateField(
        null=True, blank=True, help_text="When the LA gave written notice that the school is eligible for intervention."
    )
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"Warning notice of {self.issued_on:%-d %B %Y} to {self.concern.establishment}"


class StatutoryPower(models.Model):
    """A statutory power of intervention used in a maintained school eligible for intervention."""

    concern = models.ForeignKey(SchoolCausingConcern, on_delete=models.PROTECT, related_name="powers")
    power = models.CharField(max_length=40)
    power_label = models.CharField(max_length=300)
    decided_on = models.DateField()
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True, help_text="Why the power ends, as the officer who ended it gave it.")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.power_label} from {self.starts_on:%-d %B %Y}"


class StatementOfAction(models.Model):
    """The LA's statement of action for a maintained school in special measures or with serious weaknesses."""

    concern = models.ForeignKey(SchoolCausingConcern, on_delete=models.PROTECT, related_name="statements_of_action")
    inspection = models.ForeignKey("inspections.Inspection", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=3, help_text="SM or SWK.")
    due_on = models.DateField()
    submitted_on = models.DateField(null=True, blank=True)
    visits_per_year = models.PositiveIntegerField(help_text="The LA visits the statement of action commits to.")
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["concern", "inspection"], name="statement_one_per_inspection"),
        ]

    def __str__(self) -> str:
        return f"Statement of action ({self.category}) due {self.due_on:%-d %B %Y}"


class AcademyContact(models.Model):
    """A concern about an academy raised with its headteacher, chair, trust, or escalated to the regional
    director, ESFA or Ofsted: what was sent, when, and the response."""

    class RaisedWith(models.TextChoices):
        HEADTEACHER = "headteacher", "Headteacher"
        CHAIR = "chair", "Chair of the local governing body"
        TRUST = "trust", "The trust"
        REGIONAL_DIRECTOR = "regional_director", "DfE regional director"
        ESFA = "esfa", "ESFA"
        OFSTED = "ofsted", "Ofsted"

    concern = models.ForeignKey(SchoolCausingConcern, on_delete=models.PROTECT, related_name="academy_contacts")
    raised_with = models.CharField(max_length=20, choices=RaisedWith.choices)
    sent_on = models.DateField()
    what_was_sent = models.TextField()
    response = models.TextField(blank=True)
    response_on = models.DateField(null=True, blank=True)
    trust_plan = models.TextField(blank=True, help_text="The trust's plan, when it gives one.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_on", "id"]

    def __str__(self) -> str:
        return f"Raised with {self.get_raised_with_display()} on {self.sent_on:%-d %B %Y}"


class RiseEngagement(models.Model):
    """A school's engagement with RISE (the DfE's Regional Improvement for Standards and Excellence teams):
    universal support, open to every school, or targeted intervention for an eligible school, with its RISE
    adviser, support plan and grant. Recorded by the LA through ``headway.concerns.rise``; the only change
    after that is its end (date and outcome), which is audited and never made twice."""

    class Kind(models.TextChoices):
        UNIVERSAL = "universal", "Universal support"
        TARGETED = "targeted", "Targeted intervention"

    establishment = models.ForeignKey(
        "schools.Establishment", on_delete=models.PROTECT, related_name="rise_engagements"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    adviser = models.CharField(max_length=200, blank=True, help_text="The RISE adviser's name.")
    support_plan = models.TextField()
    grant_amount = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="Targeted RISE grant, in pounds."
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "kind"],
                condition=models.Q(ended_on__isnull=True),
                name="rise_one_open_per_school_and_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | (models.Q(ended_on__gte=models.F("started_on")) & ~models.Q(outcome="")),
                name="rise_end_after_start_with_outcome",
            ),
            models.CheckConstraint(
                condition=models.Q(grant_amount__isnull=True)
                | (models.Q(kind="targeted") & models.Q(grant_amount__gte=0)),
                name="rise_grant_targeted_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"RISE {self.get_kind_display().lower()} for {self.establishment} from {self.started_on:%-d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class MeetingPack(models.Model):
    """A PDF of a review group meeting's pack, made by the background runner (``headway.concerns.tasks``) when
    someone asks for it. Anyone who may see the meeting may download it; the newest few of each meeting are
    kept (``headway.concerns.packs``)."""

    class Status(models.TextChoices):
        MAKING = "making", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be made"

    meeting = models.ForeignKey(ReviewGroupMeeting, on_delete=models.CASCADE, related_name="packs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MAKING)
    task_id = models.CharField(max_length=64, blank=True, help_text="The background task making it.")
    pdf = models.BinaryField(blank=True, default=b"", editable=False)
    made_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Review group pack, {self.meeting.held_on:%-d %B %Y}"

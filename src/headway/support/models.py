"""Support and partnerships: system leaders and providers, brokered and commissioned support with its
delivery and impact, the LA's traded services, and school-improvement partnerships with the preferences
schools state and the annual review of each partnership.

Commissions, evaluations and reviews are never edited away: a correction is a new record, and every change
goes through the services, which write the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ProviderKind(models.TextChoices):
    NLE = "nle", "National Leader of Education"
    LLE = "lle", "Local Leader of Education"
    NLG = "nlg", "National Leader of Governance"
    NATIONAL_SUPPORT_SCHOOL = "national_support_school", "National support school"
    TEACHING_SCHOOL_HUB = "teaching_school_hub", "Teaching school / hub"
    TRADED_ADVISER = "traded_adviser", "Traded adviser"
    PEER_HEADTEACHER = "peer_headteacher", "Peer headteacher"
    EXTERNAL = "external", "External organisation"


class Provider(models.Model):
    """A system leader or support provider the LA can broker. A provider based in a school (``home_school``)
    must come from a good or better school unless an officer records why not (``home_school_override``)."""

    local_authority = models.ForeignKey("schools.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=ProviderKind.choices)
    home_school = models.ForeignKey(
        "schools.Establishment", on_delete=models.PROTECT, null=True, blank=True, related_name="providers"
    )
    phases = models.JSONField(default=list, help_text='Phases served, e.g. ["Primary", "Secondary"].')
    specialisms = models.JSONField(default=list, help_text='e.g. ["early years", "writing", "SEND"].')
    capacity_days_per_term = models.DecimalField(max_digits=6, decimal_places=1)
    day_rate = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    email = models.EmailField(blank=True)
    active = models.BooleanField(default=True)
    home_school_override = models.TextField(
        blank=True, help_text="Why the provider may support others although its own school is not good or better."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class ConflictOfInterest(models.Model):
    """A provider must not be brokered to this school (a relative on staff, a former employer, a competitor)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="conflicts")
    establishment = models.ForeignKey("schools.Establishment", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "establishment"], name="conflict_once")]

    def __str__(self) -> str:
        return f"{self.provider} conflicts with {self.establishment}"


class PaidBy(models.TextChoices):
    SCHOOL = "school", "The school"
    LA = "la", "The LA"
    TRUST = "trust", "The trust"
    GRANT = "grant", "Grant"


class Commission(models.Model):
    """Support commissioned from a provider for a school and a need, with days, rate, cost and who pays."""

    class Status(models.TextChoices):
        COMMISSIONED = "commissioned", "Commissioned"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="commissions")
    establishment = models.ForeignKey("schools.Establishment", on_delete=models.PROTECT, related_name="commissions")
    need = models.CharField(max_length=120, help_text="The specialism needed, e.g. writing.")
    description = models.TextField()
    days = models.DecimalField(max_digits=6, decimal_places=1)
    day_rate = models.DecimalField(max_digits=8, decimal_places=2)
    cost = models.DecimalField(max_digits=10, decimal_places=2)
    paid_by = models.CharField(max_length=10, choices=PaidBy.choices)
    milestone = models.ForeignKey(
        "concerns.Milestone", on_delete=models.SET_NULL, null=True, blank=True, related_name="commissions"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COMMISSIONED)
    commissioned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="commission_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.provider.name} for {self.establishment.name}: {self.need}, {self.days} days"


class DeliveryLog(models.Model):
    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="deliveries")
    delivered_on = models.DateField()
    days = models.DecimalField(max_digits=5, decimal_places=1)
    notes = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivered_on", "id"]

    def __str__(self) -> str:
        return f"{self.days} days on {self.delivered_on:%-d %B %Y}"


class ImpactRating(models.IntegerChoices):
    STRONG = 4, "Strong impact"
    GOOD = 3, "Good impact"
    SOME = 2, "Some impact"
    NONE = 1, "No discernible impact"


class ImpactEvaluation(models.Model):
    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="evaluations")
    evaluated_on = models.DateField()
    what_changed = models.TextField()
    evidence = models.TextField()
    rating = models.PositiveSmallIntegerField(choices=ImpactRating.choices)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-evaluated_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} ({self.evaluated_on:%-d %B %Y})"


class TradedService(models.Model):
    """A service the LA sells to schools by the hour (e.g. school-improvement adviser time)."""

    local_authority = models.ForeignKey("schools.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    hourly_rate = models.DecimalField(max_digits=8, decimal_places=2)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["local_authority", "name"], name="traded_service_once")]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    """The hours a school bought from a traded service for an academic year."""

    service = models.ForeignKey(TradedService, on_delete=models.PROTECT, related_name="subscriptions")
    establishment = models.ForeignKey("schools.Establishment", on_delete=models.PROTECT, related_name="subscriptions")
    start_year = models.PositiveIntegerField(help_text="The year the academic year starts (2025 = 2025/26).")
    hours_bought = models.DecimalField(max_digits=7, decimal_places=1)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_year", "establishment__name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "establishment", "start_year"], name="subscription_once"),
        ]

    def __str__(self) -> str:
        return f"{self.establishment} bought {self.hours_bought} hours of {self.service} ({self.start_year})"


class TradedHoursUse(models.Model):
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="uses")
    used_on = models.DateField()
    hours = models.DecimalField(max_digits=6, decimal_places=1)
    description = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["used_on", "id"]

    def __str__(self) -> str:
        return f"{self.hours} hours on {self.used_on:%-d %B %Y}"


# Partnerships --------------------------------------------------------------------------------------------------


class PartnershipType(models.TextChoices):
    HARD = "hard", "Hard (federation, MAT, chain)"
    STRUCTURED = "structured", "Structured"
    LOOSE = "loose", "Loose"


class PartnershipPreference(models.Model):
    """What a school said in the LA's partnership survey for a year. A later answer supersedes an earlier one."""

    establishment = models.ForeignKey(
        "schools.Establishment", on_delete=models.CASCADE, related_name="partnership_preferences"
    )
    start_year = models.PositiveIntegerField()
    wants_partnership = models.BooleanField(default=True)
    wanted_type = models.CharField(max_length=20, choices=PartnershipType.choices, blank=True)
    associate_only = models.BooleanField(default=False, help_text="Wants associate membership only.")
    existing_partners = models.JSONField(default=list, help_text="URNs of schools it already works with.")
    wished_partners = models.JSONField(default=list, help_text="URNs of schools it would like to work with.")
    declines_joint_governance = models.BooleanField(
        default=False, help_text="e.g. a faith school that will not share governance (no hard partnership)."
    )
    declines_secondary_lead = models.BooleanField(
        default=False, help_text="A primary that does not want a secondary school in a hard partnership with it."
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.establishment} partnership preference {self.start_year}"


class Partnership(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CONFIRMED = "confirmed", "Confirmed"
        DISSOLVED = "dissolved", "Dissolved"

    class Source(models.TextChoices):
        OPTIMISER = "optimiser", "Proposed by the match-making optimiser"
        HAND = "hand", "Formed by hand"

    local_authority = models.ForeignKey("schools.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=PartnershipType.choices)
    start_year = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    source = models.CharField(max_length=20, choices=Source.choices)
    score = models.FloatField(null=True, blank=True)
    policy_name = models.CharField(max_length=60)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_year", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_type_display()}, {self.start_year})"


class PartnershipMembership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        ASSOCIATE = "associate", "Associate member"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    establishment = models.ForeignKey(
        "schools.Establishment", on_delete=models.PROTECT, related_name="partnership_memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    fixed = models.BooleanField(default=False, help_text="Fixed by an officer: the optimiser keeps it here.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "establishment"], name="partnership_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.establishment} in {self.partnership}"


class PartnershipReview(models.Model):
    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue"
        CHANGE = "change", "Change"
        DISSOLVE = "dissolve", "Dissolve"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    impact = models.TextField(help_text="The impact of the partnership's activities.")
    movement = models.JSONField(default=dict, help_text="Each school's category and results then and now.")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reasons = models.TextField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.partnership} on {self.reviewed_on:%-d %B %Y}: {self.get_decision_display()}"

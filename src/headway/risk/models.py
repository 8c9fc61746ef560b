"""Officer judgements, categorisation rounds, the proposals Headway makes and the decisions officers take."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


class OfficerJudgement(models.Model):
    """A dated professional judgement about a school, with its author and reason. Never edited: a new
    judgement supersedes the last one of the same kind."""

    class Kind(models.TextChoices):
        CAPACITY_TO_IMPROVE = "capacity_to_improve", "Capacity to improve (A strong, B good, C limited, D weak)"
        LEADERSHIP_CONCERN = "leadership_concern", "Serious concern about leadership"
        GOVERNANCE_CONCERN = "governance_concern", "Serious concern about governance"
        SAFEGUARDING_CONCERN = "safeguarding_concern", "Concern about safeguarding or pupils' safety"
        WOULD_BE_RI_NOW = "would_be_ri_now", "Would be judged requires improvement or worse now"

    establishment = models.ForeignKey("schools.Establishment", on_delete=models.CASCADE, related_name="judgements")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    value = models.CharField(max_length=10, help_text="A-D for capacity; yes or no for the others.")
    made_on = models.DateField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_on", "-recorded_at"]
        indexes = [models.Index(fields=["establishment", "kind", "made_on"])]

    def __str__(self) -> str:
        return f"{self.establishment}: {self.get_kind_display()} = {self.value} ({self.made_on:%-d %B %Y})"


class CategorisationRound(models.Model):
    """One run of an LA's policy over its schools (the autumn round, or any time new evidence arrives)."""

    local_authority = models.ForeignKey("schools.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    policy_name = models.CharField(max_length=60)
    policy_version = models.PositiveIntegerField()
    policy_title = models.CharField(max_length=200)
    as_of = models.DateField(help_text="Evidence available on this date was used.")
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by_name = models.CharField(max_length=150)
    risk_model_version = models.CharField(max_length=120, blank=True)
    risk_ranking = models.CharField(
        max_length=10,
        blank=True,
        help_text="The ranking shown: 'model' or 'rule' (whichever did better in the latest backtest).",
    )
    risk_basis = models.TextField(blank=True, help_text="Which ranking is shown, why, and how well it did, in words.")
    notes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.policy_title} round of {self.as_of:%-d %B %Y} ({self.local_authority.name})"


class CategoryProposal(models.Model):
    """What the policy proposed for one school, with every rule that fired and the evidence it read."""

    round = models.ForeignKey(CategorisationRound, on_delete=models.CASCADE, related_name="proposals")
    establishment = models.ForeignKey("schools.Establishment", on_delete=models.CASCADE, related_name="proposals")
    category = models.CharField(max_length=20)
    category_label = models.CharField(max_length=200)
    causing_concern = models.BooleanField()
    reasons = models.JSONField(default=list)
    triggers = models.JSONField(default=list)
    evidence = models.JSONField(default=dict)
    risk = models.FloatField(null=True, blank=True)
    risk_factors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["establishment__name"]
        constraints = [models.UniqueConstraint(fields=["round", "establishment"], name="proposal_one_per_school")]

    def __str__(self) -> str:
        return f"{self.establishment}: {self.category} proposed"

    @property
    def decision(self) -> CategoryDecision | None:
        """The latest decision. Read from ``prefetch_related("decisions")`` when the list was prefetched, so a
        round's schools (its page, its download) cost one query for all their decisions, not one each."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("decisions")
        if prefetched is not None:
            return max(prefetched, key=lambda d: (d.decided_at, d.id), default=None)
        return self.decisions.order_by("-decided_at", "-id").first()


class CategoryDecision(models.Model):
    """An officer's confirmation or override of a proposal. Decisions are never changed: a later one
    supersedes an earlier one, and both stay."""

    class Action(models.TextChoices):
        CONFIRM = "confirm", "Confirmed"
        OVERRIDE = "override", "Overridden"

    proposal = models.ForeignKey(CategoryProposal, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(max_length=10, choices=Action.choices)
    category = models.CharField(max_length=20)
    category_label = models.CharField(max_length=200)
    causing_concern = models.BooleanField()
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(action="override") | ~models.Q(reason=""), name="override_needs_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal.establishment}: {self.category} ({self.get_action_display().lower()})"


class CategorisationSetting(models.Model):
    """An LA's choices about categorisation."""

    local_authority = models.OneToOneField("schools.LocalAuthority", on_delete=models.CASCADE, related_name="+")
    share_category_with_schools = models.BooleanField(
        default=False, help_text="Headteachers and chairs see their own school's category and reasons."
    )

    def __str__(self) -> str:
        return f"Categorisation settings for {self.local_authority}"


class SchoolFinance(models.Model):
    """A maintained school's income and expenditure for one financial year, as DfE published them (consistent
    financial reporting, CFR). ``year`` is the calendar year in which the financial year ends (2016 = April
    2015 to March 2016). Academies report for academic years elsewhere and are not in these files."""

    urn = models.PositiveIntegerField(db_index=True)
    year = models.PositiveSmallIntegerField()
    income = models.DecimalField(max_digits=14, decimal_places=2)
    expenditure = models.DecimalField(max_digits=14, decimal_places=2)
    source_import = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["urn", "year"], name="school_finance_unique")]

    def __str__(self) -> str:
        return f"{self.urn} finances {self.year}: income {self.income}, expenditure {self.expenditure}"

    @property
    def in_year_balance(self) -> Decimal:
        return self.income - self.expenditure

"""The rules of the schools-causing-concern records, as plain functions of the records and the policy.

Each returns what holds (and why) without writing anything; ``services`` refuses what they forbid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from headway.concerns.models import ConcernJudgement, SchoolCausingConcern, WarningNotice
from headway.concerns.policy import ConcernPolicy, WarningNoticeRule
from headway.inspections.models import Framework, Inspection
from headway.schools.models import Establishment, Governance
from headway.visits.calendar import bank_holidays

GRADE_WORDS = {1: "outstanding", 2: "good", 3: "requires improvement", 4: "inadequate"}


def _winter_bank_holidays(year: int) -> set[dt.date]:
    """Christmas Day, Boxing Day (December ``year``) and New Year's Day (January ``year``), each moved to the
    next free weekday when it falls at a weekend, as England's substitute days are."""
    days: set[dt.date] = set()
    for day in (dt.date(year, 12, 25), dt.date(year, 12, 26)):
        while day.weekday() >= 5 or day in days:
            day += dt.timedelta(days=1)
        days.add(day)
    new_year = dt.date(year, 1, 1)
    while new_year.weekday() >= 5:
        new_year += dt.timedelta(days=1)
    return days | {new_year}


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days (Monday to Friday, not England's bank holidays) after ``start``."""
    holidays = (
        bank_holidays(start.year - 1)
        | bank_holidays(start.year)
        | _winter_bank_holidays(start.year)
        | _winter_bank_holidays(start.year + 1)
    )
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            left -= 1
    return day


def months_between(earlier: dt.date, later: dt.date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - 1 if later.day < earlier.day else months


def is_maintained(establishment: Establishment) -> bool:
    return establishment.governance == Governance.MAINTAINED


def is_academy(establishment: Establishment) -> bool:
    return establishment.governance == Governance.ACADEMY


@dataclass(frozen=True)
class Standing:
    """What one inspection says for the removal rule: ``good_or_better`` clears a school; ``blocks`` holds it on
    the register (requires improvement or inadequate, or the report-card equivalent); neither is neutral."""

    inspection: Inspection
    good_or_better: bool
    blocks: bool
    description: str


def _standing_of(inspection: Inspection, policy: ConcernPolicy) -> Standing | None:
    when = f"{inspection.start_date:%-d %B %Y}"
    grades = [j.grade for j in inspection.judgements.all()]
    if inspection.overall_effectiveness is not None:
        grade = inspection.overall_effectiveness
        return Standing(
            inspection,
            grade in policy.removal_cleared_by_grades,
            grade in policy.removal_blocked_by_grades,
            f"the inspection of {when} judged it {GRADE_WORDS.get(grade, str(grade))}",
        )
    if inspection.framework == Framework.REPORT_CARD_2025 and grades:
        # Safeguarding that was not recorded is "not recorded", never "met".
        areas_good = min(grades) >= policy.removal_report_card_at_least
        good = areas_good and inspection.safeguarding_met is True
        safeguarding = {True: "", False: " and safeguarding not met", None: " and safeguarding not recorded"}
        return Standing(
            inspection,
            good,
            not good,
            f"the report-card inspection of {when} found "
            + ("every area at the expected standard or better" if areas_good else "areas below the expected standard")
            + safeguarding[inspection.safeguarding_met],
        )
    if grades:  # September 2024 framework: key judgements without an overall grade
        worst = max(grades)
        return Standing(
            inspection,
            worst in policy.removal_cleared_by_grades,
            worst in policy.removal_blocked_by_grades,
            f"the inspection of {when} judged its weakest area {GRADE_WORDS.get(worst, '?')}",
        )
    return None


def _standings(establishment: Establishment, policy: ConcernPolicy) -> list[Standing]:
    """Every inspection that judged the school, newest first."""
    found: list[Standing] = []
    for inspection in (
        Inspection.objects.filter(establishment=establishment).prefetch_related("judgements").order_by("-start_date")
    ):
        standing = _standing_of(inspection, policy)
        if standing is not None:
            found.append(standing)
    return found


def inspection_standing(establishment: Establishment, policy: ConcernPolicy) -> Standing | None:
    """The latest inspection that judged the school: an overall grade (legacy frameworks), key judgements
    (September 2024 framework, no overall grade) or report-card areas and safeguarding (November 2025)."""
    standings = _standings(establishment, policy)
    return standings[0] if standings else None


def removal_blocker(concern: SchoolCausingConcern, policy: ConcernPolicy) -> str | None:
    """Why the school may not be removed from the register yet, or None. A school judged requires
    improvement or inadequate (the policy's ``blocked_by_grades``) stays until a later inspection judges it
    good or better (``cleared_by_grades``); inspections that do neither leave the question to earlier ones."""
    for standing in _standings(concern.establishment, policy):
        if standing.good_or_better:
            return None
        if standing.blocks:
            return (
                f"{concern.establishment.name} cannot be removed: {standing.description}, and a school judged "
                "requires improvement or inadequate stays on the register until a later inspection judges it good "
                f"or better (policy {policy.name} v{policy.version})."
            )
    return None


def latest_judgement(concern: SchoolCausingConcern, kind: str, on: dt.date) -> ConcernJudgement | None:
    return concern.judgements.filter(kind=kind, made_on__lte=on).order_by("-made_on", "-recorded_at", "-id").first()


def _more_than_months(since: dt.date, today: dt.date, months: int) -> bool:
    """True once more than ``months`` whole months have passed since ``since``."""
    passed = months_between(since, today)
    return passed > months or (passed == months and today.day > since.day)


@dataclass(frozen=True)
class NoticeReason:
    rule: WarningNoticeRule
    judgement: ConcernJudgement


def warning_notice_reasons(concern: SchoolCausingConcern, policy: ConcernPolicy, today: dt.date) -> list[NoticeReason]:
    """The policy's rules that propose a formal warning notice for this school today (designation is itself
    the informal warning)."""
    if not concern.is_open:
        return []
    reasons: list[NoticeReason] = []
    for rule in policy.warning_notice_rules:
        judgement = latest_judgement(concern, rule.judgement, today)
        if judgement is None or not judgement.value:
            continue
        months = rule.causing_concern_more_than_months
        if months is not None and not _more_than_months(concern.designated_on, today, months):
            continue
        reasons.append(NoticeReason(rule, judgement))
    return reasons


#: The eligibility ground each category of concern gives (Education and Inspections Act 2006 ss.61-62).
CATEGORY_GROUNDS = {
    "SM": "special_measures",
    "SWK": "serious_weaknesses",
    "RSI": "requires_significant_improvement",
}


@dataclass(frozen=True)
class Eligibility:
    since: dt.date
    ground: str
    ground_label: str


def eligibility(concern: SchoolCausingConcern, policy: ConcernPolicy) -> Eligibility | None:
    """Whether a maintained school is eligible for intervention: it did not comply with a warning notice and
    the LA gave written notice, or Ofsted judged it to need special measures or significant improvement
    (and no later inspection judged it otherwise). Academies are never eligible for LA intervention."""
    if not is_maintained(concern.establishment) or not concern.is_open:
        return None
    found: list[Eligibility] = []
    notice = (
        concern.warning_notices.filter(outcome=WarningNotice.Outcome.NOT_COMPLIED, eligibility_notice_on__isnull=False)
        .order_by("eligibility_notice_on")
        .first()
    )
    if notice is not None and notice.eligibility_notice_on is not None:
        key = "warning_notice_not_complied"
        found.append(Eligibility(notice.eligibility_notice_on, key, policy.eligibility_grounds[key]))
    standing = inspection_standing(concern.establishment, policy)
    if standing is not None and standing.inspection.category_of_concern in CATEGORY_GROUNDS:
        key = CATEGORY_GROUNDS[standing.inspection.category_of_concern]
        if key not in policy.eligibility_grounds:  # an older policy file: RSI is the statutory SWK category
            key = "serious_weaknesses"
        since = standing.inspection.publication_date or standing.inspection.start_date
        found.append(Eligibility(since, key, policy.eligibility_grounds[key]))
    return min(found, key=lambda e: e.since) if found else None


def statement_of_action_inspection(concern: SchoolCausingConcern, policy: ConcernPolicy) -> Inspection | None:
    """The inspection that requires the LA's statement of action: a maintained school whose latest
    inspection placed it in special measures or found serious weaknesses."""
    if not is_maintained(concern.establishment):
        return None
    standing = inspection_standing(concern.establishment, policy)
    if standing is not None and standing.inspection.category_of_concern in policy.statement_categories:
        return standing.inspection
    return None


def statement_of_action_due(inspection: Inspection, policy: ConcernPolicy) -> dt.date:
    return add_working_days(inspection.publication_date or inspection.start_date, policy.statement_due_working_days)


def plan_review_due(concern: SchoolCausingConcern, policy: ConcernPolicy) -> dt.date | None:
    """When the action plan must next be reviewed (at least termly), or None when there is no plan."""
    plan = concern.plans.order_by("-version").first()
    if plan is None:
        return None
    from headway.concerns.models import PlanReview

    last = PlanReview.objects.filter(plan__concern=concern).order_by("-reviewed_on").first()
    since = max(plan.agreed_on, last.reviewed_on) if last is not None else plan.agreed_on
    return since + dt.timedelta(days=policy.plan_review_at_least_every_days)


def academy_order_position(concern: SchoolCausingConcern, policy: ConcernPolicy) -> str | None:
    """What the law says about an academy order for a maintained school in a category of concern, in words;
    None when the school is not a maintained school in a category of concern or the policy says nothing."""
    rule = policy.academy_order
    if rule is None or not is_maintained(concern.establishment):
        return None
    standing = inspection_standing(concern.establishment, policy)
    category = standing.inspection.category_of_concern if standing is not None else ""
    if not category:
        return None
    name = standing.inspection.get_category_of_concern_display().lower() if standing is not None else category
    if category in rule.duty_for:
        text = f"The Secretary of State must make an academy order for a maintained school in {name}"
    elif category in rule.power_for:
        text = f"The Secretary of State may make an academy order for a maintained school in {name}"
    else:
        return None
    if category in rule.structural_default_for:
        text += "; structural intervention is the default"
    else:
        text += "; structural intervention is not the default"
    return f"{text} ({rule.basis})."


def rise_targeted(concern: SchoolCausingConcern, policy: ConcernPolicy, today: dt.date) -> bool:
    """Whether the policy sends this school to RISE targeted intervention because of its category."""
    if not policy.rise_targeted_for or (policy.rise_targeted_from and today < policy.rise_targeted_from):
        return False
    standing = inspection_standing(concern.establishment, policy)
    return standing is not None and standing.inspection.category_of_concern in policy.rise_targeted_for

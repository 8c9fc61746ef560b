"""School-improvement partnerships: the facts the rules read, the rules themselves, and the services that
record survey answers, proposals, hand edits, confirmation and the annual review.

The rules (``partnership_violations``) read the LA's policy (``partnership_policy``) and the facts about each
school (``school_facts``, gathered for the whole LA in a handful of queries). Only full members count: an
associate member shares no governance, so it counts toward no size and no rule.

Every change goes through a service here, which refuses what would break a rule (``PartnershipRuleError``,
with one message per broken rule, in users' words) and writes the audit trail.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from headway.accounts.audit import record
from headway.accounts.models import User
from headway.concerns.models import ConcernStatus, SchoolCausingConcern
from headway.inspections.models import Framework, Inspection
from headway.performance.models import SchoolResult
from headway.refusals import RuleRefused
from headway.risk.models import CategoryDecision, OfficerJudgement
from headway.risk.selectors import current_decision
from headway.schools.models import Establishment, LocalAuthority
from headway.support.models import (
    Partnership,
    PartnershipMembership,
    PartnershipPreference,
    PartnershipReview,
    PartnershipType,
)
from headway.support.partnership_policy import PartnershipPolicy

if TYPE_CHECKING:
    from headway.support.optimiser import Proposal

NOT_FAITH = {"", "none", "does not apply"}
GRADE_WORDS = {1: "outstanding", 2: "good", 3: "requires improvement", 4: "inadequate"}
HEADLINE_MEASURES = {"primary": "ks2.rwm_exp", "secondary": "ks4.p8"}
ACTIVE = (Partnership.Status.PROPOSED, Partnership.Status.CONFIRMED)


class PartnershipRuleError(RuleRefused):
    """A change was refused: ``problems`` lists each broken rule in users' words."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(*problems)


# Facts -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preference:
    """A school's latest survey answer for the year."""

    wants_partnership: bool
    wanted_type: str
    associate_only: bool
    existing_partners: tuple[int, ...]
    wished_partners: tuple[int, ...]
    declines_joint_governance: bool
    declines_secondary_lead: bool


@dataclass(frozen=True)
class SchoolFacts:
    """What the partnership rules and the optimiser know about one school."""

    id: int
    urn: int
    name: str
    phase: str
    is_open: bool
    easting: int | None
    northing: int | None
    strong: bool
    strong_reason: str
    causing_concern: bool
    faith: bool
    preference: Preference | None = None

    @property
    def asked(self) -> bool:
        return self.preference is not None and self.preference.wants_partnership

    @property
    def declines_joint_governance(self) -> bool:
        return self.preference is not None and self.preference.declines_joint_governance

    @property
    def declines_secondary_lead(self) -> bool:
        return self.preference is not None and self.preference.declines_secondary_lead

    @property
    def located(self) -> bool:
        return self.easting is not None and self.northing is not None


def is_faith(religious_character: str) -> bool:
    return religious_character.strip().lower() not in NOT_FAITH


def is_secondary(facts: SchoolFacts, policy: PartnershipPolicy) -> bool:
    return facts.phase in policy.secondary_phases


def distance_km(a: SchoolFacts, b: SchoolFacts) -> float:
    """Straight-line distance between two schools' grid references; infinite when either has none."""
    if a.easting is None or a.northing is None or b.easting is None or b.northing is None:
        return math.inf
    return math.hypot(a.easting - b.easting, a.northing - b.northing) / 1000


def _inspection_strength(inspection: Inspection, policy: PartnershipPolicy) -> tuple[bool, str] | None:
    """Whether the inspection makes the school good or better under the policy; None if it graded nothing."""
    when = f"{inspection.start_date:%-d %B %Y}"
    grades = [j.grade for j in inspection.judgements.all()]
    if inspection.overall_effectiveness is not None:
        grade = inspection.overall_effectiveness
        return grade in policy.strong_overall_grades, f"judged {GRADE_WORDS.get(grade, str(grade))} on {when}"
    if inspection.framework == Framework.REPORT_CARD_2025 and grades:
        good = min(grades) >= policy.strong_report_card_at_least and inspection.safeguarding_met is not False
        words = "every area at the expected standard or better" if good else "areas below the expected standard"
        return good, f"report card of {when}: {words}"
    if grades:  # September 2024 framework: key judgements without an overall grade
        worst = max(grades)
        return worst in policy.strong_overall_grades, f"weakest area {GRADE_WORDS.get(worst, '?')} on {when}"
    return None


def school_facts(
    local_authority: LocalAuthority, start_year: int, *, policy: PartnershipPolicy
) -> dict[int, SchoolFacts]:
    """The facts for every school of the LA, by URN, in five queries whatever the LA's size."""
    schools = list(
        Establishment.objects.filter(local_authority=local_authority).only(
            "id", "urn", "name", "phase", "status", "easting", "northing", "religious_character"
        )
    )
    strength: dict[int, tuple[bool, str]] = {}
    for inspection in (
        Inspection.objects.filter(establishment__local_authority=local_authority)
        .prefetch_related("judgements")
        .order_by("establishment_id", "-start_date")
    ):
        if inspection.establishment_id in strength:
            continue
        found = _inspection_strength(inspection, policy)
        if found is not None:
            strength[inspection.establishment_id] = found
    capacity: dict[int, OfficerJudgement] = {}
    for judged in OfficerJudgement.objects.filter(
        establishment__local_authority=local_authority, kind=OfficerJudgement.Kind.CAPACITY_TO_IMPROVE
    ).order_by("establishment_id", "-made_on", "-recorded_at", "-id"):
        capacity.setdefault(judged.establishment_id, judged)
    concerns = set(
        SchoolCausingConcern.objects.filter(establishment__local_authority=local_authority)
        .exclude(status=ConcernStatus.REMOVED)
        .values_list("establishment_id", flat=True)
    )
    preferences: dict[int, Preference] = {}
    for answer in PartnershipPreference.objects.filter(
        establishment__local_authority=local_authority, start_year=start_year
    ).order_by("establishment_id", "-submitted_at", "-id"):
        if answer.establishment_id not in preferences:
            preferences[answer.establishment_id] = Preference(
                wants_partnership=answer.wants_partnership,
                wanted_type=answer.wanted_type,
                associate_only=answer.associate_only,
                existing_partners=tuple(int(u) for u in answer.existing_partners),
                wished_partners=tuple(int(u) for u in answer.wished_partners),
                declines_joint_governance=answer.declines_joint_governance,
                declines_secondary_lead=answer.declines_secondary_lead,
            )
    facts: dict[int, SchoolFacts] = {}
    for school in schools:
        good, reason = strength.get(school.pk, (False, "no graded inspection"))
        judgement = capacity.get(school.pk)
        if good and judgement is not None and judgement.value in policy.weak_capacity_to_improve:
            good = False
            reason += f", but capacity to improve judged {judgement.value} on {judgement.made_on:%-d %B %Y}"
        facts[school.urn] = SchoolFacts(
            id=school.pk,
            urn=school.urn,
            name=school.name,
            phase=school.phase,
            is_open=school.is_open,
            easting=school.easting,
            northing=school.northing,
            strong=good,
            strong_reason=reason,
            causing_concern=school.pk in concerns,
            faith=is_faith(school.religious_character),
            preference=preferences.get(school.pk),
        )
    return facts


# Rules -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    rule: str  # size, type, strong_school, causing_concern, joint_governance, secondary_lead
    message: str


def violations(
    members: Sequence[int], type: str, facts: Mapping[int, SchoolFacts], policy: PartnershipPolicy
) -> list[Violation]:
    """Each rule the full members (URNs) would break in a partnership of this type."""
    found: list[Violation] = []
    rule = policy.types.get(type)
    if rule is None:
        return [Violation("type", f"The policy has no partnership type {type!r}.")]
    schools = [facts[urn] for urn in members]
    size = len(schools)
    noun = f"A {rule.label.split(' (')[0].lower()} partnership"
    if size < rule.min_size:
        found.append(
            Violation(
                "min_size",
                f"{noun} needs at least {rule.min_size} schools, not counting associate members; it would have {size}.",
            )
        )
    if size > rule.max_size:
        found.append(
            Violation(
                "max_size",
                f"{noun} may have at most {rule.max_size} schools, not counting associate members; it would have "
                f"{size}.",
            )
        )
    if schools and not any(s.strong for s in schools):
        found.append(
            Violation(
                "strong_school",
                "A partnership needs at least one good or outstanding school with strong leadership; none of its "
                "schools is one.",
            )
        )
    concern = sum(1 for s in schools if s.causing_concern)
    if concern and size != policy.concern_exempt_size and concern > policy.concern_max_share * size:
        found.append(
            Violation(
                "causing_concern",
                f"Schools causing concern may be at most {policy.share_words} of a partnership's schools (unless it "
                f"has {policy.concern_exempt_size}); {concern} of its {size} would be.",
            )
        )
    if type in policy.joint_governance_excluded_types:
        for school in schools:
            if school.declines_joint_governance:
                found.append(
                    Violation(
                        "joint_governance",
                        f"{school.name} has declined joint governance, so it cannot be in a "
                        f"{rule.label[0].lower()}{rule.label[1:]} partnership.",
                    )
                )
    if type in policy.secondary_lead_excluded_types:
        secondaries = [s for s in schools if is_secondary(s, policy)]
        for school in schools:
            if school.declines_secondary_lead and not is_secondary(school, policy) and secondaries:
                found.append(
                    Violation(
                        "secondary_lead",
                        f"{school.name} does not want a secondary school in a {rule.label.split(' (')[0].lower()} "
                        f"partnership with it, and {secondaries[0].name} is one.",
                    )
                )
    return found


def partnership_violations(
    members: Sequence[int], type: str, facts: Mapping[int, SchoolFacts], policy: PartnershipPolicy
) -> list[str]:
    """One message per broken rule, in users' words; empty when the partnership keeps every rule."""
    return [v.message for v in violations(members, type, facts, policy)]


# Reading -------------------------------------------------------------------------------------------------------


def partnerships_for(
    local_authority: LocalAuthority, start_year: int, *, include_dissolved: bool = True
) -> QuerySet[Partnership]:
    found = Partnership.objects.filter(local_authority=local_authority, start_year=start_year)
    if not include_dissolved:
        found = found.filter(status__in=ACTIVE)
    return found.prefetch_related("memberships__establishment").order_by("status", "name", "id")


def full_members(partnership: Partnership) -> list[int]:
    return [
        m.establishment.urn
        for m in partnership.memberships.select_related("establishment")
        if m.role == PartnershipMembership.Role.MEMBER
    ]


def fixed_schools(local_authority: LocalAuthority, start_year: int) -> dict[int, int]:
    """URN -> partnership id of every school an officer fixed in a partnership the optimiser proposed:
    re-solving keeps the schools fixed to one partnership together and apart from the others."""
    return dict(
        PartnershipMembership.objects.filter(
            partnership__local_authority=local_authority,
            partnership__start_year=start_year,
            partnership__status=Partnership.Status.PROPOSED,
            partnership__source=Partnership.Source.OPTIMISER,
            fixed=True,
        ).values_list("establishment__urn", "partnership_id")
    )


def confirmed_schools(local_authority: LocalAuthority, start_year: int) -> set[int]:
    """URNs already in a confirmed partnership for the year, or in one an officer formed by hand: the optimiser
    leaves them where they are."""
    return set(
        PartnershipMembership.objects.filter(
            partnership__local_authority=local_authority, partnership__start_year=start_year
        )
        .filter(
            models.Q(partnership__status=Partnership.Status.CONFIRMED)
            | models.Q(partnership__status=Partnership.Status.PROPOSED, partnership__source=Partnership.Source.HAND)
        )
        .values_list("establishment__urn", flat=True)
    )


def _state(partnership: Partnership) -> dict[str, Any]:
    return {
        "name": partnership.name,
        "type": partnership.type,
        "status": partnership.status,
        "members": sorted(
            f"{m.establishment.urn}{' (associate)' if m.role == PartnershipMembership.Role.ASSOCIATE else ''}"
            f"{' fixed' if m.fixed else ''}"
            for m in partnership.memberships.select_related("establishment")
        ),
    }


def _signature(partnership: Partnership) -> tuple[str, frozenset[int], frozenset[int]]:
    """The partnership's type, full members and associates (URNs): what makes two proposals the same."""
    members = list(partnership.memberships.all())
    return (
        partnership.type,
        frozenset(m.establishment.urn for m in members if m.role == PartnershipMembership.Role.MEMBER),
        frozenset(m.establishment.urn for m in members if m.role == PartnershipMembership.Role.ASSOCIATE),
    )


def _actor(by: User | None, actor_name: str) -> dict[str, Any]:
    return {"actor": by, "actor_name": actor_name or ("" if by is not None else "headway partnerships")}


# Reading: where every school stands, and travel between members ------------------------------------------------

NO_LOCATION = "No location in the register (no easting and northing), so the optimiser cannot place it"


@dataclass(frozen=True)
class Placement:
    """Where one open school of the LA stands for the year's partnerships, in an officer's words."""

    establishment: Establishment
    partnership: Partnership | None
    role: str  # "Member" or "Associate member" when in a partnership
    state: str  # placed, not_answered, declined, no_location, waiting
    words: str

    @property
    def placeable(self) -> bool:
        return self.partnership is None and self.state != "declined"


def placements(local_authority: LocalAuthority, start_year: int, *, policy: PartnershipPolicy) -> list[Placement]:
    """Every open school of the LA, each placed in one of the year's partnerships (proposed or confirmed) or
    with the reason it is in none: it has not answered the survey, it answered that it wants no partnership, it
    has no location in the register (so the optimiser cannot place it), or it asked and is still waiting. No
    school is left out."""
    facts = {f.id: f for f in school_facts(local_authority, start_year, policy=policy).values()}
    where: dict[int, tuple[Partnership, str]] = {}
    for membership in PartnershipMembership.objects.filter(
        partnership__local_authority=local_authority, partnership__start_year=start_year, partnership__status__in=ACTIVE
    ).select_related("partnership"):
        where[membership.establishment_id] = (membership.partnership, membership.get_role_display())
    found: list[Placement] = []
    for school in Establishment.objects.filter(local_authority=local_authority).order_by("name", "urn"):
        if not school.is_open and school.pk not in where:
            continue
        fact = facts.get(school.pk)
        place = where.get(school.pk)
        if place is not None:
            state, words = "placed", f"In {place[0].name} ({place[0].get_status_display().lower()})"
        elif fact is None or fact.preference is None:
            state, words = "not_answered", "Not answered the survey"
            if school.easting is None or school.northing is None:
                words += "; no location in the register either"
        elif not fact.preference.wants_partnership:
            state, words = "declined", "Answered that it does not want a partnership"
        elif not fact.located:
            state, words = "no_location", NO_LOCATION
        else:
            state, words = "waiting", "Asked for a partnership and is in none yet"
        found.append(
            Placement(
                establishment=school,
                partnership=place[0] if place else None,
                role=place[1] if place else "",
                state=state,
                words=words,
            )
        )
    order = {"no_location": 0, "waiting": 1, "not_answered": 2, "declined": 3, "placed": 4}
    return sorted(found, key=lambda p: (order[p.state], p.establishment.name))


@dataclass(frozen=True)
class Journey:
    """The straight-line distance between two schools of a partnership; None when either has no location."""

    first: str
    second: str
    km: float | None

    @property
    def words(self) -> str:
        return "not known: no location in the register" if self.km is None else f"{self.km:.1f} km"


def travel(partnership: Partnership) -> list[Journey]:
    """The distance between every pair of the partnership's schools (members and associates), furthest first;
    pairs whose distance is not known come last."""
    schools = sorted(
        (m.establishment for m in partnership.memberships.select_related("establishment")), key=lambda s: s.name
    )
    journeys: list[Journey] = []
    for n, first in enumerate(schools):
        for second in schools[n + 1 :]:
            known = None not in (first.easting, first.northing, second.easting, second.northing)
            km = (
                round(
                    math.hypot(
                        (first.easting or 0) - (second.easting or 0), (first.northing or 0) - (second.northing or 0)
                    )
                    / 1000,
                    1,
                )
                if known
                else None
            )
            journeys.append(Journey(first.name, second.name, km))
    return sorted(journeys, key=lambda j: (j.km is None, -(j.km or 0), j.first, j.second))


# Services: the survey ---------------------------------------------------------------------------------------


def survey_answer(
    *,
    establishment: Establishment,
    start_year: int,
    by: User | None,
    wants_partnership: bool = True,
    wanted_type: str = "",
    associate_only: bool = False,
    existing_partners: Iterable[int] = (),
    wished_partners: Iterable[int] = (),
    declines_joint_governance: bool = False,
    declines_secondary_lead: bool = False,
    actor_name: str = "",
) -> PartnershipPreference:
    """Record a school's answer to the partnership survey; it supersedes any earlier answer for the year."""
    existing = sorted({int(u) for u in existing_partners})
    wished = sorted({int(u) for u in wished_partners})
    problems: list[str] = []
    if wanted_type and wanted_type not in PartnershipType.values:
        problems.append(f"There is no partnership type {wanted_type!r}.")
    named = set(existing) | set(wished)
    if establishment.urn in named:
        problems.append("A school cannot name itself as a partner.")
    known = set(
        Establishment.objects.filter(local_authority_id=establishment.local_authority_id, urn__in=named).values_list(
            "urn", flat=True
        )
    )
    unknown = sorted(named - known - {establishment.urn})
    if unknown:
        problems.append(f"These are not schools of the authority: {', '.join(str(u) for u in unknown)}.")
    if problems:
        raise PartnershipRuleError(problems)
    answer = PartnershipPreference.objects.create(
        establishment=establishment,
        start_year=start_year,
        wants_partnership=wants_partnership,
        wanted_type=wanted_type,
        associate_only=associate_only,
        existing_partners=existing,
        wished_partners=wished,
        declines_joint_governance=declines_joint_governance,
        declines_secondary_lead=declines_secondary_lead,
        submitted_by=by,
    )
    record(
        verb="partnership_preference.answered",
        target=answer,
        after={
            "start_year": start_year,
            "wants_partnership": wants_partnership,
            "wanted_type": wanted_type,
            "associate_only": associate_only,
            "existing_partners": existing,
            "wished_partners": wished,
            "declines_joint_governance": declines_joint_governance,
            "declines_secondary_lead": declines_secondary_lead,
        },
        **_actor(by, actor_name),
    )
    return answer


def latest_answer(establishment: Establishment, start_year: int) -> PartnershipPreference | None:
    return (
        PartnershipPreference.objects.filter(establishment=establishment, start_year=start_year)
        .order_by("-submitted_at", "-id")
        .first()
    )


# Services: proposals --------------------------------------------------------------------------------------------


@transaction.atomic
def proposal_save(
    *,
    local_authority: LocalAuthority,
    start_year: int,
    proposal: Proposal,
    policy: PartnershipPolicy,
    by: User | None,
    actor_name: str = "",
) -> list[Partnership]:
    """Store an optimiser result as proposed partnerships. The year's earlier proposals (not confirmed ones,
    nor ones formed by hand) are withdrawn, unless proposed again unchanged: those keep their partnership and
    its id. Schools an officer fixed stay fixed. Refuses a proposal that breaks a rule."""
    facts = school_facts(local_authority, start_year, policy=policy)
    problems = []
    for proposed in proposal.partnerships:
        for message in partnership_violations(proposed.schools, proposed.type, facts, policy):
            problems.append(f"{', '.join(str(u) for u in proposed.schools)}: {message}")
    if problems:
        raise PartnershipRuleError(problems)
    fixed = set(fixed_schools(local_authority, start_year))
    actor = _actor(by, actor_name)
    # A proposal the optimiser makes again unchanged (the same type, members and associates) keeps its
    # partnership, so its id, links and history stay; the others are withdrawn. Partnerships formed by hand
    # are the officer's and are left alone.
    earlier: dict[tuple[str, frozenset[int], frozenset[int]], Partnership] = {}
    for old in Partnership.objects.filter(
        local_authority=local_authority,
        start_year=start_year,
        status=Partnership.Status.PROPOSED,
        source=Partnership.Source.OPTIMISER,
    ).prefetch_related("memberships__establishment"):
        earlier[_signature(old)] = old
    kept: dict[int, Partnership] = {}
    for position, proposed in enumerate(proposal.partnerships):
        key = (proposed.type, frozenset(proposed.schools), frozenset(proposed.associates))
        if key in earlier:
            kept[position] = earlier.pop(key)
    for old in earlier.values():
        record(verb="partnership.proposal_withdrawn", target=old, before=_state(old), **actor)
        old.delete()
    by_urn = {f.urn: f for f in facts.values()}
    made: list[Partnership] = []
    for number, proposed in enumerate(proposal.partnerships, start=1):
        same = kept.get(number - 1)
        if same is not None:
            if same.score != proposed.score or same.policy_name != policy.name:
                same.score, same.policy_name = proposed.score, policy.name
                same.save(update_fields=["score", "policy_name"])
            made.append(same)
            continue
        anchor = by_urn[proposed.anchor] if proposed.anchor in by_urn else by_urn[proposed.schools[0]]
        partnership = Partnership.objects.create(
            local_authority=local_authority,
            name=f"{anchor.name} partnership ({number})",
            type=proposed.type,
            start_year=start_year,
            status=Partnership.Status.PROPOSED,
            source=Partnership.Source.OPTIMISER,
            score=proposed.score,
            policy_name=policy.name,
            created_by=by,
        )
        PartnershipMembership.objects.bulk_create(
            [
                PartnershipMembership(
                    partnership=partnership,
                    establishment_id=by_urn[urn].id,
                    role=PartnershipMembership.Role.MEMBER,
                    fixed=urn in fixed,
                )
                for urn in proposed.schools
            ]
            + [
                PartnershipMembership(
                    partnership=partnership,
                    establishment_id=by_urn[urn].id,
                    role=PartnershipMembership.Role.ASSOCIATE,
                    fixed=urn in fixed,
                )
                for urn in proposed.associates
            ]
        )
        record(
            verb="partnership.proposed",
            target=partnership,
            after={**_state(partnership), "score": proposed.score, "policy": policy.name},
            reason=f"Proposed by the match-making optimiser ({proposal.status}).",
            **actor,
        )
        made.append(partnership)
    return made


# Services: hand edits --------------------------------------------------------------------------------------------


def _editable(partnership: Partnership) -> None:
    if partnership.status == Partnership.Status.DISSOLVED:
        raise PartnershipRuleError(["The partnership has been dissolved; it cannot be changed."])


def _check(
    partnership: Partnership, members: Sequence[int], policy: PartnershipPolicy, type: str | None = None
) -> None:
    """Refuse, with every rule broken, members (and a type: the partnership's own by default) that break a rule."""
    facts = school_facts(partnership.local_authority, partnership.start_year, policy=policy)
    problems = partnership_violations(members, type or partnership.type, facts, policy)
    if problems:
        raise PartnershipRuleError(problems)


@transaction.atomic
def member_add(
    *,
    partnership: Partnership,
    establishment: Establishment,
    by: User,
    policy: PartnershipPolicy,
    associate: bool = False,
    reason: str = "",
) -> PartnershipMembership:
    """Add a school by hand. Refused if it would break a rule, or if the school is already in another of the
    year's partnerships."""
    _editable(partnership)
    if establishment.local_authority_id != partnership.local_authority_id:
        raise PartnershipRuleError([f"{establishment.name} is not one of the authority's schools."])
    elsewhere = (
        PartnershipMembership.objects.filter(
            establishment=establishment,
            partnership__start_year=partnership.start_year,
            partnership__status__in=ACTIVE,
        )
        .select_related("partnership")
        .first()
    )
    if elsewhere is not None:
        where = "this partnership" if elsewhere.partnership_id == partnership.pk else elsewhere.partnership.name
        raise PartnershipRuleError([f"{establishment.name} is already in {where} for {partnership.start_year}."])
    before = _state(partnership)
    if not associate:
        _check(partnership, [*full_members(partnership), establishment.urn], policy)
    membership = PartnershipMembership.objects.create(
        partnership=partnership,
        establishment=establishment,
        role=PartnershipMembership.Role.ASSOCIATE if associate else PartnershipMembership.Role.MEMBER,
    )
    record(
        actor=by,
        verb="partnership.member_added",
        target=partnership,
        before=before,
        after=_state(partnership),
        reason=reason,
    )
    return membership


@transaction.atomic
def member_remove(
    *, partnership: Partnership, establishment: Establishment, by: User, policy: PartnershipPolicy, reason: str = ""
) -> None:
    """Take a school out by hand. Refused if the partnership left behind would break a rule."""
    _editable(partnership)
    membership = partnership.memberships.filter(establishment=establishment).first()
    if membership is None:
        raise PartnershipRuleError([f"{establishment.name} is not in the partnership."])
    before = _state(partnership)
    if membership.role == PartnershipMembership.Role.MEMBER:
        _check(partnership, [u for u in full_members(partnership) if u != establishment.urn], policy)
    membership.delete()
    record(
        actor=by,
        verb="partnership.member_removed",
        target=partnership,
        before=before,
        after=_state(partnership),
        reason=reason,
    )


@transaction.atomic
def member_fix(
    *, partnership: Partnership, establishment: Establishment, fixed: bool, by: User, policy: PartnershipPolicy
) -> None:
    """Fix a school in the partnership (re-solving keeps it here), or free it. A partnership that breaks a rule
    cannot have schools fixed to it."""
    _editable(partnership)
    membership = partnership.memberships.filter(establishment=establishment).first()
    if membership is None:
        raise PartnershipRuleError([f"{establishment.name} is not in the partnership."])
    if fixed:
        _check(partnership, full_members(partnership), policy)
    if membership.fixed == fixed:
        return
    before = _state(partnership)
    membership.fixed = fixed
    membership.save(update_fields=["fixed"])
    record(
        actor=by,
        verb="partnership.member_fixed" if fixed else "partnership.member_freed",
        target=partnership,
        before=before,
        after=_state(partnership),
    )


@transaction.atomic
def partnership_create(
    *,
    local_authority: LocalAuthority,
    start_year: int,
    name: str,
    type: str,
    members: Sequence[Establishment],
    by: User,
    policy: PartnershipPolicy,
    reason: str = "",
) -> Partnership:
    """Form a partnership by hand, as a proposal an officer can then change and confirm. Refused if it would
    break a rule or a school is already in another of the year's partnerships. Re-solving leaves it alone."""
    problems: list[str] = []
    if not name.strip():
        problems.append("Give the partnership a name.")
    if type not in policy.types:
        problems.append("Choose a type of partnership.")
    if not members:
        problems.append("Choose the schools in the partnership.")
    for school in members:
        if school.local_authority_id != local_authority.pk:
            problems.append(f"{school.name} is not one of the authority's schools.")
    elsewhere = (
        PartnershipMembership.objects.filter(
            establishment__in=members, partnership__start_year=start_year, partnership__status__in=ACTIVE
        )
        .select_related("establishment", "partnership")
        .order_by("establishment__name")
    )
    for membership in elsewhere:
        problems.append(
            f"{membership.establishment.name} is already in {membership.partnership.name} for {start_year}."
        )
    if not problems:
        facts = school_facts(local_authority, start_year, policy=policy)
        problems = partnership_violations([s.urn for s in members], type, facts, policy)
    if problems:
        raise PartnershipRuleError(problems)
    partnership = Partnership.objects.create(
        local_authority=local_authority,
        name=name.strip(),
        type=type,
        start_year=start_year,
        status=Partnership.Status.PROPOSED,
        source=Partnership.Source.HAND,
        policy_name=policy.name,
        created_by=by,
    )
    PartnershipMembership.objects.bulk_create(
        [PartnershipMembership(partnership=partnership, establishment=school) for school in members]
    )
    record(actor=by, verb="partnership.formed_by_hand", target=partnership, after=_state(partnership), reason=reason)
    return partnership


@transaction.atomic
def partnership_type_change(
    *, partnership: Partnership, type: str, by: User, policy: PartnershipPolicy, reason: str = ""
) -> None:
    """Change the partnership's type, if its schools keep every rule of the new type."""
    _editable(partnership)
    if type not in policy.types:
        raise PartnershipRuleError(["Choose a type of partnership."])
    if type == partnership.type:
        raise PartnershipRuleError([f"The partnership is already {policy.types[type].label.split(' (')[0].lower()}."])
    _check(partnership, full_members(partnership), policy, type=type)
    before = _state(partnership)
    partnership.type = type
    partnership.save(update_fields=["type"])
    record(
        actor=by,
        verb="partnership.type_changed",
        target=partnership,
        before=before,
        after=_state(partnership),
        reason=reason,
    )


@transaction.atomic
def partnership_confirm(*, partnership: Partnership, by: User, policy: PartnershipPolicy, reason: str = "") -> None:
    """Confirm a proposed partnership, if it keeps every rule."""
    if partnership.status != Partnership.Status.PROPOSED:
        raise PartnershipRuleError([f"Only a proposed partnership can be confirmed; this one is {partnership.status}."])
    _check(partnership, full_members(partnership), policy)
    before = _state(partnership)
    partnership.status = Partnership.Status.CONFIRMED
    partnership.save(update_fields=["status"])
    record(
        actor=by,
        verb="partnership.confirmed",
        target=partnership,
        before=before,
        after=_state(partnership),
        reason=reason,
    )


# Services: the annual review ------------------------------------------------------------------------------------


def _headline(results: list[SchoolResult], up_to: int | None) -> dict[str, Any] | None:
    chosen = [r for r in results if r.value is not None and (up_to is None or r.year <= up_to)]
    if not chosen:
        return None
    latest = max(chosen, key=lambda r: r.year)
    assert latest.value is not None
    return {"year": latest.year, "value": float(latest.value)}


def movement(partnership: Partnership) -> dict[str, Any]:
    """Each member's category when the partnership was formed and now (the latest officer decision), and its
    headline results then and now where imported (KS2 reading, writing and maths at the expected standard for
    primaries; Progress 8 for secondaries): the latest year up to the partnership's start year, and the latest."""
    schools = [m.establishment for m in partnership.memberships.select_related("establishment")]
    formed = partnership.created_at
    then: dict[int, CategoryDecision] = {}
    for decision in (
        CategoryDecision.objects.filter(proposal__establishment__in=schools, decided_at__lte=formed).select_related(
            "proposal"
        )
    ).order_by("proposal__establishment_id", "-decided_at", "-id"):
        then.setdefault(decision.proposal.establishment_id, decision)
    results: dict[tuple[int, str], list[SchoolResult]] = {}
    for result in SchoolResult.objects.filter(
        urn__in=[s.urn for s in schools], measure__in=list(HEADLINE_MEASURES.values())
    ):
        results.setdefault((result.urn, result.measure), []).append(result)
    out: dict[str, Any] = {}
    for school in sorted(schools, key=lambda s: s.name):
        earlier = then.get(school.pk)
        now = current_decision(school)
        measure = HEADLINE_MEASURES["secondary" if school.phase in {"Secondary", "All-through"} else "primary"]
        rows = results.get((school.urn, measure), [])
        out[str(school.urn)] = {
            "name": school.name,
            "category_then": earlier.category if earlier else None,
            "category_now": now.category if now else None,
            "results_measure": measure,
            "results_then": _headline(rows, partnership.start_year),
            "results_now": _headline(rows, None),
        }
    return out


@dataclass
class MovementRow:
    urn: str
    name: str
    category_then: str | None
    category_now: str | None
    results_measure: str
    results_then: dict[str, Any] | None
    results_now: dict[str, Any] | None
    changed: bool = field(default=False)


def movement_rows(moved: Mapping[str, Any]) -> list[MovementRow]:
    rows = []
    for urn, entry in moved.items():
        row = MovementRow(urn=urn, **entry)
        row.changed = row.category_then != row.category_now
        rows.append(row)
    return rows


@transaction.atomic
def partnership_review_record(
    *,
    partnership: Partnership,
    reviewed_on: dt.date,
    impact: str,
    decision: str,
    reasons: str,
    by: User,
) -> PartnershipReview:
    """Record the annual review of a confirmed partnership: the impact of its activities, how its schools'
    categories and results moved (worked out here), and the decision to continue, change or dissolve it.
    Dissolving ends the partnership."""
    problems = []
    if partnership.status != Partnership.Status.CONFIRMED:
        problems.append("Only a confirmed partnership is reviewed.")
    if decision not in PartnershipReview.Decision.values:
        problems.append("Choose whether to continue, change or dissolve the partnership.")
    if not impact.strip():
        problems.append("Describe the impact of the partnership's activities.")
    if not reasons.strip():
        problems.append("Give the reasons for the decision.")
    if reviewed_on > timezone.localdate():
        problems.append("The review date cannot be in the future.")
    if problems:
        raise PartnershipRuleError(problems)
    review = PartnershipReview.objects.create(
        partnership=partnership,
        reviewed_on=reviewed_on,
        impact=impact.strip(),
        movement=movement(partnership),
        decision=decision,
        reasons=reasons.strip(),
        reviewed_by=by,
    )
    record(
        actor=by,
        verb="partnership.reviewed",
        target=partnership,
        after={"reviewed_on": reviewed_on, "decision": decision, "impact": review.impact, "movement": review.movement},
        reason=review.reasons,
    )
    if decision == PartnershipReview.Decision.DISSOLVE:
        before = _state(partnership)
        partnership.status = Partnership.Status.DISSOLVED
        partnership.save(update_fields=["status"])
        record(
            actor=by,
            verb="partnership.dissolved",
            target=partnership,
            before=before,
            after=_state(partnership),
            reason=review.reasons,
        )
    return review


# Generated answers, for demonstrations and benchmarks ---------------------------------------------------------

PRIMARY_PHASES = {"Primary", "Middle deemed primary"}
GENERATED_BY = "headway partnerships generate-preferences"


def real_answers(local_authority: LocalAuthority, start_year: int) -> int:
    """Survey answers a person gave (generated ones have no ``submitted_by``)."""
    return PartnershipPreference.objects.filter(
        establishment__local_authority=local_authority, start_year=start_year, submitted_by__isnull=False
    ).count()


def generate_preferences(
    *, local_authority: LocalAuthority, start_year: int, policy: PartnershipPolicy, seed: int = 1, replace: bool = False
) -> int:
    """Invent survey answers, deterministically for a seed: every open primary wants a partnership and about a
    third of the secondaries do; wished partners are among each school's five nearest; some name an existing
    partner; faith schools often decline joint governance; some primaries decline a secondary lead. Refuses to
    supersede answers people gave unless ``replace``. Returns the number of answers recorded."""
    import random

    if not replace and real_answers(local_authority, start_year):
        raise PartnershipRuleError(
            [f"Schools have answered the {start_year} survey themselves; generate answers only with --replace."]
        )
    rng = random.Random(seed)  # noqa: S311 - invented answers, not secrets
    facts = school_facts(local_authority, start_year, policy=policy)
    schools = sorted(
        (
            f
            for f in facts.values()
            if f.is_open and f.located and (f.phase in PRIMARY_PHASES or f.phase in policy.secondary_phases)
        ),
        key=lambda f: f.urn,
    )
    by_id = {
        e.pk: e for e in Establishment.objects.filter(local_authority=local_authority, pk__in=[f.id for f in schools])
    }
    count = 0
    for school in schools:
        primary = school.phase in PRIMARY_PHASES
        wants = primary or rng.random() < 0.35
        nearest = sorted((s for s in schools if s.urn != school.urn), key=lambda s: distance_km(school, s))[:5]
        wished = rng.sample([s.urn for s in nearest], k=min(len(nearest), rng.randint(1, 3)))
        existing = [rng.choice(nearest).urn] if nearest and rng.random() < 0.4 else []
        wanted = rng.choices(["structured", "loose", "hard", ""], weights=[45, 30, 15, 10])[0]
        survey_answer(
            establishment=by_id[school.id],
            start_year=start_year,
            by=None,
            actor_name=GENERATED_BY,
            wants_partnership=wants,
            wanted_type=wanted,
            associate_only=rng.random() < 0.03,
            existing_partners=[u for u in existing if u not in wished],
            wished_partners=wished,
            declines_joint_governance=rng.random() < (0.5 if school.faith else 0.05),
            declines_secondary_lead=primary and rng.random() < 0.25,
        )
        count += 1
    return count


# Running the optimiser from a page ----------------------------------------------------------------------------


def proposal_run(
    *,
    local_authority: LocalAuthority,
    start_year: int,
    policy: PartnershipPolicy,
    by: User | None,
    time_limit: float = 8.0,
    actor_name: str = "",
) -> Proposal:
    """Run the match-making optimiser for the year (keeping fixed schools) and store its proposal."""
    from headway.support.optimiser import propose

    proposal = propose(local_authority, start_year, policy=policy, time_limit=time_limit)
    proposal_save(
        local_authority=local_authority,
        start_year=start_year,
        proposal=proposal,
        policy=policy,
        by=by,
        actor_name=actor_name,
    )
    return proposal


# The proposals map ---------------------------------------------------------------------------------------------

PALETTE = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#b58840", "#d53880", "#28a197", "#912b88", "#505a5f")
UNPLACED_COLOUR = "#b1b4b6"


@dataclass(frozen=True)
class MapPoint:
    urn: int
    name: str
    x: float
    y: float
    colour: str
    partnership: Partnership | None
    role: str
    easting: int
    northing: int


def proposals_map(
    local_authority: LocalAuthority, start_year: int, *, width: int = 640, height: int = 640
) -> dict[str, Any]:
    """The schools that asked or are in one of the year's partnerships, placed by grid reference on an SVG of
    ``width`` by ``height`` (north up), coloured by partnership; with the same facts as rows for a table. The
    schools with no location in the register are not on the map but listed (``unlocated``), never left out."""
    partnerships = list(partnerships_for(local_authority, start_year, include_dissolved=False))
    colour_of = {p.pk: PALETTE[n % len(PALETTE)] for n, p in enumerate(partnerships)}
    membership: dict[int, tuple[Partnership, str]] = {}
    for partnership in partnerships:
        for m in partnership.memberships.all():
            membership[m.establishment_id] = (partnership, m.get_role_display())
    asked = set(
        PartnershipPreference.objects.filter(
            establishment__local_authority=local_authority, start_year=start_year, wants_partnership=True
        ).values_list("establishment_id", flat=True)
    )
    everyone = list(
        Establishment.objects.filter(local_authority=local_authority, pk__in=asked | set(membership)).order_by("name")
    )
    schools = [s for s in everyone if s.easting is not None and s.northing is not None]
    unlocated = [
        {
            "urn": s.urn,
            "name": s.name,
            "partnership": membership[s.pk][0] if s.pk in membership else None,
            "role": membership[s.pk][1] if s.pk in membership else "",
        }
        for s in everyone
        if s.easting is None or s.northing is None
    ]
    margin = 12
    if schools:
        east = [s.easting or 0 for s in schools]
        north = [s.northing or 0 for s in schools]
        span = max(max(east) - min(east), max(north) - min(north), 1)
        scale = (min(width, height) - 2 * margin) / span
        west, top = min(east), max(north)
    points: list[MapPoint] = []
    for school in schools:
        assert school.easting is not None and school.northing is not None
        found = membership.get(school.pk)
        points.append(
            MapPoint(
                urn=school.urn,
                name=school.name,
                x=round(margin + (school.easting - west) * scale, 1),
                y=round(margin + (top - school.northing) * scale, 1),
                colour=colour_of[found[0].pk] if found else UNPLACED_COLOUR,
                partnership=found[0] if found else None,
                role=found[1] if found else "",
                easting=school.easting,
                northing=school.northing,
            )
        )
    points.sort(key=lambda p: (p.partnership is None, p.partnership.name if p.partnership else "", p.name))
    return {
        "points": points,
        "width": width,
        "height": height,
        "legend": [(p, colour_of[p.pk]) for p in partnerships],
        "unplaced": sum(1 for p in points if p.partnership is None),
        "unlocated": unlocated,
        "unplaced_colour": UNPLACED_COLOUR,
    }

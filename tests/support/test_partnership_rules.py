"""Partnership rules: the policy file, the facts, and every rule enforced on hand edits (the services refuse
them with the rule's message) and on the optimiser's proposals. Also the survey, confirmation and review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from headway.accounts.models import AuditEvent, Role, User
from headway.concerns.models import SchoolCausingConcern
from headway.risk.models import OfficerJudgement
from headway.risk.policy import PolicyError
from headway.schools.models import Establishment, LocalAuthority
from headway.support import partnerships as service
from headway.support.models import Partnership, PartnershipMembership, PartnershipReview
from headway.support.optimiser import Proposal, propose_from_facts
from headway.support.partnership_policy import (
    POLICY_DIR,
    PartnershipPolicy,
    load_partnership_policy,
    partnership_policy_named,
)
from tests.factories import EstablishmentFactory, InspectionFactory, LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db

YEAR = 2026
TIME = 3.0


# A small synthetic authority ------------------------------------------------------------------------------------


@dataclass
class Town:
    authority: LocalAuthority
    officer: User
    schools: dict[str, Establishment] = field(default_factory=dict)

    def school(
        self,
        key: str,
        *,
        km: tuple[float, float] = (0.0, 0.0),
        strong: bool = True,
        concern: bool = False,
        phase: str = "Primary",
        faith: str = "Does not apply",
    ) -> Establishment:
        school: Establishment = EstablishmentFactory(
            local_authority=self.authority,
            name=f"{key} School",
            phase=phase,
            religious_character=faith,
            easting=int(450000 + km[0] * 1000),
            northing=int(120000 + km[1] * 1000),
        )
        InspectionFactory(establishment=school, overall_effectiveness=2 if strong else 3)
        if concern:
            SchoolCausingConcern.objects.create(establishment=school, designated_on=dt.date(2026, 1, 10))
        self.schools[key] = school
        return school

    def ask(self, key: str, *, wished: tuple[str, ...] = (), **answers: object) -> None:
        service.survey_answer(
            establishment=self.schools[key],
            start_year=YEAR,
            by=None,
            actor_name="test",
            wished_partners=[self.schools[w].urn for w in wished],
            **answers,  # type: ignore[arg-type]
        )

    def urn(self, key: str) -> int:
        return self.schools[key].urn

    def facts(self, policy: PartnershipPolicy) -> dict[int, service.SchoolFacts]:
        return service.school_facts(self.authority, YEAR, policy=policy)

    def partnership(self, type: str, *keys: str, associates: tuple[str, ...] = ()) -> Partnership:
        made = Partnership.objects.create(
            local_authority=self.authority,
            name="Test partnership",
            type=type,
            start_year=YEAR,
            source=Partnership.Source.HAND,
            policy_name="partnerships-2026",
        )
        for key in keys:
            PartnershipMembership.objects.create(partnership=made, establishment=self.schools[key])
        for key in associates:
            PartnershipMembership.objects.create(
                partnership=made, establishment=self.schools[key], role=PartnershipMembership.Role.ASSOCIATE
            )
        return made


def make_town() -> Town:
    authority = LocalAuthorityFactory(code="899", name="Testshire")
    officer = UserFactory(username="officer", role=Role.LA_OFFICER, local_authority=authority)
    return Town(authority, officer)


@pytest.fixture
def town() -> Town:
    return make_town()


@pytest.fixture
def policy() -> PartnershipPolicy:
    return partnership_policy_named()


def solve(town: Town, policy: PartnershipPolicy, **kwargs: object) -> Proposal:
    return propose_from_facts(town.facts(policy), policy, time_limit=TIME, **kwargs)  # type: ignore[arg-type]


def together(proposal: Proposal, town: Town, *keys: str) -> bool:
    urns = {town.urn(k) for k in keys}
    return any(urns <= set(p.schools) | set(p.associates) for p in proposal.partnerships)


def partnership_of(proposal: Proposal, town: Town, key: str) -> tuple[list[int], str]:
    for p in proposal.partnerships:
        if town.urn(key) in p.schools:
            return p.schools, p.type
    raise AssertionError(f"{key} is not placed")


def refused(action: object) -> list[str]:
    assert callable(action)
    with pytest.raises(service.PartnershipRuleError) as caught:
        action()
    return caught.value.problems


# The policy file -------------------------------------------------------------------------------------------------


def test_shipped_policy_loads_with_the_issue_limits(policy: PartnershipPolicy) -> None:
    assert (policy.types["hard"].min_size, policy.types["hard"].max_size) == (2, 6)
    assert (policy.types["structured"].min_size, policy.types["structured"].max_size) == (3, 10)
    assert policy.concern_max_share.numerator == 1 and policy.concern_max_share.denominator == 3
    assert policy.concern_exempt_size == 2
    assert policy.strong_overall_grades == (1, 2)
    assert policy.weak_capacity_to_improve == ("C", "D")
    assert policy.joint_governance_excluded_types == ("hard",)
    assert "All-through" in policy.secondary_phases


def test_policy_errors_name_the_file_and_line(tmp_path: Path) -> None:
    text = (POLICY_DIR / "partnerships-2026.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("    max_size: 6", "    max_size: 1"))
    with pytest.raises(PolicyError) as caught:
        load_partnership_policy(bad)
    line = next(n for n, row in enumerate(bad.read_text().splitlines(), start=1) if "max_size: 1" in row)
    assert str(caught.value).startswith(f"{bad}:{line}:")
    bad.write_text(text.replace("max_share: 1/3", "max_share: lots"))
    with pytest.raises(PolicyError, match="'max_share' must be a fraction"):
        load_partnership_policy(bad)
    bad.write_text(text.replace("excluded_types: [hard]", "excluded_types: [federation]", 1))
    with pytest.raises(PolicyError, match="unknown partnership type 'federation'"):
        load_partnership_policy(bad)


# Facts ----------------------------------------------------------------------------------------------------------


def test_facts_strong_concern_faith_and_weak_leadership(town: Town, policy: PartnershipPolicy) -> None:
    town.school("Good")
    town.school("Weak", strong=False, concern=True)
    town.school("Faith", faith="Church of England")
    judged = town.school("Judged")
    OfficerJudgement.objects.create(
        establishment=judged, kind="capacity_to_improve", value="C", made_on=dt.date(2026, 3, 1), author=town.officer
    )
    facts = town.facts(policy)
    assert facts[town.urn("Good")].strong and not facts[town.urn("Good")].causing_concern
    assert not facts[town.urn("Weak")].strong and facts[town.urn("Weak")].causing_concern
    assert facts[town.urn("Faith")].faith and not facts[town.urn("Good")].faith
    assert not facts[town.urn("Judged")].strong
    assert "capacity to improve judged C" in facts[town.urn("Judged")].strong_reason


# Each rule on hand edits ----------------------------------------------------------------------------------------


def test_hand_edit_maximum_size(town: Town, policy: PartnershipPolicy) -> None:
    for n in range(7):
        town.school(f"S{n}", km=(n * 0.5, 0))
    hard = town.partnership("hard", *(f"S{n}" for n in range(6)))
    problems = refused(
        lambda: service.member_add(partnership=hard, establishment=town.schools["S6"], by=town.officer, policy=policy)
    )
    assert problems == [
        "A hard partnership may have at most 6 schools, not counting associate members; it would have 7."
    ]
    # An associate member does not count toward the size.
    service.member_add(
        partnership=hard, establishment=town.schools["S6"], by=town.officer, policy=policy, associate=True
    )
    assert hard.memberships.count() == 7


def test_hand_edit_minimum_size(town: Town, policy: PartnershipPolicy) -> None:
    for key in ("A", "B", "C"):
        town.school(key)
    structured = town.partnership("structured", "A", "B", "C")
    problems = refused(
        lambda: service.member_remove(
            partnership=structured, establishment=town.schools["C"], by=town.officer, policy=policy
        )
    )
    assert problems == [
        "A structured partnership needs at least 3 schools, not counting associate members; it would have 2."
    ]
    assert structured.memberships.count() == 3


def test_hand_edit_strong_school(town: Town, policy: PartnershipPolicy) -> None:
    town.school("Strong")
    for key in ("W1", "W2", "W3"):
        town.school(key, strong=False)
    loose = town.partnership("loose", "Strong", "W1", "W2", "W3")
    problems = refused(
        lambda: service.member_remove(
            partnership=loose, establishment=town.schools["Strong"], by=town.officer, policy=policy
        )
    )
    assert len(problems) == 1 and "at least one good or outstanding school with strong leadership" in problems[0]


def test_hand_edit_causing_concern_share(town: Town, policy: PartnershipPolicy) -> None:
    town.school("Strong")
    town.school("Other")
    town.school("C1", strong=False, concern=True)
    town.school("C2", strong=False, concern=True)
    loose = town.partnership("loose", "Strong", "Other", "C1")  # one in three: allowed
    problems = refused(
        lambda: service.member_add(partnership=loose, establishment=town.schools["C2"], by=town.officer, policy=policy)
    )
    assert problems == [
        "Schools causing concern may be at most a third of a partnership's schools (unless it has 2); "
        "2 of its 4 would be."
    ]
    facts = town.facts(policy)
    # Two schools: the share rule does not apply.
    assert service.partnership_violations([town.urn("Strong"), town.urn("C1")], "loose", facts, policy) == []


def test_hand_edit_joint_governance(town: Town, policy: PartnershipPolicy) -> None:
    town.school("A")
    town.school("B")
    town.school("Faith", faith="Roman Catholic")
    town.ask("Faith", declines_joint_governance=True)
    hard = town.partnership("hard", "A", "B")
    problems = refused(
        lambda: service.member_add(
            partnership=hard, establishment=town.schools["Faith"], by=town.officer, policy=policy
        )
    )
    assert problems == [
        "Faith School has declined joint governance, so it cannot be in a hard (federation, MAT, chain) partnership."
    ]
    loose = town.partnership("loose", "A")
    PartnershipMembership.objects.filter(partnership=hard, establishment=town.schools["A"]).delete()
    service.member_add(partnership=loose, establishment=town.schools["Faith"], by=town.officer, policy=policy)


def test_hand_edit_secondary_lead(town: Town, policy: PartnershipPolicy) -> None:
    town.school("Primary")
    town.school("Other")
    town.school("Secondary", phase="Secondary")
    town.ask("Primary", declines_secondary_lead=True)
    hard = town.partnership("hard", "Primary", "Other")
    problems = refused(
        lambda: service.member_add(
            partnership=hard, establishment=town.schools["Secondary"], by=town.officer, policy=policy
        )
    )
    assert problems == [
        "Primary School does not want a secondary school in a hard partnership with it, and Secondary School is one."
    ]


def test_hand_edits_are_audited_and_a_school_is_in_one_partnership(town: Town, policy: PartnershipPolicy) -> None:
    for key in ("A", "B", "C", "D"):
        town.school(key)
    first = town.partnership("loose", "A", "B")
    second = town.partnership("loose", "C", "D")
    problems = refused(
        lambda: service.member_add(partnership=second, establishment=town.schools["A"], by=town.officer, policy=policy)
    )
    assert problems == [f"A School is already in {first.name} for {YEAR}."]
    town.school("New")
    service.member_add(
        partnership=second, establishment=town.schools["New"], by=town.officer, policy=policy, reason="asked to join"
    )
    service.member_fix(partnership=second, establishment=town.schools["C"], fixed=True, by=town.officer, policy=policy)
    verbs = list(AuditEvent.objects.filter(target_id=str(second.pk)).values_list("verb", flat=True))
    assert "partnership.member_added" in verbs and "partnership.member_fixed" in verbs
    assert PartnershipMembership.objects.get(partnership=second, establishment=town.schools["C"]).fixed


# Each rule on the optimiser's proposals -------------------------------------------------------------------------


def test_optimiser_keeps_the_maximum_size(town: Town, policy: PartnershipPolicy) -> None:
    keys = [f"S{n}" for n in range(8)]
    for n, key in enumerate(keys):
        town.school(key, km=(n * 0.3, 0))
    for key in keys:
        town.ask(key, wanted_type="hard", wished=tuple(k for k in keys if k != key))
    proposal = solve(town, policy)
    assert not proposal.unplaced
    for partnership in proposal.partnerships:
        assert partnership.type != "hard" or len(partnership.schools) <= 6
        assert len(partnership.schools) <= policy.types[partnership.type].max_size


def test_optimiser_keeps_the_strong_school_rule(town: Town, policy: PartnershipPolicy) -> None:
    for key in ("W1", "W2", "W3"):
        town.school(key, strong=False, km=(0, float(key[1])))
    town.school("Far", km=(40, 0))
    town.school("Far2", km=(40.5, 0))
    for key in ("W1", "W2", "W3", "Far", "Far2"):
        town.ask(key, wished=tuple(k for k in ("W1", "W2", "W3") if k != key))
    proposal = solve(town, policy)
    assert {u.urn for u in proposal.unplaced} == {town.urn("W1"), town.urn("W2"), town.urn("W3")}
    reason = next(u.reason for u in proposal.unplaced if u.urn == town.urn("W1"))
    assert reason == "no good or outstanding school with strong leadership that asked for a partnership is within 10 km"
    assert any(b.rule == "max_distance" and b.count == 3 for b in proposal.binding)
    facts = town.facts(policy)
    for partnership in proposal.partnerships:
        assert any(facts[u].strong for u in partnership.schools)


def test_optimiser_keeps_the_causing_concern_share(town: Town, policy: PartnershipPolicy) -> None:
    town.school("S1")
    town.school("S2", km=(0.2, 0))
    town.school("C1", strong=False, concern=True, km=(0.1, 0))
    town.school("C2", strong=False, concern=True, km=(0.1, 0.1))
    keys = ("S1", "S2", "C1", "C2")
    for key in keys:
        town.ask(key, wanted_type="loose", wished=tuple(k for k in keys if k != key))
    proposal = solve(town, policy)
    assert not proposal.unplaced
    facts = town.facts(policy)
    for partnership in proposal.partnerships:
        concern = sum(1 for u in partnership.schools if facts[u].causing_concern)
        assert len(partnership.schools) == 2 or 3 * concern <= len(partnership.schools)
    assert not together(proposal, town, *keys)


def test_optimiser_keeps_joint_governance_declined(town: Town, policy: PartnershipPolicy) -> None:
    keys = ("A", "B", "Faith")
    for n, key in enumerate(keys):
        town.school(key, km=(n * 0.2, 0), faith="Roman Catholic" if key == "Faith" else "Does not apply")
    town.ask("A", wanted_type="hard", wished=("B", "Faith"))
    town.ask("B", wanted_type="hard", wished=("A", "Faith"))
    town.ask("Faith", wanted_type="hard", wished=("A", "B"), declines_joint_governance=True)
    proposal = solve(town, policy)
    assert not proposal.unplaced
    _members, kind = partnership_of(proposal, town, "Faith")
    assert kind != "hard"


def test_optimiser_keeps_a_declined_secondary_lead(town: Town, policy: PartnershipPolicy) -> None:
    keys = ("Primary", "Other", "Secondary")
    for n, key in enumerate(keys):
        town.school(key, km=(n * 0.2, 0), phase="Secondary" if key == "Secondary" else "Primary")
    town.ask("Primary", wanted_type="hard", wished=("Other", "Secondary"), declines_secondary_lead=True)
    town.ask("Other", wanted_type="hard", wished=("Primary", "Secondary"))
    town.ask("Secondary", wanted_type="hard", wished=("Primary", "Other"))
    proposal = solve(town, policy)
    assert not proposal.unplaced
    members, kind = partnership_of(proposal, town, "Primary")
    assert not (kind == "hard" and town.urn("Secondary") in members)


# Survey, confirmation and the annual review ---------------------------------------------------------------------


def test_survey_answer_refuses_unknown_partners_and_is_audited(town: Town) -> None:
    town.school("A")
    town.school("B")
    problems = refused(
        lambda: service.survey_answer(
            establishment=town.schools["A"], start_year=YEAR, by=town.officer, wished_partners=[123456]
        )
    )
    assert problems == ["These are not schools of the authority: 123456."]
    answer = service.survey_answer(
        establishment=town.schools["A"], start_year=YEAR, by=town.officer, wished_partners=[town.urn("B")]
    )
    assert answer.wished_partners == [town.urn("B")]
    assert AuditEvent.objects.filter(verb="partnership_preference.answered", target_id=str(answer.pk)).exists()


def test_confirm_and_review_dissolve(town: Town, policy: PartnershipPolicy) -> None:
    town.school("A")
    town.school("B")
    loose = town.partnership("loose", "A", "B")
    service.partnership_confirm(partnership=loose, by=town.officer, policy=policy)
    loose.refresh_from_db()
    assert loose.status == Partnership.Status.CONFIRMED
    review = service.partnership_review_record(
        partnership=loose,
        reviewed_on=dt.date(2026, 7, 1),
        impact="Joint moderation of writing.",
        decision=PartnershipReview.Decision.DISSOLVE,
        reasons="Both schools now lead their own networks.",
        by=town.officer,
    )
    loose.refresh_from_db()
    assert loose.status == Partnership.Status.DISSOLVED
    assert set(review.movement) == {str(town.urn("A")), str(town.urn("B"))}
    assert review.movement[str(town.urn("A"))]["category_then"] is None
    assert review.movement[str(town.urn("A"))]["results_measure"] == "ks2.rwm_exp"
    verbs = set(AuditEvent.objects.filter(target_id=str(loose.pk)).values_list("verb", flat=True))
    assert {"partnership.confirmed", "partnership.reviewed", "partnership.dissolved"} <= verbs
    problems = refused(
        lambda: service.member_add(partnership=loose, establishment=town.schools["A"], by=town.officer, policy=policy)
    )
    assert problems == ["The partnership has been dissolved; it cannot be changed."]


def test_confirm_refuses_a_partnership_that_breaks_a_rule(town: Town, policy: PartnershipPolicy) -> None:
    town.school("A", strong=False)
    town.school("B", strong=False)
    loose = town.partnership("loose", "A", "B")
    problems = refused(lambda: service.partnership_confirm(partnership=loose, by=town.officer, policy=policy))
    assert "at least one good or outstanding school" in problems[0]

"""The match-making optimiser: every primary that asked placed when it can be, the reason when it cannot,
fixed schools kept on re-solving, the greedy baseline, saving a proposal, and ``headway partnerships``."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from headway.accounts.models import AuditEvent
from headway.schools.models import LocalAuthority
from headway.support import partnerships as service
from headway.support.models import Partnership, PartnershipMembership, PartnershipPreference
from headway.support.optimiser import greedy_from_facts, propose
from headway.support.partnership_policy import PartnershipPolicy, partnership_policy_named
from tests.support.test_partnership_rules import TIME, YEAR, Town, make_town, solve, together

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy() -> PartnershipPolicy:
    return partnership_policy_named()


def village(town: Town, *, schools: int = 14, spacing: float = 0.8) -> list[str]:
    """Schools along a road ``spacing`` km apart, one in three weak, each wishing for its neighbours."""
    keys = [f"P{n}" for n in range(schools)]
    for n, key in enumerate(keys):
        town.school(key, km=(n * spacing, (n % 3) * 0.7), strong=n % 3 != 1)
    for n, key in enumerate(keys):
        neighbours = tuple(keys[m] for m in (n - 1, n + 1) if 0 <= m < schools)
        town.ask(key, wanted_type=("structured", "loose", "hard")[n % 3], wished=neighbours)
    return keys


def assert_rules(proposal: Any, town: Town, policy: PartnershipPolicy) -> None:
    facts = town.facts(policy)
    for partnership in proposal.partnerships:
        assert service.partnership_violations(partnership.schools, partnership.type, facts, policy) == []


def test_places_every_primary_that_asked(policy: PartnershipPolicy) -> None:
    town = make_town()
    keys = village(town)
    proposal = solve(town, policy)
    assert proposal.unplaced == []
    placed = [u for p in proposal.partnerships for u in p.schools]
    assert sorted(placed) == sorted(town.urn(k) for k in keys)
    assert_rules(proposal, town, policy)
    assert 0 < proposal.preference_satisfaction <= 1
    assert proposal.status in {"optimal", "feasible"}
    baseline = greedy_from_facts(town.facts(policy), policy)
    assert_rules(baseline, town, policy)
    assert proposal.preference_satisfaction >= baseline.preference_satisfaction - 1e-9


def test_reports_why_a_school_could_not_be_placed(policy: PartnershipPolicy) -> None:
    town = make_town()
    village(town, schools=6)
    town.school("Remote", strong=False, km=(60, 60))
    town.ask("Remote", wanted_type="loose")
    proposal = solve(town, policy)
    assert [u.urn for u in proposal.unplaced] == [town.urn("Remote")]
    assert "within 10 km" in proposal.unplaced[0].reason


def test_reason_names_the_rule_that_blocks(policy: PartnershipPolicy) -> None:
    town = make_town()
    town.school("Strong")
    town.school("C1", strong=False, concern=True, km=(0.2, 0))
    town.school("C2", strong=False, concern=True, km=(0.4, 0))
    for key in ("Strong", "C1", "C2"):
        town.ask(key, wanted_type="loose")
    proposal = solve(town, policy)
    assert len(proposal.unplaced) == 1
    assert "schools causing concern at most a third" in proposal.unplaced[0].reason
    assert any(b.rule == "causing_concern" for b in proposal.binding)


def test_fixed_schools_stay_together_on_re_solving(policy: PartnershipPolicy) -> None:
    town = make_town()
    keys = village(town, schools=9, spacing=2.5)
    first = solve(town, policy)
    # P0 and P8 are 20 km apart and would not be proposed together; the officer fixes them together.
    assert not together(first, town, "P0", "P8")
    again = solve(town, policy, fixed={town.urn("P0"): 1, town.urn("P8"): 1})
    assert together(again, town, "P0", "P8")
    assert not again.unplaced
    assert_rules(again, town, policy)
    assert sorted(u for p in again.partnerships for u in p.schools) == sorted(town.urn(k) for k in keys)


def test_fixed_in_the_database_survives_proposal_save(policy: PartnershipPolicy) -> None:
    town = make_town()
    village(town, schools=9)
    proposal = propose(town.authority, YEAR, policy=policy, time_limit=TIME)
    made = service.proposal_save(
        local_authority=town.authority, start_year=YEAR, proposal=proposal, policy=policy, by=town.officer
    )
    assert made and all(p.status == Partnership.Status.PROPOSED and p.source == "optimiser" for p in made)
    assert AuditEvent.objects.filter(verb="partnership.proposed").count() == len(made)
    partnership = made[0]
    members = list(partnership.memberships.select_related("establishment"))
    for membership in members:
        service.member_fix(
            partnership=partnership, establishment=membership.establishment, fixed=True, by=town.officer, policy=policy
        )
    urns = {m.establishment.urn for m in members}
    assert service.fixed_schools(town.authority, YEAR).keys() == urns
    again = propose(town.authority, YEAR, policy=policy, time_limit=TIME)
    assert any(set(p.schools) == urns for p in again.partnerships) or any(
        urns <= set(p.schools) for p in again.partnerships
    )
    service.proposal_save(
        local_authority=town.authority, start_year=YEAR, proposal=again, policy=policy, by=None, actor_name="test"
    )
    kept = PartnershipMembership.objects.filter(establishment__urn__in=urns, partnership__status="proposed")
    assert {m.partnership_id for m in kept} == {kept[0].partnership_id}
    assert all(m.fixed for m in kept)


def test_confirmed_schools_are_left_where_they_are(policy: PartnershipPolicy) -> None:
    town = make_town()
    keys = village(town, schools=6)
    confirmed = town.partnership("loose", "P0", "P2")
    confirmed.status = Partnership.Status.CONFIRMED
    confirmed.save()
    proposal = propose(town.authority, YEAR, policy=policy, time_limit=TIME)
    placed = {u for p in proposal.partnerships for u in p.schools}
    assert town.urn("P0") not in placed and town.urn("P2") not in placed
    assert placed | {u.urn for u in proposal.unplaced} == {town.urn(k) for k in keys} - {town.urn("P0"), town.urn("P2")}


# The command -------------------------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("partnerships", *args, stdout=out)
    return out.getvalue()


def test_command_propose_json_shape(policy: PartnershipPolicy) -> None:
    town = make_town()
    village(town, schools=8)
    town.school("Remote", strong=False, km=(60, 60))
    town.ask("Remote")
    result: dict[str, Any] = json.loads(
        run("propose", "--la", "899", "--year", str(YEAR), "--json", "--time-limit", "2")
    )
    assert set(result) == {"partnerships", "unplaced", "preference_satisfaction", "solve_seconds", "binding", "status"}
    assert result["partnerships"]
    for partnership in result["partnerships"]:
        assert set(partnership) == {"schools", "associates", "type", "score"}
        assert all(isinstance(u, str) for u in partnership["schools"])
        assert partnership["type"] in {"hard", "structured", "loose"}
        assert isinstance(partnership["score"], float | int)
    assert result["unplaced"] == [{"urn": str(town.urn("Remote")), "reason": result["unplaced"][0]["reason"]}]
    assert "within 10 km" in result["unplaced"][0]["reason"]
    assert 0 <= result["preference_satisfaction"] <= 1
    assert 0 <= result["solve_seconds"] < 10
    assert isinstance(result["status"], str)
    assert all(set(b) == {"rule", "description", "count"} for b in result["binding"])
    assert not Partnership.objects.exists()
    text = run("propose", "--la", "899", "--year", str(YEAR), "--save", "--time-limit", "2")
    assert "Saved as proposed partnerships." in text
    assert Partnership.objects.filter(status="proposed").count() == len(result["partnerships"])


def test_command_generate_preferences(policy: PartnershipPolicy) -> None:
    town = make_town()
    for n in range(8):
        town.school(f"P{n}", km=(n, 0))
    town.school("Sec", km=(3, 1), phase="Secondary")
    text = run("generate-preferences", "--la", "899", "--year", str(YEAR), "--seed", "1")
    assert "Recorded 9 generated survey answers" in text
    answers = {a.establishment.urn: a for a in PartnershipPreference.objects.select_related("establishment")}
    assert all(answers[town.urn(f"P{n}")].wants_partnership for n in range(8))
    assert all(1 <= len(a.wished_partners) <= 3 for a in answers.values())
    first = sorted((u, a.wished_partners, a.wanted_type) for u, a in answers.items())
    PartnershipPreference.objects.all().delete()
    run("generate-preferences", "--la", "899", "--year", str(YEAR), "--seed", "1")
    again = sorted((a.establishment.urn, a.wished_partners, a.wanted_type) for a in PartnershipPreference.objects.all())
    assert first == again
    # A real answer is not superseded without --replace.
    service.survey_answer(establishment=town.schools["P0"], start_year=YEAR, by=town.officer)
    with pytest.raises(CommandError, match="--replace"):
        run("generate-preferences", "--la", "899", "--year", str(YEAR))
    run("generate-preferences", "--la", "899", "--year", str(YEAR), "--replace")


def test_command_unknown_authority() -> None:
    assert not LocalAuthority.objects.filter(code="123").exists()
    with pytest.raises(CommandError, match="No local authority"):
        run("propose", "--la", "123", "--year", "2026")


def test_hampshire_sample(hampshire_sample: object, policy: PartnershipPolicy) -> None:
    """The real Hampshire GIAS sample: generated answers, a proposal that keeps every rule."""
    hampshire = LocalAuthority.objects.get(code="850")
    service.generate_preferences(local_authority=hampshire, start_year=YEAR, policy=policy, seed=1)
    proposal = propose(hampshire, YEAR, policy=policy, time_limit=TIME)
    facts = service.school_facts(hampshire, YEAR, policy=policy)
    for partnership in proposal.partnerships:
        assert service.partnership_violations(partnership.schools, partnership.type, facts, policy) == []
    for unplaced in proposal.unplaced:
        assert unplaced.reason
    assert proposal.partnerships

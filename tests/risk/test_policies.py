"""Categorisation policies are data: both shipped policies load, a broken file is rejected with its line,
and every category rule and causing-concern trigger applies as written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.test import Client

from headway.accounts.models import AuditEvent, Role
from headway.imports.services import ImportResult
from headway.risk.models import CategorisationSetting, CategoryDecision, CategoryProposal
from headway.risk.policy import POLICY_DIR, PolicyError, apply_policy, load_policy, policy_named
from headway.risk.services import judgement_record, proposal_confirm, proposal_override, round_run
from headway.schools.models import Establishment, LocalAuthority
from tests.factories import UserFactory

BARNET = policy_named("barnet-2020")
#: Barnet's 2020 policy as Hampshire adopted it in its own configuration (data/demo/config): a round for 850
HAMPSHIRE = policy_named("hampshire-2022")
TWO_AXIS = policy_named("two-axis-2021")


def evidence(**values: Any) -> dict[str, Any]:
    """A school's evidence as gather_evidence gives it: a good school inspected three years ago."""
    base: dict[str, Any] = {
        "inspected": True,
        "latest_grade": 2,
        "latest_category": "",
        "grade_age_years": 3.0,
        "report_card_lowest": None,
        "safeguarding_met": None,
        "previous_grade": 2,
        "governance": "maintained",
        "phase": "Primary",
        "sixth_form": False,
        "floor_below": False,
        "coasting": False,
        "significantly_below": 0,
        "risk": 0.1,
        "capacity_to_improve": None,
        "leadership_concern": None,
        "governance_concern": None,
        "safeguarding_concern": None,
        "would_be_ri_now": None,
    }
    base.update(values)
    return base


def test_every_shipped_policy_loads() -> None:
    names = {path.stem for path in POLICY_DIR.glob("*.yaml")}
    assert names >= {"barnet-2020", "two-axis-2021"}
    for name in names:
        policy = policy_named(name)
        assert policy.categories and policy.effective_from
    assert [c.code for c in BARNET.categories] == ["4b", "4a", "3", "2", "1"]
    assert {c.code for c in BARNET.categories if c.causing_concern} == {"3", "4a", "4b"}
    assert [c.support_days for c in TWO_AXIS.categories] == [25, 15, 10, 4]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("name: x\n", 1, "missing 'title'"),
        (
            "name: x\ntitle: X\nversion: 1\neffective_from: 2020-09-01\ndefault: a\ncategories:\n"
            "  - code: a\n    label: A\n    causing_concern: false\n    when: {evidence: ofsted_mood, equals: 1}\n",
            10,
            "unknown evidence 'ofsted_mood'",
        ),
        (
            "name: x\ntitle: X\nversion: 1\neffective_from: 2020-09-01\ndefault: b\ncategories:\n"
            "  - code: a\n    label: A\n    causing_concern: false\n",
            5,
            "default category 'b' is not one of the categories",
        ),
        (
            "name: x\ntitle: X\nversion: 1\neffective_from: 2020-09-01\ndefault: a\ncategories:\n"
            "  - code: a\n    label: A\n    causing_concern: maybe\n",
            9,
            "'causing_concern' must be true or false",
        ),
        (
            "name: x\ntitle: X\nversion: 1\neffective_from: 2020-09-01\ndefault: a\ncategories:\n"
            "  - code: a\n    label: A\n    causing_concern: false\n    when: {evidence: risk, at_least: high}\n",
            10,
            "'at_least' needs a number",
        ),
        ("name: [x\n", 2, "not valid YAML"),
    ],
)
def test_an_invalid_policy_is_rejected_with_file_line_and_problem(
    tmp_path: Path, text: str, line: int, problem: str
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(PolicyError) as error:
        load_policy(path)
    assert f"{path}:{line}:" in str(error.value)
    assert problem in str(error.value)


@pytest.mark.parametrize(
    ("values", "category"),
    [
        ({"latest_grade": 4, "latest_category": "SM"}, "4b"),
        ({"latest_grade": 4, "latest_category": "SWK"}, "4b"),
        ({"latest_grade": None, "report_card_lowest": 1}, "4b"),
        ({"latest_grade": 3, "capacity_to_improve": "C"}, "4a"),
        ({"latest_grade": 3}, "4a"),  # capacity not yet judged: not secure
        ({"latest_grade": 3, "capacity_to_improve": "B"}, "3"),
        ({"latest_grade": None, "report_card_lowest": 2, "capacity_to_improve": "A"}, "3"),
        ({"safeguarding_met": False, "capacity_to_improve": "A"}, "3"),
        ({"would_be_ri_now": True}, "3"),
        ({"leadership_concern": True}, "3"),
        ({"governance_concern": True}, "3"),
        ({"safeguarding_concern": True}, "3"),
        ({"floor_below": True}, "3"),
        ({"floor_below": True, "capacity_to_improve": "B"}, "2"),
        ({"grade_age_years": 5.5}, "2"),
        ({"coasting": True}, "2"),
        ({"significantly_below": 1}, "2"),
        ({"risk": 0.35}, "2"),
        ({"capacity_to_improve": "C"}, "2"),
        ({"inspected": False, "latest_grade": None, "grade_age_years": None}, "2"),
        ({"latest_grade": 1, "grade_age_years": 4.0}, "1"),
        ({}, "1"),
    ],
)
def test_barnet_categories(values: dict[str, Any], category: str) -> None:
    proposal = apply_policy(BARNET, evidence(**values))
    assert proposal.category.code == category
    assert proposal.reasons[-1].name == f"category {category}"


@pytest.mark.parametrize(
    ("values", "triggers"),
    [
        ({"latest_grade": 3}, {"judged_inadequate_or_requires_improvement"}),
        ({"latest_grade": 4}, {"judged_inadequate_or_requires_improvement"}),
        ({"report_card_lowest": 2}, {"judged_inadequate_or_requires_improvement"}),
        (
            {"safeguarding_met": False},
            {"judged_inadequate_or_requires_improvement", "pupils_safety_or_safeguarding"},
        ),
        ({"would_be_ri_now": True}, {"la_believes_ri_or_worse_now"}),
        ({"leadership_concern": True}, {"breakdown_of_leadership_or_governance"}),
        ({"governance_concern": True}, {"breakdown_of_leadership_or_governance"}),
        ({"safeguarding_concern": True}, {"pupils_safety_or_safeguarding"}),
        ({"floor_below": True}, {"achievement_unacceptably_low_or_declining"}),
        ({"coasting": True, "capacity_to_improve": "D"}, {"achievement_unacceptably_low_or_declining"}),
        ({"significantly_below": 2}, {"achievement_unacceptably_low_or_declining"}),
        ({"significantly_below": 2, "capacity_to_improve": "A"}, set()),
        ({"latest_grade": 1}, set()),
    ],
)
def test_barnet_causing_concern_triggers(values: dict[str, Any], triggers: set[str]) -> None:
    proposal = apply_policy(BARNET, evidence(**values))
    assert {t.name for t in proposal.triggers} == triggers
    assert proposal.causing_concern == bool(triggers) or proposal.category.causing_concern


def test_a_fired_rule_records_the_evidence_it_read() -> None:
    proposal = apply_policy(BARNET, evidence(latest_grade=3, capacity_to_improve="C"))
    fired = proposal.triggers[0]
    assert fired.evidence["latest_grade"] == 3
    # Every piece of evidence the rule names is recorded, not only the one that decided it.
    assert proposal.reasons[-1].evidence == {
        "latest_grade": 3,
        "report_card_lowest": None,
        "safeguarding_met": None,
        "capacity_to_improve": "C",
    }


@pytest.mark.parametrize(
    ("values", "group", "colour"),
    [
        ({"latest_grade": 1, "grade_age_years": 2.0, "capacity_to_improve": "A"}, 1, "green"),
        ({"capacity_to_improve": "B"}, 2, "green"),
        ({"capacity_to_improve": "C"}, 2, "yellow"),
        ({"coasting": True, "capacity_to_improve": "B"}, 3, "yellow"),
        ({"coasting": True, "capacity_to_improve": "C"}, 3, "amber"),
        ({"latest_grade": 3, "capacity_to_improve": "B"}, 4, "amber"),
        ({"latest_grade": 3, "capacity_to_improve": "C"}, 4, "red"),
        ({"capacity_to_improve": "D"}, 2, "red"),
    ],
)
def test_two_axis_policy_is_only_a_different_file(values: dict[str, Any], group: int, colour: str) -> None:
    proposal = apply_policy(TWO_AXIS, evidence(**values))
    assert proposal.derived["standards_group"] == group
    assert proposal.category.code == colour


# ------------------------------------------------------------------------------- rounds on real data


@pytest.fixture
def officer(hampshire_sample: ImportResult):  # type: ignore[no-untyped-def]
    return UserFactory(role=Role.LA_OFFICER, local_authority=LocalAuthority.objects.get(code="850"))


def test_round_on_real_gias_evidence_with_an_officer_judgement(officer) -> None:  # type: ignore[no-untyped-def]
    alton = Establishment.objects.get(urn=115850)  # Good, 23 January 2019
    judgement_record(
        establishment=alton,
        kind="would_be_ri_now",
        value="yes",
        made_on=dt.date(2022, 3, 1),
        author=officer,
        reason="Headteacher left; weak teaching seen on two visits",
    )
    hampshire = LocalAuthority.objects.get(code="850")
    categorisation_round = round_run(
        local_authority=hampshire, policy=HAMPSHIRE, as_of=dt.date(2022, 4, 20), by=officer, with_risk=False
    )
    proposals = {p.establishment.urn: p for p in categorisation_round.proposals.all()}
    assert len(proposals) == Establishment.objects.filter(status="Open").count()
    alton_proposal = proposals[115850]
    assert alton_proposal.category == "3"
    assert alton_proposal.causing_concern
    assert [t["name"] for t in alton_proposal.triggers] == ["la_believes_ri_or_worse_now"]
    assert alton_proposal.evidence["latest_grade"] == 2
    # Evidence after the round's date is not used.
    earlier = round_run(
        local_authority=hampshire, policy=HAMPSHIRE, as_of=dt.date(2022, 2, 1), by=officer, with_risk=False
    )
    assert earlier.proposals.get(establishment=alton).category == "1"
    assert AuditEvent.objects.filter(verb="judgement.recorded").count() == 1


def test_confirm_and_override_are_audited_and_override_needs_a_reason(officer) -> None:  # type: ignore[no-untyped-def]
    hampshire = LocalAuthority.objects.get(code="850")
    categorisation_round = round_run(
        local_authority=hampshire, policy=HAMPSHIRE, as_of=dt.date(2022, 4, 20), by=officer, with_risk=False
    )
    proposal = categorisation_round.proposals.get(establishment__urn=115851)
    with pytest.raises(ValueError, match="needs a reason"):
        proposal_override(proposal=proposal, policy=BARNET, category="2", by=officer, reason=" ")
    proposal_confirm(proposal=proposal, by=officer)
    proposal_override(proposal=proposal, policy=BARNET, category="2", by=officer, reason="New head from January")
    assert [d.action for d in proposal.decisions.order_by("id")] == ["confirm", "override"]
    assert proposal.decision is not None and proposal.decision.category == "2"
    events = AuditEvent.objects.filter(target_id=str(proposal.establishment_id), verb__startswith="categorisation.")
    assert [e.verb for e in events.order_by("id")] == ["categorisation.confirm", "categorisation.override"]
    assert events.order_by("id").last().reason == "New head from January"  # type: ignore[union-attr]
    with pytest.raises(IntegrityError):
        CategoryDecision.objects.create(
            proposal=proposal,
            action="override",
            category="1",
            category_label="x",
            causing_concern=False,
            decided_by=officer,
            reason="",
        )


def test_categorise_command_json_and_confirm_as(officer, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command(
        "categorise",
        "--la",
        "850",
        "--policy",
        "hampshire-2022",
        "--as-of",
        "2022-04-20",
        "--no-risk",
        "--json",
        "--confirm-as",
        officer.username,
    )
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed["policy"] == "hampshire-2022"
    school = next(s for s in printed["schools"] if s["urn"] == "115850")
    assert set(school) >= {"urn", "category", "causing_concern", "triggers", "reasons", "risk"}
    assert school["category"] == "1" and school["causing_concern"] is False and school["risk"] is None
    assert CategoryDecision.objects.filter(action="confirm").count() == len(printed["schools"])


def test_category_pages_follow_the_access_rules(officer) -> None:  # type: ignore[no-untyped-def]
    hampshire = LocalAuthority.objects.get(code="850")
    categorisation_round = round_run(
        local_authority=hampshire, policy=HAMPSHIRE, as_of=dt.date(2022, 4, 20), by=officer, with_risk=False
    )
    client = Client()
    client.force_login(officer)
    page = client.get(f"/risk/rounds/{categorisation_round.pk}/?sort=grade_age")
    assert page.status_code == 200 and b"Alton Infant School" in page.content
    assert client.get("/risk/schools/115850/").status_code == 200
    proposal = CategoryProposal.objects.get(round=categorisation_round, establishment__urn=115850)
    refused = client.post(f"/risk/proposals/{proposal.pk}/decide/", {"action": "override", "category": "3"})
    assert refused.status_code == 200 and b"Enter the reason" in refused.content
    done = client.post(f"/risk/proposals/{proposal.pk}/decide/", {"action": "override", "category": "3", "reason": "x"})
    assert done.status_code == 302
    other = UserFactory(
        username="barnet-officer",
        role=Role.LA_OFFICER,
        local_authority=LocalAuthority.objects.create(code="302", name="Barnet"),
    )
    other_client = Client()
    other_client.force_login(other)
    assert other_client.get(f"/risk/rounds/{categorisation_round.pk}/").status_code == 404
    assert other_client.get("/risk/schools/115850/").status_code == 404
    head = UserFactory(username="alton-head", role=Role.SCHOOL_USER)
    head.schools.set([Establishment.objects.get(urn=115850)])
    head_client = Client()
    head_client.force_login(head)
    assert head_client.get("/risk/schools/115850/").status_code == 403
    CategorisationSetting.objects.create(local_authority=hampshire, share_category_with_schools=True)
    shared = head_client.get("/risk/schools/115850/")
    assert shared.status_code == 200 and b"Record a judgement" not in shared.content
    assert head_client.get(f"/risk/rounds/{categorisation_round.pk}/").status_code == 404

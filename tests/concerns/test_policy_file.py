"""The schools-causing-concern policy is data: the shipped file loads with the rules the issue states, and a
broken copy is rejected with ``file:line: problem``."""

from __future__ import annotations

from pathlib import Path

import pytest

from headway.concerns.policy import DEFAULT_POLICY, POLICY_DIR, concern_policy_named, load_concern_policy
from headway.risk.policy import PolicyError

SHIPPED = POLICY_DIR / f"{DEFAULT_POLICY}.yaml"


def test_the_shipped_policy_loads() -> None:
    policy = concern_policy_named()
    assert policy == load_concern_policy(SHIPPED)
    assert (policy.name, policy.version) == ("scc-2024", 2)
    assert policy.plan_review_at_least_every_days == 105
    assert policy.removal_blocked_by_grades == (3, 4)
    assert policy.removal_cleared_by_grades == (1, 2)
    assert policy.removal_report_card_at_least == 3
    assert [(r.name, r.judgement, r.causing_concern_more_than_months) for r in policy.warning_notice_rules] == [
        ("not_engaged", "not_engaged", None),
        ("review_not_secured", "review_not_secured", None),
        ("prolonged_concern", "unlikely_good_within_6_months", 12),
    ]
    assert list(policy.grounds) == ["standards", "breakdown", "safety", "pay_and_conditions"]
    assert "unacceptably low" in policy.grounds["standards"]
    assert (policy.compliance_default_days, policy.compliance_minimum_days) == (15, 10)
    assert policy.warning_notice_maintained_only is True
    assert set(policy.eligibility_grounds) == {
        "warning_notice_not_complied",
        "special_measures",
        "serious_weaknesses",
        "requires_significant_improvement",
    }
    assert [(p.code, p.section) for p in policy.statutory_powers.values()] == [
        ("require_arrangements", "EIA 2006 s.63"),
        ("additional_governors", "EIA 2006 s.64"),
        ("interim_executive_board", "EIA 2006 s.65"),
        ("suspend_delegated_budget", "EIA 2006 s.66"),
    ]
    assert policy.statement_categories == ("SM", "SWK", "RSI")
    assert (policy.statement_due_working_days, policy.statement_visits_per_year) == (10, 12)
    assert policy.academy_first_contacts == ("headteacher", "chair", "trust")
    assert policy.academy_escalation == ("regional_director", "esfa", "ofsted")


def test_an_unknown_policy_name_lists_the_shipped_ones() -> None:
    with pytest.raises(
        PolicyError, match=r"no schools-causing-concern rules called 'scc-1999' in .*; known: .*scc-2024"
    ):
        concern_policy_named("scc-1999")


def _line_of(text: str, fragment: str) -> int:
    """The 1-based line on which ``fragment`` first appears."""
    index = text.index(fragment)
    return text.count("\n", 0, index) + 1


def _without_block(text: str, header: str) -> str:
    """The text without the top-level section starting at ``header`` (up to the next blank line)."""
    lines = text.splitlines(keepends=True)
    start = next(n for n, line in enumerate(lines) if line.rstrip("\n") == header)
    end = next(n for n in range(start + 1, len(lines)) if not lines[n].strip())
    return "".join(lines[:start] + lines[end:])


SHIPPED_TEXT = SHIPPED.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        pytest.param(
            _without_block(SHIPPED_TEXT, "removal:"),
            "name: scc-2024",
            "the policy needs 'removal'",
            id="missing-removal",
        ),
        pytest.param(
            SHIPPED_TEXT.replace("judgement: review_not_secured", "judgement: not_answering_the_phone"),
            "judgement: not_answering_the_phone",
            "unknown judgement 'not_answering_the_phone'; known: not_engaged, review_not_secured, "
            "unlikely_good_within_6_months",
            id="unknown-judgement",
        ),
        pytest.param(
            SHIPPED_TEXT.replace("    default: 15\n", "    default: 5\n"),
            "    default: 5",
            "the default compliance period is shorter than the minimum",
            id="default-below-minimum",
        ),
        pytest.param(
            SHIPPED_TEXT.replace("    default: 15\n", "    default: 0\n"),
            "    default: 0",
            "expected a whole number, 1 or more, not 0",
            id="default-zero",
        ),
        pytest.param(
            SHIPPED_TEXT.replace("categories: [SM, SWK, RSI]", "categories: [SM, SWK, RI]"),
            "categories: [SM, SWK, RI]",
            "'categories': unknown 'RI'; known: RSI, SM, SWK",
            id="unknown-statement-category",
        ),
        pytest.param(
            SHIPPED_TEXT.replace(
                '  serious_weaknesses: "Ofsted judged that it requires significant improvement (serious weaknesses)"\n',
                "",
            ),
            "  warning_notice_not_complied:",
            "'eligibility' needs serious_weaknesses",
            id="missing-eligibility-key",
        ),
        pytest.param(
            _without_block(SHIPPED_TEXT, "eligibility:"),
            "name: scc-2024",
            "the policy needs 'eligibility'",
            id="missing-eligibility",
        ),
        pytest.param(
            SHIPPED_TEXT.replace("escalate_to: [regional_director, esfa, ofsted]", "escalate_to: [minister]"),
            "escalate_to: [minister]",
            "'escalate_to': unknown 'minister'",
            id="unknown-escalation",
        ),
        pytest.param(
            SHIPPED_TEXT.replace('    section: "EIA 2006 s.65"\n', ""),
            '    label: "Appoint an interim executive board"',  # the power's mapping starts here
            "power 'interim_executive_board' needs 'section'",
            id="power-without-section",
        ),
        pytest.param(
            SHIPPED_TEXT.replace("  blocked_by_grades: [3, 4]", "  blocked_by_grades: [3, 5]"),
            "  blocked_by_grades: [3, 5]",
            "expected a list of grades from 1 to 4",
            id="grade-out-of-range",
        ),
        pytest.param(
            SHIPPED_TEXT.replace("  maintained_only: true", "  maintained_only: sometimes"),
            "  maintained_only: sometimes",
            "'maintained_only' must be true or false",
            id="maintained-only-not-boolean",
        ),
        pytest.param(
            SHIPPED_TEXT.replace("  cleared_by_grades: [1, 2]", "  cleared_by_grades: [1, 2"),
            "removal:",  # the parser notices at the next line
            "not valid YAML",
            id="not-yaml",
        ),
    ],
)
def test_a_broken_policy_is_rejected_with_file_line_and_problem(
    tmp_path: Path, text: str, where: str, problem: str
) -> None:
    assert text != SHIPPED_TEXT
    path = tmp_path / "scc-broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as error:
        load_concern_policy(path)
    message = str(error.value)
    assert problem in message
    if problem != "not valid YAML":
        assert message.startswith(f"{path}:{_line_of(text, where)}: "), message
    else:
        assert message.startswith(f"{path}:"), message


def test_an_empty_policy_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"empty\.yaml:1: the policy is empty"):
        load_concern_policy(path)

"""The entitlement loader reports every problem as ``file:line: problem``, naming the line at fault, on
broken copies of the shipped Barnet policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from headway.risk.policy import POLICY_DIR, PolicyError
from headway.visits.entitlements import load_entitlements

SHIPPED = (POLICY_DIR / "barnet-2020.yaml").read_text(encoding="utf-8")


def broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of barnet-2020.yaml with the first ``old`` replaced by ``new``."""
    assert SHIPPED.count(old) >= 1, old
    path = tmp_path / "barnet-broken.yaml"
    path.write_text(SHIPPED.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the first line of the file holding ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def problem(path: Path) -> str:
    with pytest.raises(PolicyError) as caught:
        load_entitlements(path)
    return str(caught.value)


def test_the_shipped_policy_loads() -> None:
    policy = load_entitlements(POLICY_DIR / "barnet-2020.yaml")
    assert set(policy.by_category) == {"1", "2", "3", "4a", "4b"}


@pytest.mark.parametrize(
    ("old", "new", "at", "says"),
    [
        pytest.param(
            '"3": {visits_per_year: 6}',
            '"9": {visits_per_year: 6}',
            '"9": {visits_per_year: 6}',
            "unknown category '9'; the policy's categories: 4b, 4a, 3, 2, 1",
            id="unknown-category",
        ),
        pytest.param(
            '    "3": {visits_per_year: 6}\n',
            "",
            '"1": {visits_per_year: 2}',  # the by_category mapping starts on its first entry
            "no entitlement for categories 3",
            id="category-without-entitlement",
        ),
        pytest.param(
            '"2": {every: half_term}',
            '"2": {every: week}',
            '"2": {every: week}',
            "'every' must be half_term or fortnight, not 'week'",
            id="unknown-cadence",
        ),
        pytest.param(
            '"2": {every: half_term}',
            '"2": {every: half_term, visits_per_year: 6}',
            '"2": {every: half_term, visits_per_year: 6}',
            "category '2' gives 'every' and also a number of visits; give one",
            id="every-and-visits-per-year",
        ),
        pytest.param(
            'categories: ["1", "2"]',
            'categories: ["1", "7"]',
            'categories: ["1", "7"]',
            "unknown category '7'",
            id="override-unknown-category",
        ),
        pytest.param(
            "critical_incident: {visits: 1,",
            "critical_incident: {visits: 0,",
            "critical_incident: {visits: 0,",
            "'visits' must be a whole number, 1 or more",
            id="extra-visits-zero",
        ),
    ],
)
def test_a_broken_entitlement_names_the_file_and_line(tmp_path: Path, old: str, new: str, at: str, says: str) -> None:
    path = broken_copy(tmp_path, old, new)
    message = problem(path)
    assert message.startswith(f"{path}:{line_of(path, at)}: "), message
    assert message.endswith(says), message


def test_the_override_error_is_on_the_academy_override_line(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, 'categories: ["1", "2"]', 'categories: ["1", "7"]')
    academy = line_of(path, "- name: academy")
    assert problem(path).startswith(f"{path}:{academy + 2}: ")  # name, purpose, then categories

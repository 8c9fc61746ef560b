"""``headway inspections standing`` and ``headway inspections share``: JSON shapes, readable output, errors."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.inspections.test_share import build_world

pytestmark = pytest.mark.django_db

SHARE_KEYS = {"la", "as_of", "schools_pct", "pupils_pct", "england_schools_pct", "rank", "of"}


def run(*args: str) -> str:
    out = StringIO()
    call_command("inspections", *args, stdout=out)
    return out.getvalue()


def test_standing_json_lists_every_open_school_of_the_la_by_urn() -> None:
    world = build_world()
    schools = json.loads(run("standing", "--la", "801", "--as-of", "2025-12-31", "--json"))["schools"]
    urns = [s["urn"] for s in schools]
    assert urns == sorted(urns)
    # 11 with an outcome and one never inspected; not the closed school, the school still to open, the
    # predecessor that closed in 2024 or the independent school.
    assert len(schools) == 12
    assert not {world.closed.urn, world.still_to_open.urn, world.predecessor.urn, world.independent.urn} & set(urns)
    converter = next(s for s in schools if s["urn"] == world.converter.urn)
    assert converter["latest"]["inherited_from_urn"] == world.predecessor.urn
    assert converter["good_or_better"] is True
    assert set(converter) >= {
        "urn",
        "name",
        "latest",
        "category_of_concern",
        "safeguarding_met",
        "previous_grade",
        "good_or_better",
        "stuck",
        "rise_eligible",
        "next_inspection_window",
        "in_window",
        "overdue",
    }
    never = next(s for s in schools if s["urn"] == world.uninspected.urn)
    assert never["latest"] is None and never["good_or_better"] is False


def test_standing_table_is_readable() -> None:
    world = build_world()
    text = run("standing", "--la", "801", "--as-of", "2025-12-31")
    assert "Authority A: 12 open schools on 31 December 2025" in text
    assert "Latest outcome" in text and "Next inspection" in text
    assert f"(predecessor {world.predecessor.urn})" in text
    assert "Not yet inspected" in text
    assert "Report card (2 December 2025): lowest area expected standard, safeguarding not met" in text


def test_share_json_has_the_agreed_keys() -> None:
    build_world()
    result = json.loads(run("share", "--la", "801", "--as-of", "2025-12-31", "--json"))
    assert set(result) >= SHARE_KEYS
    assert {k: result[k] for k in SHARE_KEYS} == {
        "la": "801",
        "as_of": "2025-12-31",
        "schools_pct": 63.6,
        "pupils_pct": 57.0,
        "england_schools_pct": 58.8,
        "rank": 1,
        "of": 3,
    }
    assert (result["schools"], result["pupils"], result["region_schools_pct"]) == (11, 2790, 61.5)
    primary = json.loads(run("share", "--la", "802", "--as-of", "2025-12-31", "--phase", "primary", "--json"))
    assert (primary["schools_pct"], primary["rank"], primary["of"]) == (0.0, 3, 3)


def test_share_sentences() -> None:
    build_world()
    text = run("share", "--la", "801", "--as-of", "2025-12-31")
    assert "On 31 December 2025, 63.6% of Authority A's schools with an inspection outcome were good or better" in text
    assert "(7 of 11)" in text
    assert "57.0% of their pupils attended a good or better school (1,590 of 2,790)" in text
    assert "England: 58.8% of schools" in text
    assert "Authority A ranks 1st of 3 local authorities on the share of schools (2nd on pupils)." in text
    assert "1 open school has no inspection outcome yet and is not counted." in text


@pytest.mark.parametrize(
    "args",
    [
        ("standing", "--la", "999"),
        ("share", "--la", "999", "--as-of", "2019-02-28"),
        ("share", "--la", "999", "--as-of", "2019-02-28", "--json"),
    ],
)
def test_unknown_la_is_an_error(args: tuple[str, ...]) -> None:
    build_world()
    with pytest.raises(CommandError, match="no local authority '999' in the register"):
        run(*args)


def test_a_bad_date_is_an_error() -> None:
    build_world()
    with pytest.raises(CommandError, match="is not a date"):
        run("share", "--la", "801", "--as-of", "28/02/2019")

"""``headway concerns``: the register as JSON or a table, the review group's pack and the board's summary."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from headway.concerns import services
from tests.concerns import world as w
from tests.concerns.world import World, designated, make_world, meeting
from tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def run(*args: str) -> str:
    out = StringIO()
    call_command("concerns", *args, stdout=out)
    return out.getvalue()


def listed(*extra: str, la: str = "850") -> dict[str, Any]:
    result: dict[str, Any] = json.loads(run("list", "--la", la, "--json", *extra))
    return result


def test_list_json_before_and_after_a_warning_notice(world: World) -> None:
    concern = designated(world)
    assert listed() == {
        "schools": [
            {
                "urn": "115850",
                "name": "Alton Infant School",
                "since": "2025-10-15",
                "triggers": ["judged_inadequate_or_requires_improvement"],
                "lead_officer": "Olu Lead",
                "status": "causing_concern",
                "warning_notice": None,
            }
        ]
    }
    text = run("list", "--la", "850", "--json")
    assert text.startswith('{\n  "schools": [\n    {\n      "urn": "115850",')  # indent 2

    on = dt.date(2026, 1, 14)
    services.judgement_record(
        concern=concern, kind="not_engaged", value=True, made_on=on, reason="No engagement.", by=world.officer
    )
    notice = services.warning_notice_issue(
        meeting=meeting(world, on),
        concern=concern,
        ground="standards",
        reasons="Standards remain unacceptably low.",
        required_action="Agree and carry out a reading recovery plan.",
        discussed_with_head_on=on - dt.timedelta(days=2),
        by=world.head_of_service,
    )
    (school,) = listed()["schools"]
    assert list(school) == ["urn", "name", "since", "triggers", "lead_officer", "status", "warning_notice"]
    assert school["status"] == "warning_notice"
    assert school["warning_notice"] == {
        "issued_on": "2026-01-14",
        "ground": "standards",
        "compliance_ends_on": notice.compliance_ends_on.isoformat(),
        "outcome": "open",
    }


def test_list_of_an_la_with_no_schools_causing_concern(world: World) -> None:
    LocalAuthorityFactory(code="301")
    assert listed(la="301") == {"schools": []}
    assert listed() == {"schools": []}
    assert "No schools causing concern on the register" in run("list", "--la", "850")


def test_unknown_la_is_an_error(world: World) -> None:
    with pytest.raises(CommandError, match="no local authority '999'"):
        run("list", "--la", "999", "--json")
    with pytest.raises(CommandError, match="no local authority '999'"):
        run("board", "--la", "999", "--from", "2025-09-01", "--to", "2025-12-19", "--out", "x.pdf")


def test_list_as_a_table_and_with_removed_schools(world: World) -> None:
    concern = designated(world)
    table = run("list", "--la", "850")
    assert "Schools causing concern on the register in Hampshire: 1" in table
    assert "115850" in table and "Alton Infant School" in table and "Olu Lead" in table
    w.inspect(world.school, dt.date(2026, 5, 12), 2)
    services.remove(
        meeting=meeting(world, dt.date(2026, 7, 1)),
        concern=concern,
        reasons="Judged good; improvement secure.",
        discussed_with_head_on=dt.date(2026, 6, 28),
        by=world.head_of_service,
    )
    assert listed() == {"schools": []}
    (school,) = listed("--removed")["schools"]
    assert school["urn"] == "115850" and school["status"] == "removed" and school["warning_notice"] is None
    assert "Removed from the register" in run("list", "--la", "850", "--removed")


def test_pack_and_board_write_pdfs(world: World, tmp_path: Path) -> None:
    designated(world)
    later = meeting(world, dt.date(2026, 1, 14))
    pack = tmp_path / "pack.pdf"
    assert "Wrote" in run("pack", "--meeting", str(later.pk), "--out", str(pack))
    assert pack.read_bytes().startswith(b"%PDF")
    board = tmp_path / "board.pdf"
    run("board", "--la", "850", "--from", "2025-09-01", "--to", "2025-12-19", "--out", str(board))
    assert board.read_bytes().startswith(b"%PDF")


def test_pack_and_board_refuse_what_does_not_exist(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no review group meeting with id 999999"):
        run("pack", "--meeting", "999999", "--out", str(tmp_path / "p.pdf"))
    with pytest.raises(CommandError, match="not a date"):
        run("board", "--la", "850", "--from", "1 September", "--to", "2025-12-19", "--out", str(tmp_path / "b.pdf"))
    with pytest.raises(CommandError, match="before it starts"):
        run("board", "--la", "850", "--from", "2025-12-19", "--to", "2025-09-01", "--out", str(tmp_path / "b.pdf"))

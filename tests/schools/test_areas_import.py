"""``headway import areas``: an authority's areas from a spreadsheet (URN, area, kind, parent). The file is checked
whole (``file:row:column``) and rejected whole, written in one transaction, and importing it again changes
nothing. Fixtures: ``tests/fixtures/areas/`` (real Walsall and Barnsley schools; which area each is in is
invented)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from headway.accounts.models import AuditEvent
from headway.imports.models import ImportRun
from headway.schools.areas import area_tree
from headway.schools.models import Area, Establishment, LocalAuthority
from tests.helpers import FIXTURES, load, row_counts
from tests.meetings.world import OFSTED, SPINE

AREAS = FIXTURES / "areas"
WALSALL_FILE = AREAS / "valid" / "walsall_footprints_invented.csv"

pytestmark = pytest.mark.django_db


@pytest.fixture
def register() -> None:
    for kind, path in (("spine", SPINE), ("ofsted", OFSTED)):
        assert not load(kind, path).rejected


def test_walsall_s_footprints_and_areas_are_imported_once(register: None) -> None:
    result = load("areas", WALSALL_FILE)
    assert not result.rejected, result.errors
    assert (result.created, result.updated, result.unchanged) == (9, 108, 0)  # 9 areas; 108 schools placed
    assert "1 column(s) not used by Headway were ignored: School name" in result.notices[0]
    assert "10 open school(s) of Walsall are in no area" in result.notices
    walsall = LocalAuthority.objects.get(code="335")
    assert [(node.depth, node.label) for node in area_tree(walsall)] == [
        (0, "North footprint"),
        (1, "North footprint / Aldridge and Streetly area"),
        (1, "North footprint / Brownhills and Pelsall area"),
        (0, "South-East footprint"),
        (1, "South-East footprint / Darlaston and Wednesbury area"),
        (1, "South-East footprint / Walsall South and Central area"),
        (0, "West footprint"),
        (1, "West footprint / Bloxwich and Blakenall area"),
        (1, "West footprint / Willenhall and Short Heath area"),
    ]
    assert Establishment.objects.get(urn=104248).area == Area.objects.get(name="Brownhills and Pelsall")
    assert Establishment.objects.filter(area__parent__name="North").count() == 33
    run = ImportRun.objects.get(kind="areas")
    assert (run.created, run.updated, run.file_name) == (9, 108, WALSALL_FILE.name)
    assert AuditEvent.objects.filter(verb="import.completed", target_id=str(run.pk)).exists()

    again = load("areas", WALSALL_FILE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 117)


def test_a_changed_file_moves_schools_and_areas(register: None, tmp_path: object) -> None:
    load("areas", WALSALL_FILE)
    text = WALSALL_FILE.read_text(encoding="utf-8")
    moved = text.replace(
        "104248,Brownhills School,Brownhills and Pelsall,area,North,footprint",
        "104248,Brownhills School,Aldridge and Streetly,area,North,footprint",
    ).replace("Bloxwich and Blakenall,area,West,", "Bloxwich and Blakenall,locality,West,")
    path = tmp_path / "walsall_changed.csv"  # type: ignore[operator]
    path.write_text(moved, encoding="utf-8")
    result = load("areas", path)
    assert not result.rejected, result.errors
    assert (result.created, result.updated) == (0, 2)  # Bloxwich becomes a locality; Brownhills School moves
    assert Establishment.objects.get(urn=104248).area == Area.objects.get(name="Aldridge and Streetly")
    assert Area.objects.get(name="Bloxwich and Blakenall").kind == "locality"


def test_clusters_without_parents(register: None) -> None:
    result = load("areas", AREAS / "valid" / "barnsley_clusters_invented.csv")
    assert not result.rejected, result.errors
    barnsley = LocalAuthority.objects.get(code="370")
    assert sorted(Area.objects.filter(local_authority=barnsley).values_list("name", "kind", "parent")) == [
        ("Penistone", "cluster", None),
        ("Town Centre", "cluster", None),
    ]


PROBLEMS = {
    "urn_not_in_register.csv": "3:URN: no school with URN 999999 in the register: import the register first",
    "urn_twice.csv": "4:URN: URN 104248 is already in the file at row 2",
    "schools_of_two_authorities.csv": (
        "3:URN: URN 101258 is a school of Barnet, but the school at row 2 is of Walsall: import one authority's "
        "areas per file"
    ),
    "unknown_kind.csv": "2:Kind: 'ward' is not a kind of area: cluster, network, footprint, locality, area",
    "area_given_two_kinds.csv": "3:Kind: row 2 gives 'Brownhills and Pelsall' as an area, this row as a locality",
    "area_given_two_parents.csv": "4:Parent: row 2 gives 'Brownhills and Pelsall' as inside 'North'",
    "area_inside_itself.csv": ("3:Parent: 'North' would be inside itself: 'Brownhills and Pelsall' is inside 'North'"),
    "new_parent_without_kind.csv": (
        "2:Parent: 'North' is not an area in Headway yet: give its kind in the 'Parent kind' column"
    ),
    "missing_kind_column.csv": "1:Kind: required column is missing",
}


@pytest.mark.parametrize("name", sorted(PROBLEMS), ids=lambda n: n.removesuffix(".csv"))
def test_a_file_with_a_problem_is_rejected_whole(register: None, name: str) -> None:
    before = row_counts()
    result = load("areas", AREAS / "invalid" / name)
    assert result.rejected
    assert result.errors == [f"{name}:{PROBLEMS[name]}"]
    assert row_counts() == before


def test_skipping_bad_rows_imports_the_rest(register: None) -> None:
    result = load("areas", AREAS / "invalid" / "urn_not_in_register.csv", skip_bad_rows=True)
    assert not result.rejected
    assert (result.created, result.updated, result.skipped) == (2, 1, 1)
    assert Establishment.objects.get(urn=104248).area is not None


def test_the_command_exits_2_on_a_rejected_file(register: None) -> None:
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("import", "areas", str(AREAS / "invalid" / "unknown_kind.csv"), stdout=out, stderr=err)
    assert exit_status.value.code == 2
    assert "'ward' is not a kind of area" in err.getvalue()
    out = StringIO()
    call_command("import", "areas", str(WALSALL_FILE), "--json", stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (summary["created"], summary["updated"], summary["rejected"]) == (9, 108, False)

"""An LA administrator's import changes only their own authority's schools (issue 12, part 6): other
authorities' schools, and the other authorities themselves, are left as they were and the result says how many
were left; national reference figures (LA and England rows) are written whoever imports them. A superuser's
or the command line's import changes everything."""

from __future__ import annotations

from pathlib import Path

import pytest

from headway.accounts.models import Role, User
from headway.imports.registry import importer_for
from headway.imports.services import ImportResult, run_import
from headway.inspections.models import Inspection
from headway.performance.models import PublishedFigure, SchoolResult
from headway.schools.models import Establishment, LocalAuthority
from tests.factories import EstablishmentFactory, LocalAuthorityFactory, UserFactory
from tests.helpers import FIXTURES, load

GIAS = FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv"
KS2 = FIXTURES / "performance" / "valid" / "ks2_2018_850_short_rows.csv"
BARNET_SCHOOL = 999001
BARNET_OTHER = 999002


@pytest.fixture
def world(db: None) -> dict[str, User]:
    """Hampshire's register (loaded from the command line), Barnet with two schools, a Hampshire LA
    administrator and a superuser."""
    assert not load("gias", GIAS).rejected
    barnet = LocalAuthorityFactory(code="302", name="Barnet")
    EstablishmentFactory(urn=BARNET_SCHOOL, local_authority=barnet, name="Barnet School")
    EstablishmentFactory(urn=BARNET_OTHER, local_authority=barnet, name="Other Barnet School")
    hampshire = LocalAuthority.objects.get(code="850")
    admin = UserFactory(username="admin.hampshire", role=Role.LA_ADMIN, local_authority=hampshire)
    superuser = UserFactory(username="root", role=Role.LA_ADMIN, is_superuser=True)
    return {"admin": admin, "superuser": superuser}


def hostile_gias(tmp_path: Path) -> Path:
    """The Hampshire sample with Alton Infant School renamed, plus a row renaming a Barnet school and Barnet
    itself, and a row moving another Barnet school into Hampshire."""
    lines = [line for line in GIAS.read_bytes().split(b"\n") if line.strip()]
    lines[1] = lines[1].replace(b'"Alton Infant School"', b'"Alton Infant School Renamed"', 1)
    barnet = (
        lines[2]
        .replace(b'"115851","850","Hampshire"', f'"{BARNET_SCHOOL}","302","Barnet Renamed"'.encode(), 1)
        .replace(b'"Anstey Junior School"', b'"Hijacked School"', 1)
    )
    moved = lines[3].replace(b'"115852"', f'"{BARNET_OTHER}"'.encode(), 1)
    assert barnet != lines[2] and moved != lines[3]
    path = tmp_path / "gias_hostile.csv"
    path.write_bytes(b"\n".join([*lines, barnet, moved, b""]))
    return path


def test_a_hampshire_administrators_gias_file_leaves_barnet_alone(world: dict[str, User], tmp_path: Path) -> None:
    result = run_import(importer_for("gias"), hostile_gias(tmp_path), user=world["admin"])

    assert not result.rejected, result.errors
    assert Establishment.objects.get(urn=115850).name == "Alton Infant School Renamed"
    assert Establishment.objects.get(urn=BARNET_SCHOOL).name == "Barnet School"
    assert Establishment.objects.get(urn=BARNET_OTHER).local_authority.code == "302"
    assert Establishment.objects.get(urn=BARNET_OTHER).name == "Other Barnet School"
    assert LocalAuthority.objects.get(code="302").name == "Barnet"
    assert result.left == 2
    assert any("2 school(s) of other authorities were left as they were" in n for n in result.notices)
    assert "2 of other authorities left as they were" in result.summary()


def test_a_superusers_gias_file_changes_every_authority(world: dict[str, User], tmp_path: Path) -> None:
    result = run_import(importer_for("gias"), hostile_gias(tmp_path), user=world["superuser"])
    assert not result.rejected, result.errors
    assert result.left == 0
    assert Establishment.objects.get(urn=BARNET_SCHOOL).name == "Hijacked School"
    assert LocalAuthority.objects.get(code="302").name == "Barnet Renamed"
    assert Establishment.objects.get(urn=BARNET_OTHER).local_authority.code == "850"


def test_a_user_without_an_authority_changes_no_school(world: dict[str, User], tmp_path: Path) -> None:
    nobody = UserFactory(username="nobody", role=Role.LA_ADMIN)
    result = run_import(importer_for("gias"), hostile_gias(tmp_path), user=nobody)
    assert Establishment.objects.get(urn=115850).name == "Alton Infant School"
    assert result.left == 20
    assert Establishment.objects.get(urn=BARNET_SCHOOL).name == "Barnet School"


def test_a_hampshire_administrators_ofsted_file_leaves_barnet_alone(world: dict[str, User], tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text(f"URN,Rating,Inspection Date\n115850,Inadequate,20190101\n{BARNET_SCHOOL},Inadequate,20190101\n")

    result = run_import(importer_for("ofsted"), path, user=world["admin"])

    assert not result.rejected, result.errors
    assert result.left == 1
    assert Inspection.objects.filter(establishment__urn=115850, overall_effectiveness=4).count() == 1
    assert not Inspection.objects.filter(establishment__urn=BARNET_SCHOOL).exists()
    assert result.skipped == 0, "a school of another authority is left, not skipped as unknown"

    again = run_import(importer_for("ofsted"), path, user=world["superuser"])
    assert again.left == 0
    assert Inspection.objects.filter(establishment__urn=BARNET_SCHOOL).count() == 1


def ks2_with_a_barnet_school(tmp_path: Path) -> Path:
    lines = [line for line in KS2.read_bytes().split(b"\n") if line.strip()]
    barnet = lines[2].replace(b"1,3296,850,2002,115852,", f"1,3296,302,2002,{BARNET_SCHOOL},".encode(), 1)
    assert barnet != lines[2], lines[2][:40]
    path = tmp_path / "ks2_with_barnet.csv"
    path.write_bytes(b"\n".join([*lines, barnet, b""]))
    return path


def load_ks2(path: Path, user: User) -> ImportResult:
    return run_import(importer_for("performance", dataset="ks2", year=2019), path, user=user)


def test_a_hampshire_administrators_performance_file_changes_only_hampshire_school_figures(
    world: dict[str, User], tmp_path: Path
) -> None:
    result = load_ks2(ks2_with_a_barnet_school(tmp_path), world["admin"])

    assert not result.rejected, result.errors
    assert result.left == 1
    assert SchoolResult.objects.filter(urn=115851, year=2019).exists()
    assert not SchoolResult.objects.filter(urn=BARNET_SCHOOL).exists()
    # LA and England rows are national reference data, written whoever imports the file.
    assert PublishedFigure.objects.filter(year=2019, level=PublishedFigure.Level.ENGLAND).exists()
    assert PublishedFigure.objects.filter(year=2019, level=PublishedFigure.Level.LA, area_code="850").exists()

    again = load_ks2(ks2_with_a_barnet_school(tmp_path), world["superuser"])
    assert again.left == 0
    assert SchoolResult.objects.filter(urn=BARNET_SCHOOL, la_code="302").exists()


def test_a_school_the_register_places_elsewhere_is_left_even_if_the_file_says_otherwise(
    world: dict[str, User], tmp_path: Path
) -> None:
    lines = [line for line in KS2.read_bytes().split(b"\n") if line.strip()]
    claimed = lines[2].replace(b",115852,", f",{BARNET_SCHOOL},".encode(), 1)  # LEA still 850
    path = tmp_path / "ks2_claimed.csv"
    path.write_bytes(b"\n".join([*lines, claimed, b""]))
    result = load_ks2(path, world["admin"])
    assert result.left == 1
    assert not SchoolResult.objects.filter(urn=BARNET_SCHOOL).exists()


def test_an_administrators_links_file_adds_links_of_their_own_schools_only(
    world: dict[str, User], tmp_path: Path
) -> None:
    from headway.schools.models import EstablishmentLink

    path = tmp_path / "links.csv"
    path.write_text(
        "URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n"
        "115850,100001,A school,Predecessor,01-09-2015\n"
        f"{BARNET_SCHOOL},100002,Another school,Predecessor,01-09-2015\n"
    )
    before = set(EstablishmentLink.objects.values_list("urn", "linked_urn"))
    result = run_import(importer_for("gias-links"), path, user=world["admin"])
    assert result.left == 1
    added = set(EstablishmentLink.objects.values_list("urn", "linked_urn")) - before
    assert added == {(115850, 100001)}

"""The GIAS importer on real extracts and their quirks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from headway.imports.models import ImportRun
from headway.imports.services import ImportResult
from headway.inspections.models import Framework, Inspection, Source
from headway.schools.models import Establishment, EstablishmentLink, Governance, Group, GroupMembership, LocalAuthority
from tests.helpers import DEMO_DATA, FIXTURES, load, row_counts

VALID = FIXTURES / "gias" / "valid"
INVALID = FIXTURES / "gias" / "invalid"


def test_real_hampshire_rows_become_the_register(hampshire_sample: ImportResult) -> None:
    assert Establishment.objects.count() == 18
    hampshire = LocalAuthority.objects.get(code="850")
    assert hampshire.name == "Hampshire"
    assert hampshire.region == "South East"
    alton = Establishment.objects.get(urn=115850)
    assert alton.name == "Alton Infant School"
    assert alton.local_authority == hampshire
    assert alton.laestab == "8502000"
    assert alton.type_name == "Community school"
    assert alton.governance == Governance.MAINTAINED
    assert alton.phase == "Primary"
    assert alton.status == "Open"
    assert (alton.statutory_low_age, alton.statutory_high_age) == (4, 7)
    assert alton.capacity == 180
    assert alton.number_on_roll == 138
    assert alton.percentage_fsm == Decimal("21.7")
    assert (alton.easting, alton.northing) == (472080, 139716)
    assert alton.head_name == "Mr Richard Mead"
    assert alton.urban_rural == "(England/Wales) Urban city and town"
    assert alton.reason_opened == ""  # "Not applicable" is not kept as a value
    assert alton.register_source == Establishment.RegisterSource.GIAS


def test_latest_ofsted_outcome_in_the_extract_is_recorded_as_gias_evidence(hampshire_sample: ImportResult) -> None:
    inspection = Inspection.objects.get(establishment__urn=115850)
    assert inspection.start_date == dt.date(2019, 1, 23)
    assert inspection.overall_effectiveness == 2
    assert inspection.source == Source.GIAS
    assert inspection.framework == Framework.CIF_2015


def test_links_that_spill_into_extra_fields_are_all_kept(hampshire_sample: ImportResult) -> None:
    links = set(EstablishmentLink.objects.filter(urn=116018).values_list("linked_urn", "link_type"))
    assert links == {(115961, "Predecessor"), (148215, "Successor")}
    assert EstablishmentLink.objects.filter(urn=116026).count() == 2


def test_academies_join_their_trust(hampshire_sample: ImportResult) -> None:
    academies = Establishment.objects.filter(governance=Governance.ACADEMY)
    assert academies.exists()
    for academy in academies:
        membership = GroupMembership.objects.get(
            establishment=academy, left_on__isnull=True, group__kind=Group.Kind.TRUST
        )
        assert membership.group.uid == ""  # (name)-only layout: the trust is known by its name


def test_reimporting_the_same_file_changes_nothing(hampshire_sample: ImportResult) -> None:
    again = load("gias", VALID / "hampshire_extract_sample.csv")
    assert (again.created, again.updated, again.skipped) == (0, 0, 0)
    assert again.unchanged == 18
    assert ImportRun.objects.count() == 2  # both imports are recorded


def test_each_import_is_recorded_with_its_sha256_and_counts(hampshire_sample: ImportResult) -> None:
    run = ImportRun.objects.get(pk=hampshire_sample.import_id)
    assert run.kind == "gias"
    assert run.file_name == "hampshire_extract_sample.csv"
    assert len(run.sha256) == 64
    assert run.rows_read == 18
    assert run.created == hampshire_sample.created > 18
    assert run.actor_name == "test"


def test_a_changed_value_updates_only_that_school(hampshire_sample: ImportResult, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = (VALID / "hampshire_extract_sample.csv").read_bytes().replace(b'"Alton Infant School"', b'"Alton Infant"')
    changed = tmp_path / "changed.csv"
    changed.write_bytes(text)
    result = load("gias", changed)
    assert (result.created, result.updated) == (0, 1)
    assert Establishment.objects.get(urn=115850).name == "Alton Infant"


def test_a_school_leaving_its_trust_ends_the_membership_without_deleting_it(
    hampshire_sample: ImportResult,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    academy = Establishment.objects.filter(governance=Governance.ACADEMY).first()
    assert academy is not None
    trust = GroupMembership.objects.get(establishment=academy, group__kind=Group.Kind.TRUST).group
    text = (VALID / "hampshire_extract_sample.csv").read_bytes().replace(f'"{trust.name}"'.encode(), b'""')
    changed = tmp_path / "left_trust.csv"
    changed.write_bytes(text)
    load("gias", changed)
    membership = GroupMembership.objects.get(establishment=academy, group=trust)
    assert membership.left_on is not None


def test_byte_order_mark_and_utf8_are_read(db: None) -> None:
    result = load("gias", VALID / "byte_order_mark_utf8.csv")
    assert not result.rejected, result.errors
    assert Establishment.objects.filter(urn=115850).exists()


def test_code_and_name_layout_with_suppressed_fsm(db: None) -> None:
    result = load("gias", VALID / "code_and_name_columns_invented.csv")
    assert not result.rejected, result.errors
    school = Establishment.objects.get(urn=990001)
    assert school.name == "St Mary\u2019s Church of England Primary School"
    suppressed = Establishment.objects.filter(percentage_fsm__isnull=True)
    assert suppressed.exists()  # SUPP is "no value", never zero
    trust = Group.objects.filter(kind=Group.Kind.TRUST).exclude(uid="")
    assert trust.exists()  # the (code) column gives the trust's UID


def test_real_excel_extract(db: None) -> None:
    result = load("gias", VALID / "free_schools_20161120_excel.xls")
    assert not result.rejected, result.errors[:5]
    assert Establishment.objects.count() == 352
    school = Establishment.objects.get(urn=136750)
    assert school.name == "West London Free School"
    assert school.open_date == dt.date(2011, 9, 7)
    assert school.governance == Governance.ACADEMY
    assert school.local_authority.code == "205"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing_urn_column.csv", "1:URN: required column is missing"),
        ("undecodable_bytes.csv", "neither UTF-8 nor Windows-1252"),
        ("not_csv.png", "not a CSV file"),
    ],
)
def test_structurally_broken_files_are_rejected_whole(db: None, name: str, message: str) -> None:
    before = row_counts()
    result = load("gias", INVALID / name)
    assert result.rejected
    assert any(message in error for error in result.errors), result.errors
    assert row_counts() == before


def test_bad_values_reject_the_file_with_row_and_column(hampshire_sample: ImportResult) -> None:
    before = row_counts()
    result = load("gias", INVALID / "bad_values_in_two_rows.csv")
    assert result.rejected
    assert result.errors == [
        "bad_values_in_two_rows.csv:3:PercentageFSM: 'lots' is not a number",
        "bad_values_in_two_rows.csv:5:OpenDate: '31-02-2020' is not a date "
        "(expected dd-mm-yyyy, dd/mm/yyyy, yyyy-mm-dd or yyyymmdd)",
    ]
    assert row_counts() == before


def test_skip_bad_rows_imports_the_rest(db: None) -> None:
    result = load("gias", INVALID / "bad_values_in_two_rows.csv", skip_bad_rows=True)
    assert not result.rejected
    assert result.skipped == 2
    assert Establishment.objects.count() == 3
    assert not Establishment.objects.filter(urn=115851).exists()  # row 3
    assert ImportRun.objects.get().problems == result.errors


@pytest.mark.parametrize("each_batch", [False, True], ids=["one-transaction", "each-batch-committed"])
def test_a_failure_while_writing_leaves_nothing_behind(db: None, settings: Any, each_batch: bool) -> None:
    """The whole file in one transaction (PostgreSQL's way) leaves nothing; committing each batch (SQLite's)
    rolls back the batch that failed and leaves only the import's record saying it stopped."""
    from headway.imports.services import run_import
    from headway.schools.importers import GiasImporter

    class FailsAfterWriting(GiasImporter):
        def apply(self, records, context):  # type: ignore[no-untyped-def]
            super().apply(records, context)
            raise RuntimeError("disk full")

    settings.HEADWAY_IMPORT_COMMIT_EACH_BATCH = each_batch
    before = row_counts()
    with pytest.raises(RuntimeError):
        run_import(FailsAfterWriting(), VALID / "hampshire_extract_sample.csv", actor_name="test")
    if not each_batch:
        assert row_counts() == before
        return
    assert row_counts() == {**before, "imports.ImportRun": 1, "accounts.AuditEvent": 1}
    assert ImportRun.objects.get().problems == [
        "hampshire_extract_sample.csv: the import stopped after writing 0 of its records (disk full). What was "
        "written is kept; import the file again to finish it."
    ]


@pytest.mark.slow
def test_whole_real_hampshire_extract(db: None) -> None:
    result = load("gias", DEMO_DATA / "gias_edubasealldata20220420_850.csv")
    assert not result.rejected, result.errors[:5]
    assert Establishment.objects.count() == 520
    assert EstablishmentLink.objects.filter(urn=116018).count() == 2
    again = load("gias", DEMO_DATA / "gias_edubasealldata20220420_850.csv")
    assert (again.created, again.updated) == (0, 0)


def test_an_unfamiliar_ofsted_label_in_gias_is_reported_not_fatal(db: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = (VALID / "hampshire_extract_sample.csv").read_bytes()
    changed = tmp_path / "new_label.csv"
    changed.write_bytes(text.replace(b'"Good"', b'"Secure fit"', 1))
    result = load("gias", changed)
    assert not result.rejected
    assert any(":2:OfstedRating (name): 'Secure fit' is not an Ofsted outcome" in n for n in result.notices)
    inspection = Inspection.objects.get(establishment__urn=115850)
    assert inspection.overall_effectiveness is None

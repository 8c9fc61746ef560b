"""``headway import governance``: GIAS's governance download, checked whole, written in one transaction, found
again by GID so that a second import changes nothing, and audited through the import run."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from headway.accounts.models import AuditEvent, Role, User
from headway.governance.models import Appointment, Board
from headway.imports.models import ImportRun
from headway.schools.models import Group, LocalAuthority
from tests.factories import UserFactory
from tests.governance.world import INVALID, SAMPLE, TRUSTS, load_governance, load_register
from tests.helpers import load

pytestmark = pytest.mark.django_db

HEADER = (
    "GID,URN,UID,Companies House Number,Role,Title,Forename 1,Forename 2,Surname,Date of appointment,"
    "Date term of office ends/ended,Appointing body"
)


def governance_rows() -> dict[str, int]:
    return {"boards": Board.objects.count(), "appointments": Appointment.objects.count()}


def write(tmp_path: Path, *rows: str, name: str = "governance.csv") -> Path:
    path = tmp_path / name
    path.write_text("\r\n".join([HEADER, *rows]) + "\r\n", encoding="utf-8")
    return path


def day(text: str) -> dt.date | None:
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def test_the_shared_sample_imports_whole_and_every_value_is_stored() -> None:
    load_register()
    result = load_governance(SAMPLE)
    assert (result.created, result.updated, result.skipped, result.errors) == (35 + 6, 0, 0, [])
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        source = list(csv.DictReader(handle))
    assert len(source) == 35 == Appointment.objects.count()
    stored = {a.gid: a for a in Appointment.objects.select_related("board__establishment")}
    for row in source:
        a = stored[row["GID"]]
        assert a.board.establishment is not None and a.board.establishment.urn == int(row["URN"])
        assert (a.role, a.title, a.forename_1, a.forename_2, a.surname) == (
            row["Role"],
            row["Title"],
            row["Forename 1"],
            row["Forename 2"],
            row["Surname"],
        )
        assert a.appointed_on == day(row["Date of appointment"])
        assert a.term_ends_on == day(row["Date term of office ends/ended"])
        assert a.appointing_body == row["Appointing body"]
        assert a.no_longer_listed_on is None
    assert Board.objects.filter(uid="").count() == 6
    kaur = stored["700005"]
    assert (kaur.kind, kaur.category, kaur.name) == ("chair", "staff", "Mrs Iwona Kaur")
    assert stored["700009"].name == "Niall O'Neill"  # no title
    assert stored["700025"].kind == "governor" and stored["700025"].category == "members"  # Local governor


def test_importing_the_same_file_again_changes_nothing_and_each_import_is_audited() -> None:
    load_register()
    first = load_governance(SAMPLE)
    before = list(Appointment.objects.order_by("gid").values())
    again = load_governance(SAMPLE)
    assert (again.created, again.updated, again.unchanged, again.skipped) == (0, 0, 35, 0)
    assert list(Appointment.objects.order_by("gid").values()) == before
    runs = ImportRun.objects.filter(kind="governance").order_by("pk")
    assert [(r.created, r.updated, r.unchanged) for r in runs] == [(41, 0, 0), (0, 0, 35)]
    assert [r.pk for r in runs] == [first.import_id, again.import_id]
    for run in runs:
        event = AuditEvent.objects.get(verb="import.completed", target_id=str(run.pk))
        assert event.after is not None and event.after["kind"] == "governance"


def test_a_changed_appointment_is_updated_and_one_gias_no_longer_lists_is_marked(tmp_path: Path) -> None:
    load_register()
    load_governance(SAMPLE)
    rows = SAMPLE.read_text(encoding="utf-8").splitlines()[1:]
    kept = [r for r in rows if not r.startswith("700006,")]  # Mrs Niall Smith has left Oakleigh Road
    extended = [
        r.replace(
            "700007,990002,,,Governor,Mr,Niall,,Brown,04/03/2017,31/08/2029",
            "700007,990002,,,Governor,Mr,Niall,,Brown,04/03/2017,31/08/2030",
        )
        for r in kept
    ]
    changed = write(tmp_path, *extended)
    result = load("governance", changed, today=dt.date(2026, 12, 1))
    assert (result.created, result.updated, result.unchanged) == (0, 2, 33)
    assert Appointment.objects.get(gid="700007").term_ends_on == dt.date(2030, 8, 31)
    assert Appointment.objects.get(gid="700006").no_longer_listed_on == dt.date(2026, 12, 1)
    # Listed again later: no longer marked.
    back = load("governance", SAMPLE)
    assert (back.created, back.updated) == (0, 2)
    assert Appointment.objects.get(gid="700006").no_longer_listed_on is None


def test_a_board_the_file_does_not_mention_is_left_as_it_is(tmp_path: Path) -> None:
    load_register()
    load_governance(SAMPLE)
    only_oakleigh = [r for r in SAMPLE.read_text(encoding="utf-8").splitlines()[1:] if ",990002," in r]
    result = load("governance", write(tmp_path, *only_oakleigh))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    assert not Appointment.objects.exclude(no_longer_listed_on=None).exists()


def test_a_file_with_bad_values_is_rejected_whole_with_file_row_and_column() -> None:
    load_register()
    before = governance_rows()
    runs = ImportRun.objects.count()
    result = load("governance", INVALID)
    assert result.rejected
    name = INVALID.name
    assert result.errors == [
        f"{name}:3:Date of appointment: '31/02/2019' is not a date (expected dd-mm-yyyy, dd/mm/yyyy, yyyy-mm-dd or "
        "yyyymmdd)",
        f"{name}:6:Role: 'Vice-chair of governors' is not a role GIAS uses",
        f"{name}:9:-: row has 13 fields, the header has 12",
    ]
    assert governance_rows() == before == {"boards": 0, "appointments": 0}
    assert ImportRun.objects.count() == runs


def test_the_command_rejects_a_bad_file_with_exit_status_2_and_imports_a_good_one() -> None:
    load_register()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("import", "governance", str(INVALID), stdout=out, stderr=err)
    assert exit_status.value.code == 2
    assert f"{INVALID}:6:Role: 'Vice-chair of governors' is not a role GIAS uses" in err.getvalue()
    assert Appointment.objects.count() == 0
    out = io.StringIO()
    call_command("import", "governance", str(SAMPLE), "--json", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (result["created"], result["updated"], result["rejected"]) == (41, 0, False)


def test_skipping_the_bad_rows_imports_the_rest() -> None:
    load_register()
    result = load("governance", INVALID, skip_bad_rows=True)
    assert not result.rejected
    assert (result.skipped, Appointment.objects.count()) == (3, 32)
    assert not Appointment.objects.filter(gid__in=["700032", "700009", "700027"]).exists()


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "1,990001,,,Governor,Mr,A,,Bee,01/09/2024,31/08/2020,Staff",
            "governance.csv:2:Date term of office ends/ended: the term of office ends (31 August 2020) before the "
            "appointment (1 September 2024)",
        ),
        ("x1,990001,,,Governor,Mr,A,,Bee,,,", "governance.csv:2:GID: 'x1' is not a GIAS appointment number (GID)"),
        (
            "1,,,,Governor,Mr,A,,Bee,,,",
            "governance.csv:2:URN: a URN (for a school's board) or a UID (for a trust's board) is required",
        ),
        ("1,990001,,,Governor,Mr,A,,,,,", "governance.csv:2:Surname: a value is required"),
        ("1,990001,,,,Mr,A,,Bee,,,", "governance.csv:2:Role: a value is required"),
        ("1,990001,,,Clerk,Mr,A,,Bee,,,", "governance.csv:2:Role: 'Clerk' is not a role GIAS uses"),
        ("1,990001,T16,,Trustee,Mr,A,,Bee,,,", "governance.csv:2:UID: 'T16' is not a GIAS group UID"),
        ("1,-5,,,Governor,Mr,A,,Bee,,,", "governance.csv:2:URN: -5 is below 1"),
    ],
    ids=["term-before-appointment", "gid", "no-urn-or-uid", "surname", "role-blank", "role", "uid", "urn"],
)
def test_hostile_rows_are_refused(tmp_path: Path, row: str, expected: str) -> None:
    load_register()
    result = load("governance", write(tmp_path, row))
    assert result.rejected and result.errors == [expected]
    assert governance_rows() == {"boards": 0, "appointments": 0}


def test_a_gid_given_twice_is_refused(tmp_path: Path) -> None:
    load_register()
    path = write(
        tmp_path,
        "7,990001,,,Governor,Mr,A,,Bee,,,",
        "8,990001,,,Governor,Mr,C,,Dee,,,",
        "7,990004,,,Governor,Mr,A,,Bee,,,",
    )
    result = load("governance", path)
    assert result.errors == ["governance.csv:4:GID: appointment 7 is already in the file at row 2"]


def test_a_file_without_a_surname_column_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "no_surname.csv"
    path.write_text(
        "GID,URN,UID,Role,Forename 1,Date of appointment,Date term of office ends/ended\r\n1,990001,,Governor,A,,\r\n"
    )
    result = load("governance", path)
    assert result.rejected and result.errors == ["no_surname.csv:1:Surname: required column is missing"]


def test_appointments_at_schools_not_in_the_register_are_skipped_with_a_notice() -> None:
    result = load_governance(SAMPLE)  # no register loaded
    assert (result.created, result.skipped) == (0, 35)
    assert any("35 appointment(s) at 6 school(s) not in the register were skipped" in n for n in result.notices)
    assert governance_rows() == {"boards": 0, "appointments": 0}


def test_trust_boards_are_found_by_uid_and_linked_to_the_register_when_it_has_the_trust() -> None:
    load_register()
    result = load_governance(TRUSTS)
    assert result.created == 9 + 3  # appointments, and the boards of two trusts and one academy
    trust = Board.objects.get(uid="16002")
    assert trust.group == Group.objects.get(uid="16002") and trust.establishment is None
    assert trust.companies_house_number == "09999999"
    assert {a.gid: a.kind for a in trust.appointments.all()} == {
        "800001": "chair",
        "800002": "trustee",
        "800003": "trustee",
        "800004": "member",
        "800005": "leader",
    }
    unknown = Board.objects.get(uid="17999")
    assert unknown.group is None and unknown.name == "trust 17999 (not in the register)"
    academy = Appointment.objects.get(gid="800010")
    assert academy.name == "Mrs Siobhán Ó Briain" and academy.forename_2 == "Mary"
    assert academy.board.establishment is not None and academy.board.establishment.urn == 990011
    assert Appointment.objects.get(gid="800012").kind == "clerk"
    assert load_governance(TRUSTS).created == 0


def test_a_trust_board_is_linked_when_the_register_later_has_the_trust() -> None:
    load_register()
    load_governance(TRUSTS)
    Group.objects.create(kind=Group.Kind.TRUST, uid="17999", name="Later Trust")
    again = load_governance(TRUSTS)
    assert (again.created, again.updated) == (0, 1)
    assert Board.objects.get(uid="17999").group == Group.objects.get(uid="17999")


def test_an_la_administrator_imports_the_file_from_the_imports_page() -> None:
    load_register()
    admin: User = UserFactory(
        username="admin", role=Role.LA_ADMIN, local_authority=LocalAuthority.objects.get(code="370")
    )
    client = Client()
    client.force_login(admin)
    assert (
        "GIAS governance (governors, trustees, members and clerks)"
        in client.get(reverse("imports:upload")).content.decode()
    )
    with INVALID.open("rb") as handle:
        rejected = client.post(reverse("imports:upload"), {"kind": "governance", "file": handle})
    assert rejected.status_code == 422 and Appointment.objects.count() == 0
    with SAMPLE.open("rb") as handle:
        done = client.post(reverse("imports:upload"), {"kind": "governance", "file": handle})
    # An LA administrator's import changes their own authority's boards only (issue 12): 12 of the 35
    # appointments are at Barnsley's schools; the rest were left as they were.
    assert done.status_code == 200 and Appointment.objects.count() == 12
    assert set(Appointment.objects.values_list("board__establishment__local_authority__code", flat=True)) == {"370"}
    run = ImportRun.objects.get(kind="governance")
    assert run.imported_by == admin and run.file_name == SAMPLE.name

"""``headway import governance FILE``: GIAS's governance download (one row an appointment of a governor,
trustee, member, trust leader or governance professional).

A row with a URN belongs to that school's board; a row with only a UID to that trust's board. Every import:

* is checked whole first (``file:row:column``): a bad date, a term that ends before the appointment, a role
  GIAS never uses, a GID given twice, a row with neither URN nor UID, a row with the wrong number of fields;
* finds each appointment by its GID, so importing the same file again changes nothing;
* skips (with a notice) the rows of schools not in the register: import the register first;
* links a trust's board to the register's trust with that UID, or keeps the UID until the register has it;
* marks an appointment "no longer listed" when a file that lists its board no longer lists it (GIAS drops
  people who leave); a board the file does not mention is left as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from headway.governance.models import Appointment, Board
from headway.governance.roles import category_of, person_key, role_kind
from headway.imports.rows import Row, quoted
from headway.imports.services import Counts, ImportContext, Importer, sync_rows
from headway.queries import in_chunks
from headway.schools.importers import values_by_key
from headway.schools.models import Establishment, Group, GroupMembership

APPOINTMENT_FIELDS = (
    "board_id",
    "role",
    "kind",
    "title",
    "forename_1",
    "forename_2",
    "surname",
    "appointed_on",
    "term_ends_on",
    "appointing_body",
    "category",
    "person_key",
    "no_longer_listed_on",
)


@dataclass
class AppointmentRecord:
    gid: str
    urn: int | None
    uid: str
    companies_house_number: str
    values: dict[str, Any]


class GovernanceImporter(Importer[AppointmentRecord]):
    """GIAS's governance download: ``GID, URN, UID, Companies House Number, Role, Title, Forename 1,
    Forename 2, Surname, Date of appointment, Date term of office ends/ended, Appointing body``."""

    kind = "governance"
    label = "GIAS governance (governors, trustees, members and clerks)"
    columns = {
        "gid": ("GID",),
        "urn": ("URN",),
        "uid": ("UID",),
        "companies_house_number": ("Companies House Number",),
        "role": ("Role",),
        "title": ("Title",),
        "forename_1": ("Forename 1",),
        "forename_2": ("Forename 2",),
        "surname": ("Surname",),
        "appointed_on": ("Date of appointment",),
        "term_ends_on": ("Date term of office ends/ended",),
        "appointing_body": ("Appointing body",),
    }
    required_columns = ("gid", "urn", "uid", "role", "surname", "appointed_on", "term_ends_on")

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._rows_by_gid: dict[str, int] = {}

    def parse(self, row: Row) -> AppointmentRecord | None:
        gid = row.text("gid", required=True, max_length=20)
        if gid and not gid.isdigit():
            row.error("gid", f"{quoted(gid)} is not a GIAS appointment number (GID)")
        elif gid in self._rows_by_gid:
            row.error("gid", f"appointment {gid} is already in the file at row {self._rows_by_gid[gid]}")
        elif gid:
            self._rows_by_gid[gid] = row.number
        urn = row.integer("urn", minimum=1)
        uid = row.text("uid", max_length=20)
        if uid and not uid.isdigit():
            row.error("uid", f"{quoted(uid)} is not a GIAS group UID")
        if urn is None and not uid and not row.errors:
            row.error("urn", "a URN (for a school's board) or a UID (for a trust's board) is required")
        role = row.text("role", required=True, max_length=120)
        kind = role_kind(role) if role else None
        if role and kind is None:
            row.error("role", f"{quoted(role)} is not a role GIAS uses")
        appointed_on = row.date("appointed_on")
        term_ends_on = row.date("term_ends_on")
        if appointed_on and term_ends_on and term_ends_on < appointed_on:
            row.error(
                "term_ends_on",
                f"the term of office ends ({term_ends_on:%-d %B %Y}) before the appointment ({appointed_on:%-d %B %Y})",
            )
        forename_1 = row.text("forename_1", max_length=100)
        surname = row.text("surname", required=True, max_length=100)
        appointing_body = row.text("appointing_body", max_length=200)
        values = {
            "role": role,
            "kind": kind or "",
            "title": row.text("title", max_length=30),
            "forename_1": forename_1,
            "forename_2": row.text("forename_2", max_length=100),
            "surname": surname,
            "appointed_on": appointed_on,
            "term_ends_on": term_ends_on,
            "appointing_body": appointing_body,
            "category": category_of(appointing_body),
            "person_key": person_key(forename_1, surname),
            "no_longer_listed_on": None,
        }
        companies_house = row.text("companies_house_number", max_length=20)
        if row.errors:
            return None
        return AppointmentRecord(gid=gid, urn=urn, uid=uid, companies_house_number=companies_house, values=values)

    @staticmethod
    def _own_trust_boards(records: list[AppointmentRecord], context: ImportContext) -> list[AppointmentRecord]:
        uids = sorted({r.uid for r in records if r.urn is None})
        own = _trusts_with_academies_in(uids, context.authority or "")
        kept = [r for r in records if r.urn is not None or r.uid in own]
        context.leave(len(records) - len(kept), "appointment(s) on boards of trusts")
        return kept

    def apply(self, records: list[AppointmentRecord], context: ImportContext) -> Counts:
        counts = Counts()
        urns = sorted({r.urn for r in records if r.urn is not None})
        schools: dict[int, int] = {}
        others: set[int] = set()
        for row in values_by_key(Establishment, "urn", urns, ["local_authority__code"]):
            if context.may_change(row["local_authority__code"]):
                schools[row["urn"]] = row["id"]
            else:
                others.add(row["urn"])
        if context.authority is not None:
            # An LA administrator's file changes their own schools' boards, and the boards of trusts with an
            # academy of theirs; every other board is left as it was.
            records = self._own_trust_boards(records, context)
            context.leave(sum(1 for r in records if r.urn in others), "appointment(s) at schools")
            records = [r for r in records if r.urn not in others]
        unknown = [r for r in records if r.urn is not None and r.urn not in schools]
        if unknown:
            missing = len({r.urn for r in unknown})
            context.notices.append(
                f"{len(unknown)} appointment(s) at {missing} school(s) not in the register were skipped; "
                "import the register first"
            )
            counts.skipped += len(unknown)
        kept = [r for r in records if r.urn is None or r.urn in schools]
        board_ids, board_counts = _sync_boards(kept, schools)
        counts.add(board_counts)

        rows: dict[str, dict[str, Any]] = {}
        for record in kept:
            key = ("urn", record.urn) if record.urn is not None else ("uid", record.uid)
            rows[record.gid] = {**record.values, "board_id": board_ids[key]}
        existing = values_by_key(Appointment, "gid", list(rows), APPOINTMENT_FIELDS)
        appointment_counts, _ids = sync_rows(Appointment, key="gid", rows=rows, existing=existing)
        counts.add(appointment_counts)

        left = _mark_no_longer_listed(set(board_ids.values()), set(rows), context)
        counts.updated += left
        context.notices.append(
            f"appointments: {appointment_counts.created} created, {appointment_counts.updated} updated, "
            f"{appointment_counts.unchanged} unchanged, {left} no longer listed; boards: {board_counts.created} "
            f"created, {board_counts.updated} updated"
        )
        return counts


def _trusts_with_academies_in(uids: Iterable[str], la_code: str) -> set[str]:
    found: set[str] = set()
    for chunk in in_chunks(uids):
        found.update(
            GroupMembership.objects.filter(
                group__uid__in=chunk, left_on__isnull=True, establishment__local_authority__code=la_code
            ).values_list("group__uid", flat=True)
        )
    return found


def _trust_groups(uids: Iterable[str]) -> dict[str, int]:
    """The register's group with each UID (a trust before any other kind of group)."""
    found: dict[str, int] = {}
    for chunk in in_chunks(uids):
        for pk, uid, kind in Group.objects.filter(uid__in=chunk).exclude(uid="").values_list("id", "uid", "kind"):
            if uid not in found or kind == Group.Kind.TRUST:
                found[uid] = pk
    return found


def _sync_boards(
    records: list[AppointmentRecord], schools: dict[int, int]
) -> tuple[dict[tuple[str, Any], int], Counts]:
    """The board of every school and trust in the file, created when new; a trust's board is linked to the
    register's trust (and its Companies House number kept) when the file or the register gives them."""
    counts = Counts()
    ids: dict[tuple[str, Any], int] = {}
    wanted_schools = {r.urn: schools[r.urn] for r in records if r.urn is not None}
    by_school: dict[int, int] = {}
    for chunk in in_chunks(wanted_schools.values()):
        by_school.update(Board.objects.filter(establishment_id__in=chunk).values_list("establishment_id", "id"))
    new = [Board(establishment_id=pk) for pk in sorted(set(wanted_schools.values()) - set(by_school))]
    if new:
        Board.objects.bulk_create(new, batch_size=500)
        counts.created += len(new)
        for created in in_chunks(board.establishment_id for board in new):
            by_school.update(Board.objects.filter(establishment_id__in=created).values_list("establishment_id", "id"))
    for urn, establishment_id in wanted_schools.items():
        ids[("urn", urn)] = by_school[establishment_id]

    numbers: dict[str, str] = {}
    for record in records:
        if record.urn is None and (record.companies_house_number or record.uid not in numbers):
            numbers[record.uid] = record.companies_house_number
    groups = _trust_groups(numbers)
    existing: dict[str, Board] = {}
    for uids in in_chunks(numbers):
        existing.update((board.uid, board) for board in Board.objects.filter(uid__in=uids))
    for uid, number in sorted(numbers.items()):
        group_id = groups.get(uid)
        board = existing.get(uid)
        if board is None:
            board = Board.objects.create(uid=uid, group_id=group_id, companies_house_number=number)
            counts.created += 1
        else:
            wanted = (group_id or board.group_id, number or board.companies_house_number)
            if (board.group_id, board.companies_house_number) != wanted:
                board.group_id, board.companies_house_number = wanted
                board.save(update_fields=["group", "companies_house_number"])
                counts.updated += 1
        ids[("uid", uid)] = board.pk
    return ids, counts


def _mark_no_longer_listed(board_ids: set[int], listed: set[str], context: ImportContext) -> int:
    """Appointments of the file's boards that the file no longer lists; returns how many were marked."""
    gone: list[int] = []
    for chunk in in_chunks(sorted(board_ids)):
        current = Appointment.objects.filter(board_id__in=chunk, no_longer_listed_on__isnull=True)
        gone.extend(pk for pk, gid in current.values_list("id", "gid") if gid not in listed)
    for chunk in in_chunks(gone):
        Appointment.objects.filter(pk__in=chunk).update(no_longer_listed_on=context.today)
    return len(gone)

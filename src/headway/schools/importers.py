"""Importers for the register: the GIAS extract, GIAS links and DfE's school information file (spine)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from headway.imports.rows import Row, quoted
from headway.imports.services import Counts, ImportContext, Importer, RecordKey, sync_rows
from headway.inspections.importers import GiasInspection, gias_inspection_from_row, record_gias_inspections
from headway.schools.models import Establishment, EstablishmentLink, Group, GroupMembership
from headway.schools.register import governance_from, local_authorities_by_code, meaningful

#: Establishment fields an importer writes (``area`` is the LA's own and never imported).
REGISTER_FIELDS = (
    "local_authority_id",
    "establishment_number",
    "name",
    "type_name",
    "type_group",
    "governance",
    "phase",
    "status",
    "open_date",
    "reason_opened",
    "close_date",
    "reason_closed",
    "statutory_low_age",
    "statutory_high_age",
    "sixth_form",
    "gender",
    "religious_character",
    "religious_ethos",
    "diocese",
    "admissions_policy",
    "capacity",
    "number_on_roll",
    "percentage_fsm",
    "easting",
    "northing",
    "urban_rural",
    "district",
    "region",
    "town",
    "postcode",
    "head_name",
    "head_job_title",
    "website",
)

LINK_PATTERN = re.compile(r"(\d{5,7})\s+([A-Za-z][A-Za-z \-]*)")


def values_by_key(model: Any, key: str, keys: Sequence[Any], fields: Iterable[str]) -> list[dict[str, Any]]:
    """Current rows of ``model`` for these keys, as dicts, fetched in chunks the database accepts."""
    result: list[dict[str, Any]] = []
    wanted = list(keys)
    for start in range(0, len(wanted), 2000):
        chunk = wanted[start : start + 2000]
        result.extend(model.objects.filter(**{f"{key}__in": chunk}).values("id", key, *fields))
    return result


@dataclass
class GroupRef:
    kind: str
    uid: str
    name: str
    group_type: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, "uid", self.uid) if self.uid else (self.kind, "name", self.name)


@dataclass
class RegisterRecord:
    urn: int
    la_code: str
    la_name: str
    values: dict[str, Any]
    groups: list[GroupRef] = field(default_factory=list)
    links: list[tuple[int, str]] = field(default_factory=list)
    inspection: GiasInspection | None = None


def parse_links(text: str) -> list[tuple[int, str]]:
    """GIAS's 'Linked establishments' text, e.g. '115961 Predecessor, 148215 Successor'."""
    return [(int(urn), kind.strip()) for urn, kind in LINK_PATTERN.findall(text)]


def sync_groups(records: Sequence[RegisterRecord]) -> tuple[Counts, dict[tuple[str, str, str], int]]:
    counts = Counts()
    wanted: dict[tuple[str, str, str], GroupRef] = {}
    for record in records:
        for ref in record.groups:
            wanted.setdefault(ref.key, ref)
    ids: dict[tuple[str, str, str], int] = {}
    kinds = {ref.kind for ref in wanted.values()}
    existing = {}
    for group in Group.objects.filter(kind__in=kinds):
        existing[(group.kind, "uid", group.uid) if group.uid else (group.kind, "name", group.name)] = group
    for key, ref in wanted.items():
        found = existing.get(key)
        if found is None:
            group = Group.objects.create(kind=ref.kind, uid=ref.uid, name=ref.name, group_type=ref.group_type)
            counts.created += 1
        else:
            group = found
        if found is not None and (group.name, group.group_type) != (ref.name, ref.group_type or group.group_type):
            group.name = ref.name
            group.group_type = ref.group_type or group.group_type
            group.save(update_fields=["name", "group_type"])
            counts.updated += 1
        ids[key] = group.pk
    return counts, ids


def sync_memberships(
    records: Sequence[RegisterRecord],
    establishment_ids: Mapping[int, int],
    group_ids: Mapping[tuple[str, str, str], int],
    context: ImportContext,
) -> Counts:
    """Open memberships the file shows and end (never delete) current ones it no longer shows."""
    counts = Counts()
    desired = {
        establishment_ids[r.urn]: {group_ids[g.key] for g in r.groups} for r in records if r.urn in establishment_ids
    }
    current: dict[int, dict[int, int]] = {}
    for start in range(0, len(desired), 2000):
        chunk = list(desired)[start : start + 2000]
        for pk, establishment_id, group_id in GroupMembership.objects.filter(
            establishment_id__in=chunk, left_on__isnull=True
        ).values_list("id", "establishment_id", "group_id"):
            current.setdefault(establishment_id, {})[group_id] = pk
    new: list[GroupMembership] = []
    ended: list[int] = []
    for establishment_id, groups in desired.items():
        now = current.get(establishment_id, {})
        for group_id in groups - set(now):
            joined = context.today if now or establishment_id in current else None
            new.append(GroupMembership(group_id=group_id, establishment_id=establishment_id, joined_on=joined))
        ended.extend(pk for group_id, pk in now.items() if group_id not in groups)
    GroupMembership.objects.bulk_create(new, batch_size=1000)
    if ended:
        GroupMembership.objects.filter(pk__in=ended).update(left_on=context.today)
    counts.created, counts.updated = len(new), len(ended)
    return counts


def sync_links(links: Iterable[tuple[int, int, str, str, Any]]) -> Counts:
    """Add links (urn, linked urn, type, linked name, date) not yet recorded; update name or date if they
    changed. Links are never deleted."""
    rows = {}
    for urn, linked_urn, link_type, linked_name, established_on in links:
        rows[(urn, linked_urn, link_type)] = {"linked_name": linked_name, "established_on": established_on}
    if not rows:
        return Counts()
    counts = Counts()
    urns = sorted({key[0] for key in rows})
    existing: dict[tuple[int, int, str], EstablishmentLink] = {}
    for start in range(0, len(urns), 2000):
        for link in EstablishmentLink.objects.filter(urn__in=urns[start : start + 2000]):
            existing[(link.urn, link.linked_urn, link.link_type)] = link
    new: list[EstablishmentLink] = []
    changed: list[EstablishmentLink] = []
    for key, values in rows.items():
        found = existing.get(key)
        if found is None:
            new.append(EstablishmentLink(urn=key[0], linked_urn=key[1], link_type=key[2], **values))
            continue
        link = found
        name = values["linked_name"] or link.linked_name
        date = values["established_on"] or link.established_on
        if (name, date) != (link.linked_name, link.established_on):
            link.linked_name, link.established_on = name, date
            changed.append(link)
        else:
            counts.unchanged += 1
    EstablishmentLink.objects.bulk_create(new, batch_size=1000)
    EstablishmentLink.objects.bulk_update(changed, ["linked_name", "established_on"], batch_size=500)
    counts.created, counts.updated = len(new), len(changed)
    return counts


def own_records(records: list[RegisterRecord], context: ImportContext) -> list[RegisterRecord]:
    """The records an LA administrator's import may write: schools the file places in their authority that
    are new or already theirs. A school of another authority (or one the file would move into theirs) is left
    as it was, and so is every other authority's own record (its name)."""
    if context.authority is None:
        return records
    current = {
        row["urn"]: row["local_authority__code"]
        for row in values_by_key(Establishment, "urn", [r.urn for r in records], ["local_authority__code"])
    }
    own = [r for r in records if context.may_change(r.la_code) and context.may_change(current.get(r.urn, r.la_code))]
    context.leave(len(records) - len(own))
    return own


def sync_register(records: list[RegisterRecord], context: ImportContext, *, source: str) -> Counts:
    """Write register records: local authorities, schools, groups, memberships, links, inspections."""
    total = Counts()
    records = own_records(records, context)
    authority_names: dict[str, str] = {}
    for record in records:
        if record.la_name or record.la_code not in authority_names:
            authority_names[record.la_code] = record.la_name
    la_ids, la_created, la_renamed = local_authorities_by_code(authority_names)
    total.add(Counts(created=la_created, updated=la_renamed))

    by_urn: dict[int, dict[str, Any]] = {}
    for record in records:
        values = dict(record.values)
        values["local_authority_id"] = la_ids[record.la_code]
        values["register_source"] = source
        by_urn[record.urn] = values
    fields = [*REGISTER_FIELDS, "register_source"]
    existing = values_by_key(Establishment, "urn", list(by_urn), fields)
    if source == Establishment.RegisterSource.SPINE:
        # The spine is thinner than GIAS: it never overwrites a school that GIAS describes.
        from_gias = {row["urn"] for row in existing if row["register_source"] == Establishment.RegisterSource.GIAS}
        if from_gias:
            context.notices.append(
                f"{len(from_gias)} school(s) already described by a GIAS extract were left as they are."
            )
        existing = [row for row in existing if row["urn"] not in from_gias]
        by_urn = {urn: values for urn, values in by_urn.items() if urn not in from_gias}
    counts, establishment_ids = sync_rows(Establishment, key="urn", rows=by_urn, existing=existing)
    context.notices.append(f"schools: {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged")
    total.add(counts)

    kept = [r for r in records if r.urn in establishment_ids]
    if source == Establishment.RegisterSource.GIAS:
        group_counts, group_ids = sync_groups(kept)
        membership_counts = sync_memberships(kept, establishment_ids, group_ids, context)
        context.notices.append(
            f"trusts, federations and sponsors: {group_counts.created} created, {group_counts.updated} updated; "
            f"memberships: {membership_counts.created} started, {membership_counts.updated} ended"
        )
        total.add(group_counts)
        total.add(membership_counts)
        inspections = [(establishment_ids[r.urn], r.inspection) for r in kept if r.inspection is not None]
        inspection_counts = record_gias_inspections(inspections, context)
        total.add(Counts(created=inspection_counts.created, updated=inspection_counts.updated))

    link_counts = sync_links((r.urn, linked, kind, "", None) for r in kept for linked, kind in r.links)
    if link_counts.created or link_counts.updated:
        context.notices.append(f"links: {link_counts.created} created, {link_counts.updated} updated")
    total.add(Counts(created=link_counts.created, updated=link_counts.updated))
    return total


def _head_name(row: Row) -> str:
    parts = [meaningful(row.text(f)) for f in ("head_title", "head_first_name", "head_last_name")]
    return " ".join(p for p in parts if p)


class GiasImporter(Importer[RegisterRecord]):
    """GIAS ``edubasealldata*.csv`` (or the older Excel extract): every establishment, with ``(name)`` and
    optional ``(code)`` columns."""

    kind = "gias"
    streams = True
    label = "Get Information About Schools extract (edubasealldata)"
    spill_field = "links"
    columns = {
        "urn": ("URN",),
        "la_code": ("LA (code)",),
        "la_name": ("LA (name)",),
        "establishment_number": ("EstablishmentNumber",),
        "name": ("EstablishmentName",),
        "type_name": ("TypeOfEstablishment (name)",),
        "type_group": ("EstablishmentTypeGroup (name)",),
        "status": ("EstablishmentStatus (name)",),
        "reason_opened": ("ReasonEstablishmentOpened (name)",),
        "open_date": ("OpenDate",),
        "reason_closed": ("ReasonEstablishmentClosed (name)",),
        "close_date": ("CloseDate",),
        "phase": ("PhaseOfEducation (name)",),
        "statutory_low_age": ("StatutoryLowAge",),
        "statutory_high_age": ("StatutoryHighAge",),
        "sixth_form": ("OfficialSixthForm (name)",),
        "gender": ("Gender (name)",),
        "religious_character": ("ReligiousCharacter (name)",),
        "religious_ethos": ("ReligiousEthos (name)",),
        "diocese": ("Diocese (name)",),
        "admissions_policy": ("AdmissionsPolicy (name)",),
        "capacity": ("SchoolCapacity",),
        "number_on_roll": ("NumberOfPupils",),
        "percentage_fsm": ("PercentageFSM",),
        "trust_flag": ("TrustSchoolFlag (name)",),
        "trust_code": ("Trusts (code)",),
        "trust_name": ("Trusts (name)",),
        "sponsor_name": ("SchoolSponsors (name)",),
        "federation_code": ("Federations (code)",),
        "federation_name": ("Federations (name)",),
        "ofsted_last_inspection": ("OfstedLastInsp",),
        "ofsted_rating": ("OfstedRating (name)",),
        "ofsted_special_measures": ("OfstedSpecialMeasures (name)",),
        "town": ("Town",),
        "postcode": ("Postcode",),
        "website": ("SchoolWebsite",),
        "head_title": ("HeadTitle (name)",),
        "head_first_name": ("HeadFirstName",),
        "head_last_name": ("HeadLastName",),
        "head_job_title": ("HeadPreferredJobTitle",),
        "region": ("GOR (name)",),
        "district": ("DistrictAdministrative (name)",),
        "urban_rural": ("UrbanRural (name)",),
        "easting": ("Easting",),
        "northing": ("Northing",),
        "links": ("Linked establishments",),
    }
    required_columns = ("urn", "la_code", "la_name", "name", "type_name", "status")

    def parse(self, row: Row) -> RegisterRecord | None:
        urn = row.integer("urn", required=True)
        la_code = row.text("la_code", required=True)
        if la_code and not la_code.isdigit():
            row.error("la_code", f"{quoted(la_code)} is not an LA code")
        type_name = row.text("type_name", required=True, max_length=120)
        type_group = row.text("type_group", max_length=120)
        low = row.integer("statutory_low_age")
        high = row.integer("statutory_high_age")
        if low is not None and high is not None and low > high:
            row.error("statutory_high_age", f"the highest age {high} is below the lowest age {low}")
        values = {
            "establishment_number": row.integer("establishment_number"),
            "name": row.text("name", required=True, max_length=200),
            "type_name": type_name,
            "type_group": type_group,
            "governance": governance_from(type_name, type_group),
            "phase": meaningful(row.text("phase")),
            "status": row.text("status", required=True, max_length=60),
            "open_date": row.date("open_date"),
            "reason_opened": meaningful(row.text("reason_opened")),
            "close_date": row.date("close_date"),
            "reason_closed": meaningful(row.text("reason_closed")),
            "statutory_low_age": low,
            "statutory_high_age": high,
            "sixth_form": meaningful(row.text("sixth_form")),
            "gender": meaningful(row.text("gender")),
            "religious_character": meaningful(row.text("religious_character")),
            "religious_ethos": meaningful(row.text("religious_ethos")),
            "diocese": meaningful(row.text("diocese")),
            "admissions_policy": meaningful(row.text("admissions_policy")),
            "capacity": row.integer("capacity"),
            "number_on_roll": row.integer("number_on_roll"),
            "percentage_fsm": row.decimal("percentage_fsm", places=1, maximum=Decimal(100)),
            "easting": row.integer("easting"),
            "northing": row.integer("northing"),
            "urban_rural": meaningful(row.text("urban_rural")),
            "district": meaningful(row.text("district")),
            "region": meaningful(row.text("region")),
            "town": row.text("town", max_length=120),
            "postcode": row.text("postcode", max_length=10),
            "head_name": _head_name(row)[:200],
            "head_job_title": row.text("head_job_title", max_length=120),
            "website": row.text("website", max_length=300),
        }
        groups = []
        trust_name = meaningful(row.text("trust_name"))
        if trust_name:
            flag = meaningful(row.text("trust_flag"))
            group_type = flag.replace("Supported by a ", "").replace("Supported by ", "").capitalize() if flag else ""
            groups.append(GroupRef(Group.Kind.TRUST, row.text("trust_code"), trust_name[:250], group_type[:120]))
        sponsor_name = meaningful(row.text("sponsor_name"))
        if sponsor_name:
            groups.append(GroupRef(Group.Kind.SPONSOR, "", sponsor_name[:250], "School sponsor"))
        federation_name = meaningful(row.text("federation_name"))
        if federation_name:
            groups.append(
                GroupRef(Group.Kind.FEDERATION, row.text("federation_code"), federation_name[:250], "Federation")
            )
        inspection = gias_inspection_from_row(row)
        if urn is None or not la_code:
            return None
        return RegisterRecord(
            urn=urn,
            la_code=la_code,
            la_name=row.text("la_name"),
            values=values,
            groups=groups,
            links=parse_links(row.text("links")),
            inspection=inspection,
        )

    def spill_accepted(self, extra: Sequence[str]) -> bool:
        """GIAS writes a school's second and later links as extra fields after ``Linked establishments``
        ("148215 Successor"); any other extra field means the row is broken."""
        return all(LINK_PATTERN.fullmatch(value.strip()) for value in extra if value.strip())

    def key(self, record: RegisterRecord) -> RecordKey:
        return RecordKey("urn", record.urn, f"URN {record.urn}")

    def apply(self, records: list[RegisterRecord], context: ImportContext) -> Counts:
        return sync_register(records, context, source=Establishment.RegisterSource.GIAS)


class SpineImporter(Importer[RegisterRecord]):
    """DfE's performance-tables school information file (``*_england_spine.xlsx``), for authorities without
    a GIAS extract."""

    kind = "spine"
    streams = True
    label = "DfE school information (spine)"
    columns = {
        "urn": ("URN",),
        "la_code": ("LA",),
        "establishment_number": ("ESTAB",),
        "name": ("SCHNAME",),
        "town": ("TOWN",),
        "postcode": ("POSTCODE",),
        "closed_flag": ("ICLOSE",),
        "open_date": ("OPENDATE",),
        "close_date": ("CLOSEDATE",),
        "type_group": ("MINORGROUP",),
        "type_name": ("NFTYPE",),
        "is_primary": ("ISPRIMARY",),
        "is_secondary": ("ISSECONDARY",),
        "is_post16": ("ISPOST16",),
        "statutory_low_age": ("AGEL",),
        "statutory_high_age": ("AGEH",),
        "gender": ("GENDER",),
        "religious_character": ("RELDENOM",),
        "admissions_policy": ("ADMPOL",),
        "other_urn": ("OTHERURN",),
    }
    required_columns = ("urn", "la_code", "name", "type_name")

    @staticmethod
    def _phase(row: Row) -> str:
        primary = row.integer("is_primary") == 1
        secondary = row.integer("is_secondary") == 1
        post16 = row.integer("is_post16") == 1
        if primary and secondary:
            return "All-through"
        if primary:
            return "Primary"
        if secondary:
            return "Secondary"
        if post16:
            return "16 plus"
        return ""

    def parse(self, row: Row) -> RegisterRecord | None:
        urn = row.integer("urn", required=True)
        la_code = row.text("la_code", required=True)
        if la_code and not la_code.isdigit():
            row.error("la_code", f"{quoted(la_code)} is not an LA code")
        type_name = row.text("type_name", required=True, max_length=120)
        type_group = meaningful(row.text("type_group"))
        close_date = row.date("close_date")
        # ICLOSE: 1 open, 2 closed (these carry a CLOSEDATE), 3 opened during the year.
        closed = row.integer("closed_flag") == 2 or close_date is not None
        values = {
            "establishment_number": row.integer("establishment_number"),
            "name": row.text("name", required=True, max_length=200),
            "type_name": type_name,
            "type_group": type_group,
            "governance": governance_from(type_name, type_group),
            "phase": self._phase(row),
            "status": "Closed" if closed else "Open",
            "open_date": row.date("open_date"),
            "close_date": close_date,
            "statutory_low_age": row.integer("statutory_low_age"),
            "statutory_high_age": row.integer("statutory_high_age"),
            "gender": meaningful(row.text("gender")),
            "religious_character": meaningful(row.text("religious_character")),
            "admissions_policy": meaningful(row.text("admissions_policy")),
            "town": row.text("town", max_length=120),
            "postcode": row.text("postcode", max_length=10),
        }
        other_urn = row.integer("other_urn")
        if urn is None or not la_code:
            return None
        links = [(other_urn, "Predecessor")] if other_urn and other_urn != urn else []
        return RegisterRecord(urn=urn, la_code=la_code, la_name="", values=values, links=links)

    def key(self, record: RegisterRecord) -> RecordKey:
        return RecordKey("urn", record.urn, f"URN {record.urn}")

    def apply(self, records: list[RegisterRecord], context: ImportContext) -> Counts:
        return sync_register(records, context, source=Establishment.RegisterSource.SPINE)


@dataclass
class LinkRecord:
    urn: int
    linked_urn: int
    link_type: str
    linked_name: str
    established_on: Any


class GiasLinksImporter(Importer[LinkRecord]):
    """GIAS ``links_edubasealldata*.csv``: predecessor, successor and merger links with dates."""

    kind = "gias-links"
    streams = True
    label = "GIAS links (predecessor and successor schools)"
    columns = {
        "urn": ("URN",),
        "linked_urn": ("LinkURN",),
        "linked_name": ("LinkName",),
        "link_type": ("LinkType",),
        "established_on": ("LinkEstablishedDate",),
    }
    required_columns = ("urn", "linked_urn", "link_type")

    def parse(self, row: Row) -> LinkRecord | None:
        urn = row.integer("urn", required=True)
        linked_urn = row.integer("linked_urn", required=True)
        link_type = row.text("link_type", required=True, max_length=120)
        record = LinkRecord(
            urn=urn or 0,
            linked_urn=linked_urn or 0,
            link_type=link_type,
            linked_name=row.text("linked_name", max_length=200),
            established_on=row.date("established_on"),
        )
        return record if urn and linked_urn else None

    def key(self, record: LinkRecord) -> RecordKey:
        return RecordKey(
            "linked_urn",
            (record.urn, record.linked_urn, record.link_type.lower()),
            f"the link from URN {record.urn} to URN {record.linked_urn} ({record.link_type})",
        )

    def apply(self, records: list[LinkRecord], context: ImportContext) -> Counts:
        if context.authority is not None:
            # An LA administrator's file adds links of their own schools only.
            urns = sorted({r.urn for r in records})
            own = {
                row["urn"]
                for row in values_by_key(Establishment, "urn", urns, ["local_authority__code"])
                if context.may_change(row["local_authority__code"])
            }
            kept = [r for r in records if r.urn in own]
            context.leave(len(records) - len(kept), "link(s) of schools")
            records = kept
        return sync_links((r.urn, r.linked_urn, r.link_type, r.linked_name, r.established_on) for r in records)

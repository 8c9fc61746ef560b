"""``headway import areas FILE``: an authority's areas, from a CSV (or Excel) file an officer keeps, one row a
school: ``URN, Area, Kind`` and, for areas inside larger ones, ``Parent`` (and ``Parent kind`` when the larger
area is new). For example Walsall's footprints, each of two areas::

    URN,Area,Kind,Parent,Parent kind
    104185,Brownhills and Pelsall,area,North,footprint
    104190,Aldridge and Streetly,area,North

Every import:

* is checked whole first (``file:row:column``): a URN not in the register, a URN given twice, schools of more
  than one authority, an unknown kind, an area given two kinds or two parents, an area inside itself (directly
  or through its parents, in the file or in Headway), a new parent without its kind;
* writes in one transaction: creates the areas that are new, sets each area's kind and parent as the file says,
  and puts each school in its area;
* changes nothing when the same file is imported again (0 created, 0 updated);
* leaves alone the schools and areas the file does not mention, and says how many open schools of the authority
  are in no area.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from headway.imports.rows import Row, quoted
from headway.imports.services import Counts, ImportContext, Importer
from headway.schools.models import Area, Establishment, LocalAuthority

KINDS: dict[str, str] = {
    **{str(value).lower(): str(value) for value in Area.Kind.values},
    **{str(label).lower(): str(value) for value, label in Area.Kind.choices},
}
KIND_NAMES = ", ".join(str(v) for v in Area.Kind.values)


def _a(kind: str) -> str:
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"


@dataclass
class AreaRecord:
    urn: int
    establishment_id: int
    local_authority_id: int
    area: str
    kind: str
    parent: str
    parent_kind: str


@dataclass
class _Seen:
    kind: str
    row: int
    parent: str | None = None  # None: the area was named only as a parent, which says nothing of its own parent


class AreasImporter(Importer[AreaRecord]):
    """An authority's areas: ``URN, Area, Kind[, Parent, Parent kind]``."""

    kind = "areas"
    label = "Areas of an authority (URN, area, kind, parent)"
    columns = {
        "urn": ("URN",),
        "area": ("Area", "Area name"),
        "kind": ("Kind", "Area kind"),
        "parent": ("Parent", "Parent area"),
        "parent_kind": ("Parent kind", "Parent area kind"),
    }
    required_columns = ("urn", "area", "kind")

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._urn_rows: dict[int, int] = {}
        self._authority: tuple[int, str, int] | None = None  # id, name, first row
        self._areas: dict[str, _Seen] = {}
        self._in_headway: dict[str, tuple[str, str | None]] | None = None  # name -> (kind, parent name)

    # Row checks ---------------------------------------------------------------------------------------------------

    def _kind(self, row: Row, field: str, *, required: bool) -> str:
        text = row.text(field, required=required, max_length=40)
        if not text:
            return ""
        kind = KINDS.get(text.lower())
        if kind is None:
            row.error(field, f"{quoted(text)} is not a kind of area: {KIND_NAMES}")
            return ""
        return kind

    def _school(self, row: Row, urn: int) -> tuple[int, int] | None:
        if urn in self._urn_rows:
            row.error("urn", f"URN {urn} is already in the file at row {self._urn_rows[urn]}")
            return None
        self._urn_rows[urn] = row.number
        found = (
            Establishment.objects.filter(urn=urn)
            .values_list("id", "local_authority_id", "local_authority__name")
            .first()
        )
        if found is None:
            row.error("urn", f"no school with URN {urn} in the register: import the register first")
            return None
        establishment_id, la_id, la_name = found
        if self._authority is None:
            self._authority = (la_id, la_name, row.number)
        elif self._authority[0] != la_id:
            row.error(
                "urn",
                f"URN {urn} is a school of {la_name}, but the school at row {self._authority[2]} is of "
                f"{self._authority[1]}: import one authority's areas per file",
            )
            return None
        return establishment_id, la_id

    def _headway(self) -> dict[str, tuple[str, str | None]]:
        """The authority's areas already in Headway: name -> (kind, parent's name)."""
        if self._in_headway is None:
            self._in_headway = {}
            if self._authority is not None:
                areas = Area.objects.filter(local_authority_id=self._authority[0]).select_related("parent")
                self._in_headway = {a.name: (a.kind, a.parent.name if a.parent else None) for a in areas}
        return self._in_headway

    def _kind_agrees(self, row: Row, field: str, name: str, kind: str) -> bool:
        seen = self._areas.get(name)
        if seen is not None and seen.kind != kind:
            row.error(field, f"row {seen.row} gives {quoted(name)} as {_a(seen.kind)}, this row as {_a(kind)}")
            return False
        return True

    def _parent_of(self, name: str) -> str | None:
        seen = self._areas.get(name)
        if seen is not None and seen.parent is not None:
            return seen.parent or None
        return self._headway().get(name, ("", None))[1]

    def parse(self, row: Row) -> AreaRecord | None:
        urn = row.integer("urn", required=True, minimum=1)
        school = self._school(row, urn) if urn is not None else None
        area = row.text("area", required=True, max_length=120)
        kind = self._kind(row, "kind", required=True)
        parent = row.text("parent", max_length=120)
        parent_kind = self._kind(row, "parent_kind", required=False)
        if row.errors or school is None:
            return None
        if parent_kind and not parent:
            row.error("parent_kind", "there is a parent kind but no parent")
            return None
        if parent == area:
            row.error("parent", f"{quoted(area)} cannot be inside itself")
            return None
        if not self._kind_agrees(row, "kind", area, kind):
            return None
        seen = self._areas.get(area)
        if seen is not None and seen.parent is not None and seen.parent != parent:
            said = f"inside {quoted(seen.parent)}" if seen.parent else "not inside another area"
            row.error("parent", f"row {seen.row} gives {quoted(area)} as {said}")
            return None
        if parent:
            if parent_kind:
                if not self._kind_agrees(row, "parent_kind", parent, parent_kind):
                    return None
            elif parent in self._areas:
                parent_kind = self._areas[parent].kind
            elif parent in self._headway():
                parent_kind = self._headway()[parent][0]
            else:
                row.error(
                    "parent",
                    f"{quoted(parent)} is not an area in Headway yet: give its kind in the 'Parent kind' column",
                )
                return None
            above: str | None = parent
            steps = 0
            while above is not None and steps < 100:
                if above == area:
                    row.error(
                        "parent", f"{quoted(area)} would be inside itself: {quoted(parent)} is inside {quoted(area)}"
                    )
                    return None
                above, steps = self._parent_of(above), steps + 1
            self._areas.setdefault(parent, _Seen(kind=parent_kind, row=row.number))
        self._areas[area] = _Seen(kind=kind, row=row.number, parent=parent)
        return AreaRecord(
            urn=urn or 0,
            establishment_id=school[0],
            local_authority_id=school[1],
            area=area,
            kind=kind,
            parent=parent,
            parent_kind=parent_kind,
        )

    # Writing ------------------------------------------------------------------------------------------------------

    def apply(self, records: list[AreaRecord], context: ImportContext) -> Counts:
        counts = Counts()
        if not records:
            return counts
        authority = LocalAuthority.objects.get(pk=records[0].local_authority_id)
        if not context.may_change(authority.code):
            # An LA administrator may place only their own authority's schools in areas.
            context.leave(len(records))
            counts.skipped += len(records)
            return counts
        kinds: dict[str, str] = {}
        parents: dict[str, str] = {}  # the areas rows name, with their parent ('' for none)
        for record in records:
            if record.parent:
                kinds.setdefault(record.parent, record.parent_kind)
            kinds[record.area] = record.kind
            parents[record.area] = record.parent
        existing = {a.name: a for a in Area.objects.filter(local_authority=authority)}
        new = [
            Area(local_authority=authority, name=name, kind=kind)
            for name, kind in kinds.items()
            if name not in existing
        ]
        Area.objects.bulk_create(new)
        counts.created += len(new)
        created = {area.name for area in new}
        areas = {a.name: a for a in Area.objects.filter(local_authority=authority)}
        changed: list[Area] = []
        for name, kind in kinds.items():
            area = areas[name]
            parent_id = areas[parents[name]].pk if parents.get(name) else None
            wanted_parent = parent_id if name in parents else area.parent_id
            if (area.kind, area.parent_id) != (kind, wanted_parent):
                area.kind, area.parent_id = kind, wanted_parent
                changed.append(area)
        if changed:
            Area.objects.bulk_update(changed, ["kind", "parent"])
        changed_names = {area.name for area in changed} - created
        counts.updated += len(changed_names)
        counts.unchanged += sum(1 for name in kinds if name not in created and name not in changed_names)

        schools = {
            s.pk: s
            for s in Establishment.objects.filter(pk__in=[r.establishment_id for r in records]).only("id", "area_id")
        }
        moved: list[Establishment] = []
        for record in records:
            school = schools[record.establishment_id]
            wanted = areas[record.area].pk
            if school.area_id != wanted:
                school.area_id = wanted
                moved.append(school)
        if moved:
            Establishment.objects.bulk_update(moved, ["area"], batch_size=500)
        counts.updated += len(moved)
        counts.unchanged += len(records) - len(moved)
        context.notices.append(
            f"{authority.name}: {len(new)} area(s) created, {len(changed_names)} changed; {len(moved)} school(s) "
            f"placed in a new area, {len(records) - len(moved)} unchanged"
        )
        without = Establishment.objects.filter(
            local_authority=authority, status__istartswith="open", area__isnull=True
        ).count()
        if without:
            context.notices.append(f"{without} open school(s) of {authority.name} are in no area")
        return counts

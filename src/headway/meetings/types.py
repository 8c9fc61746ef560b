"""Meeting types as configuration: one YAML file per kind of meeting an authority holds, in ``types/``
(Walsall's Progress Review Group per footprint, Barnsley's sub-groups, Barnet's network meetings).

A file says::

    name: walsall-progress-review-group   # the file's name, without .yaml
    version: 1
    title: Progress Review Group
    local_authority: "335"                # whose meeting it is (DfE's LA code)
    for: footprint                        # one meeting per area of this kind, or `authority` for the whole LA
    frequency: Half-termly                # optional, in words
    source: The document that sets the meeting up, and where
    purpose: [sentences]                  # optional: what the meeting is for, in the authority's words
    membership:                           # who is expected
      - role: senior_officer              # officers with this role (headway.schools.models.AreaRole) ...
        of: area                          # ... for the area itself, the areas inside it, or both
        as: Senior Achievement Officer    # what the authority calls them
        chairs: true                      # optional: they chair the meeting
      - others: Headteachers of the schools discussed
    agenda:
      schools: all                        # all, in_window (the schools in their inspection window) or none
      phases: [primary]                   # optional: primary, secondary (as the good-school share counts them)
      show: [category, risk, latest_note, window]
      follow_up_actions: true             # the open actions of earlier meetings of the type and area

Every file is checked when it is read; any problem is a ``PolicyError`` saying ``file:line: problem``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from headway.policy_files import PolicyError, PolicyFile
from headway.schools.models import Area, AreaRole

TYPES_DIR = Path(__file__).resolve().parent / "types"
AUTHORITY = "authority"
#: What a role's officers are counted for: the meeting's area, the areas inside it, or both.
SCOPES = {"area": "the area", "areas_inside": "the areas inside it", "area_and_inside": "the area and its areas"}
SCHOOLS = ("all", "in_window", "none")
#: What the agenda can show for each school.
SHOWS = {
    "category": "the latest confirmed category",
    "risk": "the predicted risk of a below-good inspection",
    "latest_note": "the latest note of visit",
    "window": "when the next inspection is expected",
    "inspection": "the latest inspection",
}
PHASES = ("primary", "secondary")
TOP_KEYS = {
    "name",
    "version",
    "title",
    "local_authority",
    "for",
    "frequency",
    "source",
    "purpose",
    "membership",
    "agenda",
}


@dataclass(frozen=True)
class Member:
    """One line of a meeting's membership: officers with a role for the area, or others in words."""

    label: str
    role: str = ""
    scope: str = ""
    chairs: bool = False

    @property
    def is_role(self) -> bool:
        return bool(self.role)


@dataclass(frozen=True)
class AgendaRule:
    schools: str
    phases: tuple[str, ...]
    show: tuple[str, ...]
    follow_up_actions: bool


@dataclass(frozen=True)
class MeetingType:
    name: str
    version: int
    title: str
    local_authority: str
    area_kind: str  # an Area.Kind value, or "authority"
    frequency: str
    source: str
    purpose: tuple[str, ...]
    membership: tuple[Member, ...]
    agenda: AgendaRule

    @property
    def per_area(self) -> bool:
        return self.area_kind != AUTHORITY

    @property
    def area_kind_label(self) -> str:
        """What one meeting is for: "each footprint", "the whole authority"."""
        if not self.per_area:
            return "the whole authority"
        return f"each {str(Area.Kind(self.area_kind).label).lower()}"

    @property
    def shows(self) -> list[str]:
        return [SHOWS[name] for name in self.agenda.show]


class _TypeFile(PolicyFile):
    def text(self, node: yaml.Node, what: str) -> str:
        value = self.value(node)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(node, f"{what} must be some text")
        return " ".join(value.split())

    def flag(self, node: yaml.Node, what: str) -> bool:
        value = self.value(node)
        if not isinstance(value, bool):
            raise self.fail(node, f"{what} must be true or false, not {value!r}")
        return value

    def names(self, node: yaml.Node, what: str, allowed: tuple[str, ...] | dict[str, str]) -> tuple[str, ...]:
        value = self.value(node)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(node, f"{what} must be a list of names")
        for item in value:
            if item not in allowed:
                raise self.fail(
                    node, f"unknown {what[:-1] if what.endswith('s') else what} {item!r}; known: {', '.join(allowed)}"
                )
        if len(set(value)) != len(value):
            raise self.fail(node, f"{what} names something twice")
        return tuple(value)

    def member(self, node: yaml.Node) -> Member:
        entry = self.mapping(node, "a member")
        if ("role" in entry) == ("others" in entry):
            raise self.fail(node, "a member needs either 'role' (officers with a role for the area) or 'others'")
        if "others" in entry:
            extra = set(entry) - {"others", "chairs"}
            if extra:
                raise self.fail(node, f"unknown field(s) {', '.join(sorted(extra))} in a member")
            chairs = self.flag(entry["chairs"], "'chairs'") if "chairs" in entry else False
            return Member(label=self.text(entry["others"], "'others'"), chairs=chairs)
        extra = set(entry) - {"role", "of", "as", "chairs"}
        if extra:
            raise self.fail(node, f"unknown field(s) {', '.join(sorted(extra))} in a member")
        role = str(self.value(entry["role"]))
        if role not in AreaRole.values:
            raise self.fail(entry["role"], f"unknown role {role!r}; known: {', '.join(AreaRole.values)}")
        scope = str(self.value(entry["of"])) if "of" in entry else "area"
        if scope not in SCOPES:
            raise self.fail(entry.get("of", node), f"'of' is one of {', '.join(SCOPES)}, not {scope!r}")
        label = self.text(self.need(node, entry, "as", "a member with a role"), "'as'")
        chairs = self.flag(entry["chairs"], "'chairs'") if "chairs" in entry else False
        return Member(label=label, role=role, scope=scope, chairs=chairs)

    def agenda(self, node: yaml.Node) -> AgendaRule:
        entry = self.mapping(node, "'agenda'")
        extra = set(entry) - {"schools", "phases", "show", "follow_up_actions"}
        if extra:
            raise self.fail(node, f"unknown field(s) {', '.join(sorted(extra))} in 'agenda'")
        schools = str(self.value(self.need(node, entry, "schools", "'agenda'")))
        if schools not in SCHOOLS:
            raise self.fail(entry["schools"], f"'schools' is one of {', '.join(SCHOOLS)}, not {schools!r}")
        phases = self.names(entry["phases"], "phases", PHASES) if "phases" in entry else ()
        show = self.names(entry["show"], "shows", SHOWS) if "show" in entry else ()
        if schools == "none" and (show or phases):
            raise self.fail(node, "an agenda without schools cannot say what to show for each school")
        follow = self.flag(entry["follow_up_actions"], "'follow_up_actions'") if "follow_up_actions" in entry else True
        return AgendaRule(schools=schools, phases=phases, show=show, follow_up_actions=follow)

    def load(self) -> MeetingType:
        root = self.root()
        top = self.mapping(root, "a meeting type")
        unknown = set(top) - TOP_KEYS
        if unknown:
            raise self.fail(top[sorted(unknown)[0]], f"unknown field(s) {', '.join(sorted(unknown))}")
        what = "a meeting type"
        name = str(self.value(self.need(root, top, "name", what)))
        if name != self.path.stem:
            raise self.fail(top["name"], f"name must match the file name ({self.path.stem!r})")
        version = self.whole(self.need(root, top, "version", what), minimum=1)
        title = self.text(self.need(root, top, "title", what), "'title'")
        code = str(self.value(self.need(root, top, "local_authority", what)))
        if not re.fullmatch(r"\d{3}", code):
            raise self.fail(top["local_authority"], f"'local_authority' is DfE's three-digit LA code, not {code!r}")
        area_kind = str(self.value(self.need(root, top, "for", what)))
        if area_kind != AUTHORITY and area_kind not in Area.Kind.values:
            raise self.fail(
                top["for"], f"'for' is a kind of area ({', '.join(Area.Kind.values)}) or {AUTHORITY}, not {area_kind!r}"
            )
        source = self.text(self.need(root, top, "source", what), "'source'")
        frequency = self.text(top["frequency"], "'frequency'") if "frequency" in top else ""
        purpose: tuple[str, ...] = ()
        if "purpose" in top:
            node = top["purpose"]
            if not isinstance(node, yaml.SequenceNode) or not node.value:
                raise self.fail(node, "'purpose' must list one or more sentences")
            purpose = tuple(self.text(item, "a purpose") for item in node.value)
        members_node = self.need(root, top, "membership", what)
        if not isinstance(members_node, yaml.SequenceNode) or not members_node.value:
            raise self.fail(members_node, "'membership' must list one or more members")
        membership = tuple(self.member(item) for item in members_node.value)
        if sum(1 for m in membership if m.chairs) > 1:
            raise self.fail(members_node, "only one member chairs the meeting")
        if area_kind == AUTHORITY:
            for item, member in zip(members_node.value, membership, strict=True):
                if member.scope not in {"", "area"}:
                    raise self.fail(
                        item, "a meeting for the whole authority counts officers of every area: leave out 'of'"
                    )
        agenda = self.agenda(self.need(root, top, "agenda", what))
        return MeetingType(
            name=name,
            version=version,
            title=title,
            local_authority=code,
            area_kind=area_kind,
            frequency=frequency,
            source=source,
            purpose=purpose,
            membership=membership,
            agenda=agenda,
        )


def load_meeting_type(path: Path) -> MeetingType:
    """Reads and checks one meeting-type file (``PolicyError`` with ``file:line: problem``)."""
    return _TypeFile(path).load()


@cache
def _meeting_types_at(paths: tuple[tuple[Path, float], ...]) -> dict[str, MeetingType]:
    found = [load_meeting_type(path) for path, _ in paths]
    return {t.name: t for t in found}


def meeting_types() -> dict[str, MeetingType]:
    """Every meeting type, by name: the LA's own (``config/meetings/``) and the shipped ones; a file is read
    again when it changes."""
    from headway import configuration

    paths = []
    for name in configuration.names("meetings"):
        path = configuration.find("meetings", name)
        if path is not None:
            paths.append((path, path.stat().st_mtime))
    return _meeting_types_at(tuple(paths))


def types_of(la_code: str) -> list[MeetingType]:
    """The meeting types of an authority, by title."""
    return sorted((t for t in meeting_types().values() if t.local_authority == la_code), key=lambda t: t.title)


def meeting_type_named(name: str) -> MeetingType:
    try:
        return meeting_types()[name]
    except KeyError:
        raise PolicyError(f"no meeting type called {name!r}") from None

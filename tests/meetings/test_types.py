"""The meeting types Headway ships (``src/headway/meetings/types/``): every file loads, each is the authority's
and cites the authority's own document, whose words it quotes exactly; and a broken file is refused with
``file:line: problem``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from headway.meetings.types import TYPES_DIR, load_meeting_type, meeting_types, types_of
from headway.policy_files import PolicyError

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
#: Each authority's documents (``shared/seeds``), by LA code.
SEED_FILES = {
    "335": {"004_15140744e008256e.txt"},
    "370": {"000_4039a31a969e565a.txt"},
    "302": {"001_df5bee96b2500873.txt", "003_b645279312758f54.txt"},
}


def test_every_shipped_type_loads_and_the_issue_s_meetings_are_there() -> None:
    types = meeting_types()
    assert len(types) == len(list(TYPES_DIR.glob("*.yaml")))
    prg = types["walsall-progress-review-group"]
    assert (prg.local_authority, prg.area_kind, prg.title) == ("335", "footprint", "Progress Review Group")
    assert [(m.role, m.scope, m.chairs) for m in prg.membership if m.is_role] == [
        ("senior_officer", "area", True),
        ("adviser", "area_and_inside", False),
    ]
    assert prg.agenda.show == ("category", "risk", "latest_note", "inspection", "window")
    assert prg.agenda.follow_up_actions
    barnsley = {t.name: t for t in types_of("370")}
    assert set(barnsley) == {
        "barnsley-quality-of-education",
        "barnsley-primary-headteachers-executive",
        "barnsley-secondary-headteachers",
        "barnsley-cpd-working-group",
        "barnsley-cluster-meeting",
    }
    assert barnsley["barnsley-cluster-meeting"].area_kind == "cluster"
    assert barnsley["barnsley-cpd-working-group"].agenda.schools == "none"
    assert barnsley["barnsley-primary-headteachers-executive"].agenda.phases == ("primary",)
    network = types["barnet-network"]
    assert (network.local_authority, network.area_kind, network.frequency) == ("302", "network", "Half-termly")
    assert [m.label for m in network.membership if m.chairs] == ["Learning Network Inspector"]


@pytest.mark.parametrize("path", sorted(TYPES_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_each_type_cites_its_authority_s_document_word_for_word(path: Path) -> None:
    meeting_type = load_meeting_type(path)
    text = path.read_text(encoding="utf-8")
    comments = " ".join(line.lstrip("# ").rstrip() for line in text.splitlines() if line.startswith("#"))
    cited = set(re.findall(r"shared/seeds/(\d{3}_[0-9a-f]+\.txt)", comments))
    assert cited, f"{path.name} cites no document in shared/seeds"
    assert cited <= SEED_FILES[meeting_type.local_authority], f"{path.name} cites another authority's document"
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is not here: the quotations cannot be checked against the documents")
    seeds = " ".join(" ".join((SEEDS / name).read_text(encoding="utf-8").split()) for name in cited)
    seeds = seeds.replace("\u2019", "'").replace("\\_", "_")
    quotes = re.findall(r'"([^"]{12,})"', comments)
    assert quotes, f"{path.name} quotes nothing"
    for quote in quotes:
        for part in " ".join(quote.split()).split("..."):
            assert part.strip(" ,") in seeds, f"{path.name}: {part.strip()!r} is not in {sorted(cited)}"


GOOD = """\
name: {name}
version: 1
title: Network meeting
local_authority: "302"
for: network
source: Barnet's strategy
membership:
  - role: adviser
    as: Learning Network Inspector
    chairs: true
  - others: Primary headteachers
agenda:
  schools: all
  show: [inspection, window]
"""

#: A mistake (a line put in the good file), the line the problem is reported at, and the problem.
BROKEN = {
    "unknown field": ("colour: blue\n", 15, "unknown field(s) colour"),
    "LA code": ('local_authority: "Barnet"\n', 4, "'local_authority' is DfE's three-digit LA code, not 'Barnet'"),
    "kind of area": ("for: ward\n", 5, "'for' is a kind of area"),
    "role": ("  - role: inspector\n    as: Inspector\n", 12, "unknown role 'inspector'"),
    "scope": ("  - role: adviser\n    of: everywhere\n    as: Adviser\n", 13, "'of' is one of area,"),
    "two chairs": ("  - others: A chair\n    chairs: true\n", 8, "only one member chairs the meeting"),
    "phases": ("  phases: [nursery]\n", 15, "unknown phase 'nursery'"),
}


def write(tmp_path: Path, text: str, name: str = "barnet-test") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_loads(tmp_path: Path) -> None:
    loaded = load_meeting_type(write(tmp_path, GOOD.format(name="barnet-test")))
    assert loaded.per_area and loaded.area_kind_label == "each network"
    assert loaded.shows == ["the latest inspection", "when the next inspection is expected"]


def insert(text: str, addition: str) -> str:
    """The good file with a line changed (a top-level field it has), a member added, or a line added at the end."""
    key = addition.split(":")[0]
    if not addition.startswith(" ") and re.search(rf"^{key}:", text, flags=re.MULTILINE):
        return re.sub(rf"^{key}:.*\n", addition, text, flags=re.MULTILINE)
    if addition.startswith("  - "):
        return text.replace("  - others: Primary headteachers\n", "  - others: Primary headteachers\n" + addition)
    return text + addition


@pytest.mark.parametrize("case", sorted(BROKEN), ids=str)
def test_a_broken_file_is_refused_with_its_file_and_line(tmp_path: Path, case: str) -> None:
    addition, line, message = BROKEN[case]
    path = write(tmp_path, insert(GOOD.format(name="barnet-test"), addition))
    with pytest.raises(PolicyError) as caught:
        load_meeting_type(path)
    assert str(caught.value).startswith(f"{path}:{line}: {message}"), str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.format(name="another-name"), "name must match the file name ('barnet-test')"),
        (GOOD.format(name="barnet-test").replace("  show: [inspection, window]\n", "  schools: none\n"), "given twice"),
        (
            GOOD.format(name="barnet-test").replace("  schools: all\n", "  schools: none\n"),
            "an agenda without schools cannot say what to show for each school",
        ),
        (
            GOOD.format(name="barnet-test")
            .replace("for: network", "for: authority")
            .replace("    as: Learning", "    of: areas_inside\n    as: Learning"),
            "a meeting for the whole authority counts officers of every area",
        ),
        ("name: barnet-test\n  version: [\n", "not valid YAML"),
        ("", "the policy is empty"),
    ],
    ids=["name", "twice", "no schools", "authority scope", "yaml", "empty"],
)
def test_other_mistakes_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PolicyError, match=re.escape(message)) as caught:
        load_meeting_type(path)
    assert str(caught.value).startswith(f"{path}:")


def test_headway_check_reports_a_broken_type_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from headway.meetings import apps, types

    assert apps.meeting_types_check() == []
    broken = write(tmp_path, GOOD.format(name="barnet-test").replace("for: network", "for: ward"))
    monkeypatch.setattr(types, "TYPES_DIR", tmp_path)
    [problem] = apps.meeting_types_check()
    assert problem.id == "meetings.E001" and problem.msg.startswith(f"{broken}:5: 'for' is a kind of area")

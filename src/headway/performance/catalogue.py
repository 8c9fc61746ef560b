"""The measure catalogue (``catalogue.yaml``): loaded once, validated with ``file:line: problem`` errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from headway.policy_files import node_value

CATALOGUE_FILE = Path(__file__).resolve().parent / "catalogue.yaml"
UNITS = {"percent", "score", "progress", "count", "days", "points", "difference", "rate"}
POLARITIES = {"higher", "lower", "none"}
#: Which pupils a measure is about: all, disadvantaged pupils and the others, and the groups DfE's LA
#: benchmarking data (LAIT) publishes separately (SEN support, EHC plan, looked-after children, ethnic groups).
SCOPES = {
    "all",
    "disadvantaged",
    "non_disadvantaged",
    "sen_support",
    "ehc_plan",
    "looked_after",
    "asian",
    "black",
    "chinese",
    "mixed",
    "white",
}
#: The phases a measure worked out from inspections can be about (``headway.inspections.share.PHASES``).
PHASES = {"all", "primary", "secondary"}
KEY_STAGES = {"EYFS", "phonics", "KS1", "KS2", "KS4", "KS5", "context"}
#: What a measure of a dataset worked out from inspections (``from_inspections: true``) names in ``columns``:
#: a figure of ``headway.inspections.share`` rather than a file's column.
INSPECTION_FIGURES = {"schools_pct", "pupils_pct", "settings_pct"}


class CatalogueError(ValueError):
    """The catalogue file is wrong; the message says where."""


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    dataset: str
    key_stage: str
    unit: str
    polarity: str
    decimals: int
    columns: tuple[str, ...]
    years: tuple[int, ...]
    pupils: tuple[str, ...] = ()
    weight: str = ""
    lower: tuple[str, ...] = ()
    upper: tuple[str, ...] = ()
    lait: str = ""
    scope: str = "all"
    of: str = ""
    gap_of: str = ""
    gap_against: str = ""
    phase: str = "all"
    lait_complement: bool = False

    @property
    def ranked(self) -> bool:
        return self.polarity != "none"

    @property
    def is_gap(self) -> bool:
        """A gap: the LA's ``gap_of`` figure minus England's ``gap_against`` figure (e.g. the LA's
        disadvantaged pupils against other pupils nationally)."""
        return bool(self.gap_of)

    @property
    def la_only(self) -> bool:
        """Published for LAs, regions and England only (LAIT), or a gap worked out from such figures: no
        school-level file has a column for it."""
        return not self.columns

    @property
    def higher_is_better(self) -> bool:
        return self.polarity == "higher"


@dataclass(frozen=True)
class Dataset:
    name: str
    label: str
    state_funded_rectype: str = ""
    all_schools_rectype: str = ""
    from_inspections: bool = False  # worked out by Headway from Ofsted's inspections, not imported

    def england_variant(self, rectype: str) -> str:
        """What an England row of this dataset covers, from its RECTYPE or phase code."""
        if rectype and rectype == self.state_funded_rectype:
            return "state-funded"
        if rectype and rectype == self.all_schools_rectype:
            return "all schools"
        return rectype.lower() if not rectype.isdigit() else f"RECTYPE {rectype}"


@dataclass(frozen=True)
class Catalogue:
    version: str
    datasets: dict[str, Dataset]
    measures: dict[str, Measure] = field(default_factory=dict)

    def for_dataset(self, dataset: str) -> list[Measure]:
        return [m for m in self.measures.values() if m.dataset == dataset]

    def get(self, code: str) -> Measure:
        try:
            return self.measures[code]
        except KeyError:
            raise KeyError(f"no measure {code!r} in the catalogue; known: {', '.join(sorted(self.measures))}") from None


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node, where: str) -> dict[str, tuple[yaml.Node, Any]]:
    if not isinstance(node, yaml.MappingNode):
        raise CatalogueError(f"{where}:{_line(node)}: expected a mapping")
    result: dict[str, tuple[yaml.Node, Any]] = {}
    for key_node, value_node in node.value:
        result[str(key_node.value)] = (value_node, node_value(value_node))
    return result


def _addition_items(path: Path) -> list[tuple[yaml.Node, str]]:
    """The measures an LA adds in its configuration (``config/catalogue/*.yaml``: a ``measures:`` list in the
    catalogue's own form, of the catalogue's datasets)."""
    where = str(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise CatalogueError(f"{where}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if root is None:
        raise CatalogueError(f"{where}:1: the file is empty")
    top = _mapping(root, where)
    if set(top) - {"measures"}:
        extra = ", ".join(sorted(set(top) - {"measures"}))
        raise CatalogueError(f"{where}:{_line(root)}: an addition to the catalogue lists 'measures' only, not {extra}")
    if "measures" not in top or not isinstance(top["measures"][0], yaml.SequenceNode):
        raise CatalogueError(f"{where}:{_line(root)}: an addition to the catalogue lists its 'measures'")
    return [(item, where) for item in top["measures"][0].value]


def load_catalogue(path: Path = CATALOGUE_FILE, additions: tuple[Path, ...] = ()) -> Catalogue:
    """The catalogue, with the measures an LA adds (each checked like the shipped ones, with its own file:line)."""
    where = str(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise CatalogueError(f"{where}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if root is None:
        raise CatalogueError(f"{where}:1: the catalogue is empty")
    top = _mapping(root, where)
    for key in ("version", "datasets", "measures"):
        if key not in top:
            raise CatalogueError(f"{where}:{_line(root)}: missing '{key}'")
    datasets_node, datasets = top["datasets"]
    if not isinstance(datasets, dict) or not datasets:
        raise CatalogueError(f"{where}:{_line(datasets_node)}: 'datasets' must map dataset names to labels")
    measures_node, _ = top["measures"]
    if not isinstance(measures_node, yaml.SequenceNode):
        raise CatalogueError(f"{where}:{_line(measures_node)}: 'measures' must be a list")
    from_inspections = {str(name) for name, value in datasets.items() if (value or {}).get("from_inspections") is True}
    measures: dict[str, Measure] = {}
    items: list[tuple[yaml.Node, str]] = [(item, where) for item in measures_node.value]
    for addition in additions:
        items.extend(_addition_items(addition))
    for item, where in items:
        entry = _mapping(item, where)
        line = _line(item)

        def need(
            name: str,
            kind: type,
            entry: dict[str, tuple[yaml.Node, Any]] = entry,
            line: int = line,
            where: str = where,
        ) -> Any:
            if name not in entry:
                raise CatalogueError(f"{where}:{line}: measure is missing '{name}'")
            node, value = entry[name]
            if not isinstance(value, kind):
                raise CatalogueError(f"{where}:{_line(node)}: '{name}' must be a {kind.__name__}")
            return value

        def optional(name: str, default: Any, entry: dict[str, tuple[yaml.Node, Any]] = entry) -> Any:
            return entry[name][1] if name in entry else default

        code = need("code", str)
        dataset = need("dataset", str)
        if dataset not in datasets:
            raise CatalogueError(f"{where}:{_line(entry['dataset'][0])}: unknown dataset {dataset!r}")
        if not code.startswith(dataset + "."):
            raise CatalogueError(f"{where}:{_line(entry['code'][0])}: code {code!r} must start with '{dataset}.'")
        if code in measures:
            raise CatalogueError(f"{where}:{_line(entry['code'][0])}: measure {code!r} is defined twice")
        checks = (("unit", UNITS), ("polarity", POLARITIES), ("key_stage", KEY_STAGES))
        for name, allowed in checks:
            value = need(name, str)
            if value not in allowed:
                raise CatalogueError(
                    f"{where}:{_line(entry[name][0])}: {name} {value!r} is not one of {', '.join(sorted(allowed))}"
                )
        scope = optional("scope", "all")
        if scope not in SCOPES:
            raise CatalogueError(f"{where}:{_line(entry['scope'][0])}: scope {scope!r} is not one of {sorted(SCOPES)}")
        lait = str(optional("lait", ""))
        gap = _gap(entry, where)
        if "columns" not in entry and (lait or gap):
            columns: list[str] = []  # LA figures only: DfE's benchmarking data, or a gap worked out from them
        else:
            columns = need("columns", list)
            if not columns or not all(isinstance(c, str) for c in columns):
                raise CatalogueError(f"{where}:{_line(entry['columns'][0])}: 'columns' must list column names")
        years = need("years", list)
        if not years or not all(isinstance(y, int) for y in years):
            raise CatalogueError(f"{where}:{_line(entry['years'][0])}: 'years' must list years such as 2019")
        if dataset in from_inspections and (len(columns) != 1 or columns[0] not in INSPECTION_FIGURES):
            raise CatalogueError(
                f"{where}:{_line(entry['columns'][0])}: a measure worked out from inspections names one figure in "
                f"'columns': {' or '.join(sorted(INSPECTION_FIGURES))}"
            )
        phase = optional("phase", "all")
        if phase not in PHASES:
            raise CatalogueError(f"{where}:{_line(entry['phase'][0])}: phase {phase!r} is not one of {sorted(PHASES)}")
        if phase != "all" and dataset not in from_inspections:
            raise CatalogueError(
                f"{where}:{_line(entry['phase'][0])}: only a measure worked out from inspections has a phase"
            )
        complement = optional("lait_complement", False)
        if not isinstance(complement, bool) or (complement and not lait):
            raise CatalogueError(
                f"{where}:{_line(entry['lait_complement'][0])}: 'lait_complement' is true or false, with a 'lait' item"
            )
        measures[code] = Measure(
            code=code,
            label=need("label", str),
            dataset=dataset,
            key_stage=entry["key_stage"][1],
            unit=entry["unit"][1],
            polarity=entry["polarity"][1],
            decimals=int(optional("decimals", 1)),
            columns=tuple(columns),
            years=tuple(years),
            pupils=tuple(optional("pupils", [])),
            weight=str(optional("weight", "")),
            lower=tuple(optional("lower", [])),
            upper=tuple(optional("upper", [])),
            lait=lait,
            scope=scope,
            of=str(optional("of", "")),
            gap_of=gap[0] if gap else "",
            gap_against=gap[1] if gap else "",
            phase=phase,
            lait_complement=complement,
        )
    where = str(path)
    for measure in measures.values():
        for reference in (measure.weight, measure.of, measure.gap_of, measure.gap_against):
            if reference and reference not in measures:
                raise CatalogueError(f"{where}: measure {measure.code!r} refers to unknown measure {reference!r}")
        for reference in (measure.gap_of, measure.gap_against):
            if reference and measures[reference].is_gap:
                raise CatalogueError(f"{where}: gap {measure.code!r} is worked out from another gap, {reference!r}")
            if reference and not set(measure.years) <= set(measures[reference].years):
                raise CatalogueError(f"{where}: gap {measure.code!r} lists years {reference!r} is not published for")
    parsed = {
        str(name): Dataset(
            name=str(name),
            label=str((value or {}).get("label", name)),
            state_funded_rectype=str((value or {}).get("state_funded_rectype", "")),
            all_schools_rectype=str((value or {}).get("all_schools_rectype", "")),
            from_inspections=str(name) in from_inspections,
        )
        for name, value in datasets.items()
    }
    return Catalogue(version=str(top["version"][1]), datasets=parsed, measures=measures)


def _gap(entry: dict[str, tuple[yaml.Node, Any]], where: str) -> tuple[str, str] | None:
    """A gap measure's ``gap: {of: CODE, against: CODE}``: (of, against), or None when the measure is no gap."""
    if "gap" not in entry:
        return None
    node, value = entry["gap"]
    if (
        not isinstance(value, dict)
        or set(value) != {"of", "against"}
        or not all(isinstance(v, str) and v for v in value.values())
    ):
        raise CatalogueError(f"{where}:{_line(node)}: 'gap' must be {{of: MEASURE, against: MEASURE}}")
    return str(value["of"]), str(value["against"])


def catalogue_additions() -> tuple[Path, ...]:
    from headway import configuration

    return tuple(
        path for name in configuration.names("catalogue") if (path := configuration.find("catalogue", name)) is not None
    )


@cache
def _catalogue(additions: tuple[Path, ...]) -> Catalogue:
    return load_catalogue(CATALOGUE_FILE, additions)


def catalogue() -> Catalogue:
    """The shipped catalogue with the LA's additions (``config/catalogue/``)."""
    return _catalogue(catalogue_additions())

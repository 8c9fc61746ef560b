"""``headway config check [DIR]``: read every configuration file with the loader Headway uses for it, and say
what is wrong as ``file:line: problem``. A file that fails here is refused when Headway loads it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

from headway import configuration

#: What a letter template may name (``concerns/letters.py: letter_context``).
LETTER_NAMES = frozenset(
    {
        "school",
        "local_authority",
        "academy",
        "concern",
        "decision",
        "warning_notice",
        "powers",
        "lead_officer",
        "signatory",
        "recipient",
        "chair",
        "dated",
        # names a template defines itself
        "forloop",
        "block",
        "True",
        "False",
        "None",
    }
)
VARIABLE = re.compile(
    r"{{\s*([A-Za-z_][A-Za-z0-9_]*)|{%\s*(?:if|elif|for\s+\w+(?:\s*,\s*\w+)*\s+in|with)\s+(?:not\s+)?([A-Za-z_][A-Za-z0-9_]*)"
)
DEFINED = re.compile(r"{%\s*(?:for\s+([\w\s,]+?)\s+in|with\s+(\w+)\s*=)")


def _policy(path: Path) -> None:
    from headway.risk.policy import load_policy
    from headway.visits.entitlements import load_entitlements

    load_policy(path)
    root = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if isinstance(root, dict) and "entitlements" in root:
        load_entitlements(path)


def _concerns(path: Path) -> None:
    from headway.concerns.policy import load_concern_policy

    load_concern_policy(path)


def _partnerships(path: Path) -> None:
    from headway.support.partnership_policy import load_partnership_policy

    load_partnership_policy(path)


def _accountability(path: Path) -> None:
    from headway.inspections.standing import load_rules

    load_rules(path)


def _settings(path: Path) -> None:
    from headway.earlyyears.policy import load_settings_policy

    load_settings_policy(path)


def _kpi_set(path: Path) -> None:
    from headway.strategy.definitions import parse_kpi_set_file

    parse_kpi_set_file(path)


def _note_template(path: Path) -> None:
    from headway.visits.note_templates import load_note_template, load_self_evaluation_form

    root = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if isinstance(root, dict) and root.get("kind") == "self_evaluation":
        load_self_evaluation_form(path)
    else:
        load_note_template(path)


def _catalogue(path: Path) -> None:
    from headway.performance.catalogue import CATALOGUE_FILE, load_catalogue

    load_catalogue(CATALOGUE_FILE, (path,))


def _meeting_type(path: Path) -> None:
    from headway.meetings.types import load_meeting_type

    load_meeting_type(path)


class AreasFileError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _areas(path: Path) -> None:
    """An areas file read as ``headway import areas`` reads it, nothing written."""
    from headway.imports.problems import FileRejected
    from headway.imports.registry import importer_for
    from headway.imports.services import read_records

    try:
        _, problems, _, _ = read_records(importer_for("areas"), path, str(path))
    except FileRejected as rejection:
        raise AreasFileError([str(p) for p in rejection.problems]) from rejection
    if problems:
        raise AreasFileError([str(p) for p in problems])


def _local_evidence(path: Path) -> None:
    from headway.risk.local_evidence import load_local_evidence

    load_local_evidence(path)


class LetterTemplateError(ValueError):
    pass


def _letter_template(path: Path) -> None:
    from django.template import TemplateSyntaxError

    from headway.concerns.letters import letter_engine

    text = path.read_text(encoding="utf-8")
    try:
        letter_engine().from_string(text)
    except TemplateSyntaxError as exc:
        raise LetterTemplateError(f"{path}:1: not a valid template: {exc}") from exc
    defined: set[str] = set()
    for match in DEFINED.finditer(text):
        names = match.group(1) or match.group(2) or ""
        defined.update(n.strip() for n in names.split(",") if n.strip())
    for number, line in enumerate(text.splitlines(), start=1):
        for match in VARIABLE.finditer(line):
            name = match.group(1) or match.group(2)
            if name and name not in LETTER_NAMES and name not in defined:
                raise LetterTemplateError(
                    f"{path}:{number}: {name!r} is not something a letter can use; "
                    f"see {configuration.KINDS['letter_templates'].shipped / 'README.md'}"
                )


CHECKS: dict[str, Callable[[Path], None]] = {
    "policies": _policy,
    "concerns": _concerns,
    "partnerships": _partnerships,
    "accountability": _accountability,
    "settings": _settings,
    "kpi_sets": _kpi_set,
    "note_templates": _note_template,
    "letter_templates": _letter_template,
    "local_evidence": _local_evidence,
    "catalogue": _catalogue,
    "meetings": _meeting_type,
    "areas": _areas,
}


def files(directory: Path | None) -> Iterator[tuple[str, Path]]:
    """Every configuration file: of ``directory`` (laid out as the LA's folder) if given, else the LA's folder
    and the shipped set."""
    for kind, spec in configuration.KINDS.items():
        folders = [directory / spec.folder] if directory is not None else configuration.folders(kind)
        for folder in folders:
            if folder.is_dir():
                for path in sorted(folder.glob(f"*{spec.suffix}")):
                    yield kind, path


def check(directory: Path | None = None) -> tuple[int, list[str]]:
    """How many files were read, and every problem as ``file:line: problem``."""
    problems: list[str] = []
    count = 0
    for kind, path in files(directory):
        count += 1
        try:
            CHECKS[kind](path)
        except (ValueError, OSError) as exc:
            listed = getattr(exc, "problems", None)
            if isinstance(listed, list) and listed:
                problems.extend(str(p) for p in listed)
            else:
                problems.append(str(exc))
    if directory is None:
        from headway.performance.standards import STANDARDS_FILE, load_standards

        count += 1
        try:
            load_standards(STANDARDS_FILE)
        except ValueError as exc:
            problems.append(str(exc))
    if directory is not None and directory.is_dir():
        known = {spec.folder for spec in configuration.KINDS.values()}
        for child in sorted(directory.iterdir()):
            if child.is_dir() and child.name not in known:
                problems.append(
                    f"{child}:0: Headway does not read a folder called {child.name!r}; "
                    f"it reads {', '.join(sorted(known))}"
                )
    return count, problems

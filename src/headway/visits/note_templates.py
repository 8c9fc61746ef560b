"""Note-of-visit templates and the pre-visit self-evaluation form, as data (``note_templates/*.yaml``).

A note template names its free-text sections, the areas an officer may judge (each a focus area of the
visit when judged), the judgement scale, and whether it asks for a deep-dive subject, agreed actions and
next steps. The self-evaluation form names its areas and grade scale. An LA changes these files, not the
code. Loading validates everything and reports ``file:line: problem``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from headway.policy_files import node_value

TEMPLATE_DIR = Path(__file__).resolve().parent / "note_templates"
SELF_EVALUATION_FORM = "self-evaluation"
DEFAULT_NOTE_TEMPLATE = "standard"
KEY = re.compile(r"^[a-z][a-z0-9_]*$")
RESERVED_SECTION_KEYS = {"deep_dive_subject"}


class NoteTemplateError(ValueError):
    """A template file is wrong; the message says where."""


@dataclass(frozen=True)
class Item:
    """A section or an area: a stable key (stored in notes) and the label people read."""

    key: str
    label: str
    hint: str = ""
    optional: bool = False


@dataclass(frozen=True)
class NoteTemplate:
    name: str
    title: str
    sections: tuple[Item, ...]
    areas: tuple[Item, ...]
    judgements: tuple[str, ...]
    deep_dive: bool
    agreed_actions: bool
    next_steps: bool

    def area_label(self, key: str) -> str:
        return next((a.label for a in self.areas if a.key == key), key)


@dataclass(frozen=True)
class SelfEvaluationForm:
    name: str
    title: str
    areas: tuple[Item, ...]
    grades: tuple[str, ...]
    barriers: bool


class _Loader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, message: str) -> NoteTemplateError:
        line = node.start_mark.line + 1 if node is not None else 1
        return NoteTemplateError(f"{self.path}:{line}: {message}")

    def mapping(self, node: yaml.Node, what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping")
        return {str(key.value): value for key, value in node.value}

    def value(self, node: yaml.Node) -> Any:
        return node_value(node)

    def text(self, node: yaml.Node, what: str) -> str:
        value = self.value(node)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(node, f"{what} must be some text")
        return value.strip()

    def flag(self, top: dict[str, yaml.Node], key: str) -> bool:
        if key not in top:
            return False
        value = self.value(top[key])
        if not isinstance(value, bool):
            raise self.fail(top[key], f"'{key}' must be true or false")
        return value

    def labels(self, top: dict[str, yaml.Node], key: str, root: yaml.Node) -> tuple[str, ...]:
        if key not in top:
            raise self.fail(root, f"missing '{key}'")
        node = top[key]
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"'{key}' must be a list")
        labels = tuple(self.text(item, f"each of '{key}'") for item in node.value)
        if len(set(labels)) != len(labels):
            raise self.fail(node, f"'{key}' lists a value twice")
        return labels

    def items(self, top: dict[str, yaml.Node], key: str, root: yaml.Node) -> tuple[Item, ...]:
        if key not in top:
            raise self.fail(root, f"missing '{key}'")
        node = top[key]
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"'{key}' must be a list")
        items: list[Item] = []
        seen: set[str] = set()
        for item_node in node.value:
            entries = self.mapping(item_node, f"each of '{key}'")
            unknown = set(entries) - {"key", "label", "hint", "optional"}
            if unknown:
                raise self.fail(item_node, f"unknown field(s) {', '.join(sorted(unknown))}")
            for needed in ("key", "label"):
                if needed not in entries:
                    raise self.fail(item_node, f"each of '{key}' needs '{needed}'")
            item_key = self.text(entries["key"], "'key'")
            if not KEY.match(item_key):
                raise self.fail(entries["key"], f"key {item_key!r} must be lower case letters, digits and _")
            if item_key in seen:
                raise self.fail(entries["key"], f"key {item_key!r} is used twice")
            if key == "sections" and item_key in RESERVED_SECTION_KEYS:
                raise self.fail(entries["key"], f"key {item_key!r} is reserved")
            seen.add(item_key)
            optional = self.value(entries["optional"]) if "optional" in entries else False
            if not isinstance(optional, bool):
                raise self.fail(entries["optional"], "'optional' must be true or false")
            items.append(
                Item(
                    key=item_key,
                    label=self.text(entries["label"], "'label'"),
                    hint=self.text(entries["hint"], "'hint'") if "hint" in entries else "",
                    optional=optional,
                )
            )
        return tuple(items)

    def root(self) -> tuple[yaml.Node, dict[str, yaml.Node]]:
        try:
            root = yaml.compose(self.path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            raise NoteTemplateError(f"{self.path}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
        except OSError as exc:
            raise NoteTemplateError(f"{self.path}:1: cannot be read: {exc.strerror}") from exc
        if root is None:
            raise NoteTemplateError(f"{self.path}:1: the file is empty")
        top = self.mapping(root, "a template")
        for key in ("name", "title", "kind"):
            if key not in top:
                raise self.fail(root, f"missing '{key}'")
        if self.text(top["name"], "'name'") != self.path.stem:
            raise self.fail(top["name"], f"name must match the file name ({self.path.stem!r})")
        return root, top

    def note_template(self) -> NoteTemplate:
        root, top = self.root()
        known = {"name", "title", "kind", "judgements", "deep_dive", "agreed_actions", "next_steps"}
        unknown = set(top) - known - {"sections", "areas"}
        if unknown:
            raise self.fail(root, f"unknown field(s) {', '.join(sorted(unknown))}")
        if self.value(top["kind"]) != "note":
            raise self.fail(top["kind"], "kind must be 'note' for a note template")
        sections = self.items(top, "sections", root)
        areas = self.items(top, "areas", root)
        judgements = self.labels(top, "judgements", root)
        if areas and not judgements:
            raise self.fail(top["judgements"], "areas to judge need a judgement scale")
        if judgements and not areas:
            raise self.fail(top["judgements"], "a judgement scale needs areas to judge")
        if not sections and not areas:
            raise self.fail(root, "a note template needs sections or areas")
        return NoteTemplate(
            name=self.path.stem,
            title=self.text(top["title"], "'title'"),
            sections=sections,
            areas=areas,
            judgements=judgements,
            deep_dive=self.flag(top, "deep_dive"),
            agreed_actions=self.flag(top, "agreed_actions"),
            next_steps=self.flag(top, "next_steps"),
        )

    def self_evaluation_form(self) -> SelfEvaluationForm:
        root, top = self.root()
        unknown = set(top) - {"name", "title", "kind", "grades", "barriers", "areas"}
        if unknown:
            raise self.fail(root, f"unknown field(s) {', '.join(sorted(unknown))}")
        if self.value(top["kind"]) != "self_evaluation":
            raise self.fail(top["kind"], "kind must be 'self_evaluation' for a self-evaluation form")
        areas = self.items(top, "areas", root)
        if not areas:
            raise self.fail(top["areas"], "the form needs at least one area")
        grades = self.labels(top, "grades", root)
        if not grades:
            raise self.fail(top["grades"], "the form needs a grade scale")
        return SelfEvaluationForm(
            name=self.path.stem,
            title=self.text(top["title"], "'title'"),
            areas=areas,
            grades=grades,
            barriers=self.flag(top, "barriers"),
        )


def load_note_template(path: Path) -> NoteTemplate:
    return _Loader(path).note_template()


def load_self_evaluation_form(path: Path) -> SelfEvaluationForm:
    return _Loader(path).self_evaluation_form()


def _path(name: str) -> Path:
    """The template's file: the LA's own (``config/note_templates/``) or the shipped one."""
    from headway import configuration

    if not KEY.match(name.replace("-", "_")):
        raise NoteTemplateError(f"{name!r} is not a template name")
    path = configuration.find("note_templates", name)
    if path is None:
        raise NoteTemplateError(configuration.missing("note_templates", name))
    return path


@cache
def _note_template_at(path: Path, modified: float) -> NoteTemplate:
    return load_note_template(path)


@cache
def _self_evaluation_form_at(path: Path, modified: float) -> SelfEvaluationForm:
    return load_self_evaluation_form(path)


def note_template_named(name: str) -> NoteTemplate:
    path = _path(name)
    return _note_template_at(path, path.stat().st_mtime)


def self_evaluation_form_named(name: str = SELF_EVALUATION_FORM) -> SelfEvaluationForm:
    path = _path(name)
    return _self_evaluation_form_at(path, path.stat().st_mtime)


def note_template_names() -> list[str]:
    """The note templates (every ``kind: note`` file, the LA's and the shipped ones), standard first."""
    from headway import configuration

    names = []
    for name in configuration.names("note_templates"):
        path = _path(name)
        kind = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(kind, dict) and kind.get("kind") == "note":
            names.append(path.stem)
    return sorted(names, key=lambda n: (n != DEFAULT_NOTE_TEMPLATE, n))

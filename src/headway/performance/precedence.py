"""Which file a stored performance figure comes from, when several files give it (``precedence.yaml``).

Importing the same files again, in any order, changes nothing: a figure is stored whole (value or marker,
pupils, confidence interval) from the file that ranks highest by release (provisional < revised < final, read
from the file's name), then layout (DfE's own, which gives each school's LA, over a trimmed copy), then, only
between two different files of the same release and layout, by name and contents. ``decide`` is the rule;
the importer (``headway.performance.importers``) records each figure's source and asks it before writing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PRECEDENCE_FILE = Path(__file__).resolve().parent / "precedence.yaml"
#: A file in DfE's own layout (it gives each school's LA) and a copy trimmed to a few renamed columns.
DFE_LAYOUT = "dfe"
TRIMMED_LAYOUT = "trimmed"
LAYOUT_LABELS = {DFE_LAYOUT: "DfE's layout", TRIMMED_LAYOUT: "a trimmed copy"}


class PrecedenceError(ValueError):
    """``precedence.yaml`` is wrong; the message says what."""


@dataclass(frozen=True)
class Policy:
    #: release word -> rank (higher wins)
    releases: dict[str, int]
    #: the release of a file whose name names none
    unstated: str
    #: layout -> rank (higher wins)
    layouts: dict[str, int]


def _ranks(data: dict[str, Any], key: str) -> dict[str, int]:
    found = data.get(key)
    if not isinstance(found, dict) or not found:
        raise PrecedenceError(f"{PRECEDENCE_FILE.name}: {key}: expected a mapping of names to ranks")
    ranks: dict[str, int] = {}
    for name, rank in found.items():
        if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
            raise PrecedenceError(f"{PRECEDENCE_FILE.name}: {key}: {name}: the rank must be a whole number from 1")
        ranks[str(name).lower()] = rank
    return ranks


def parse_policy(data: Any) -> Policy:
    if not isinstance(data, dict):
        raise PrecedenceError(f"{PRECEDENCE_FILE.name}: expected releases, unstated and layouts")
    releases = _ranks(data, "releases")
    layouts = _ranks(data, "layouts")
    unstated = str(data.get("unstated", "")).lower()
    if unstated not in releases:
        raise PrecedenceError(f"{PRECEDENCE_FILE.name}: unstated: {unstated!r} is not one of the releases")
    if set(layouts) != {DFE_LAYOUT, TRIMMED_LAYOUT}:
        raise PrecedenceError(f"{PRECEDENCE_FILE.name}: layouts: rank {DFE_LAYOUT} and {TRIMMED_LAYOUT}")
    return Policy(releases=releases, unstated=unstated, layouts=layouts)


@cache
def policy() -> Policy:
    with PRECEDENCE_FILE.open(encoding="utf-8") as handle:
        return parse_policy(yaml.safe_load(handle))


def file_release(file_name: str, stated: str | None = None) -> str:
    """The release a file is: ``stated`` if given, else the release named in the file's name (the latest if it
    names several, e.g. ``england_ks4provisional.csv``: provisional); "" when it names none."""
    releases = policy().releases
    if stated:
        release = stated.strip().lower()
        if release not in releases:
            raise ValueError(f"unknown release {stated!r}; choose from {', '.join(releases)}")
        return release
    name = Path(file_name).name.lower()
    named = [release for release in releases if release in name]
    return max(named, key=lambda release: releases[release]) if named else ""


def file_layout(*, gives_la: bool) -> str:
    """DfE's own layout when the file gives each school's LA (every file DfE publishes does), else a copy
    trimmed by someone else (which also leaves out DfE's markers and confidence intervals)."""
    return DFE_LAYOUT if gives_la else TRIMMED_LAYOUT


@dataclass(frozen=True)
class Source:
    """Where a stored figure came from: the file's release ("" when its name names none), layout ("" for a
    figure stored before sources were recorded), name and SHA-256."""

    release: str
    layout: str
    file_name: str
    sha256: str

    @property
    def recorded(self) -> bool:
        return bool(self.layout)

    def standing(self) -> tuple[int, int]:
        """(release, layout) ranks; (0, 0) for a figure stored before sources were recorded."""
        if not self.recorded:
            return 0, 0
        rules = policy()
        release = self.release or rules.unstated
        return rules.releases.get(release, 0), rules.layouts.get(self.layout, 0)

    def rank(self) -> tuple[int, int, str, str]:
        """The whole order: standing, then (only between different files of the same standing) name, contents."""
        return (*self.standing(), self.file_name, self.sha256) if self.recorded else (0, 0, "", "")

    def describe(self) -> str:
        if not self.recorded:
            return f"{self.file_name} (imported before sources were recorded)"
        release = self.release or f"{policy().unstated}: its name names no release"
        return f"{self.file_name} ({release}, {LAYOUT_LABELS.get(self.layout, self.layout)})"


class Outcome(StrEnum):
    CREATED = "created"
    #: the file ranks at least as high as the stored figure's and gives a different figure: it replaces it
    UPDATED = "updated"
    #: the file ranks higher and gives the same figure: the figure now comes from it (its values unchanged)
    CREDITED = "credited"
    UNCHANGED = "unchanged"
    #: the file gives a different figure but the stored one comes from a file that ranks higher: kept
    KEPT = "kept"


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    #: two different files of the same release and layout give different figures (the import says so)
    disagreement: bool = False

    @property
    def writes(self) -> bool:
        return self.outcome in {Outcome.CREATED, Outcome.UPDATED, Outcome.CREDITED}


def decide(incoming: Source, stored: Source | None, *, same_figure: bool) -> Decision:
    """What importing a figure from ``incoming`` does to the figure stored from ``stored`` (None: none yet).

    The stored figure is always the one from the highest-ranked file imported so far, whatever the order; an
    equal rank is the same file (or the same file's name and contents), whose figure replaces the stored one
    only when it differs (the register may have placed a school since)."""
    if stored is None:
        return Decision(Outcome.CREATED)
    disagreement = (
        not same_figure
        and stored.recorded
        and incoming.standing() == stored.standing()
        and (incoming.file_name, incoming.sha256) != (stored.file_name, stored.sha256)
    )
    if incoming.rank() >= stored.rank():
        if not same_figure:
            return Decision(Outcome.UPDATED, disagreement)
        return Decision(Outcome.CREDITED if incoming.rank() > stored.rank() else Outcome.UNCHANGED)
    return Decision(Outcome.UNCHANGED if same_figure else Outcome.KEPT, disagreement)

"""Where an LA's configuration lives: its own folder first (``HEADWAY_CONFIG_DIR``, by default ``config/`` beside
the database), then the set Headway ships. An LA adopts Headway by writing files here, never code.

    config/
      policies/          categorisation policies and their visit entitlements   (headway.risk.policy)
      concerns/          schools-causing-concern rules                          (headway.concerns.policy)
      partnerships/      partnership rules                                      (headway.support.partnership_policy)
      accountability/    what good, stuck, RISE and inspection windows mean     (headway.inspections.standing)
      settings/          early years settings policies                          (headway.earlyyears.policy)
      kpi_sets/          KPI sets                                                (headway.strategy)
      note_templates/    notes of visit and the self-evaluation form            (headway.visits.note_templates)
      letter_templates/  letters' wording                                       (headway.concerns.letters)
      local_evidence/    indicators the LA records itself                       (headway.risk.local_evidence)
      catalogue/         measures the LA adds to the catalogue                  (headway.performance.catalogue)
      meetings/          meeting types: membership, agenda, frequency            (headway.meetings.types)
      areas/             the LA's areas as CSV (URN, area, kind, parent): headway import areas NAME

A file in the LA's folder with the same name as a shipped one takes its place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SRC = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Kind:
    """A kind of configuration file: its folder in the LA's configuration and where the shipped ones are."""

    folder: str
    shipped: Path
    suffix: str = ".yaml"
    label: str = ""


KINDS: dict[str, Kind] = {
    "policies": Kind("policies", SRC / "risk" / "policies", label="categorisation policy"),
    "concerns": Kind("concerns", SRC / "concerns" / "policies", label="schools-causing-concern rules"),
    "partnerships": Kind("partnerships", SRC / "support" / "policies", label="partnership rules"),
    "accountability": Kind("accountability", SRC / "inspections" / "policies", label="accountability rules"),
    "settings": Kind("settings", SRC / "earlyyears" / "policies", label="settings policy"),
    "kpi_sets": Kind("kpi_sets", SRC / "strategy" / "kpi_sets", label="KPI set"),
    "note_templates": Kind("note_templates", SRC / "visits" / "note_templates", label="note template"),
    "letter_templates": Kind("letter_templates", SRC / "concerns" / "letter_templates", ".txt", "letter template"),
    "local_evidence": Kind("local_evidence", SRC / "risk" / "local_evidence", label="local evidence"),
    "catalogue": Kind("catalogue", SRC / "performance" / "catalogue_additions", label="addition to the catalogue"),
    "meetings": Kind("meetings", SRC / "meetings" / "types", label="meeting type"),
    "areas": Kind("areas", SRC / "schools" / "areas", ".csv", "areas file"),
}


def config_dir() -> Path:
    """The LA's configuration folder (it need not exist)."""
    configured = os.environ.get("HEADWAY_CONFIG_DIR") or getattr(settings, "HEADWAY_CONFIG_DIR", "")
    if configured:
        return Path(configured).resolve()
    return Path(settings.VAR_DIR) / "config"


def folders(kind: str) -> list[Path]:
    """Where files of a kind are looked for, the LA's folder first."""
    spec = KINDS[kind]
    return [config_dir() / spec.folder, spec.shipped]


def find(kind: str, name: str) -> Path | None:
    """The file of that kind and name: the LA's own if it has one, else the shipped one; None if neither."""
    spec = KINDS[kind]
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    for folder in folders(kind):
        path = folder / f"{name}{spec.suffix}"
        if path.is_file():
            return path
    return None


def names(kind: str) -> list[str]:
    """Every name of that kind, the LA's and the shipped ones."""
    spec = KINDS[kind]
    found: set[str] = set()
    for folder in folders(kind):
        if folder.is_dir():
            found.update(p.stem for p in folder.glob(f"*{spec.suffix}"))
    return sorted(found)


def missing(kind: str, name: str) -> str:
    """What to say when no file of that kind has the name."""
    spec = KINDS[kind]
    known = ", ".join(names(kind)) or "none"
    return (
        f"no {spec.label or kind} called {name!r} in {config_dir() / spec.folder} or among those Headway ships; "
        f"known: {known}"
    )

"""Local evidence: indicators an LA records itself (the LA's RAG rating, a headteacher's first year, a local
attendance concern ...), declared in configuration (``config/local_evidence/*.yaml`` or the shipped files),
entered by officers on the school's categorisation page with a date and a reason, and read by categorisation
rules like any imported evidence.

    name: barnet-2021
    authority: "302"              # optional: whose indicators these are
    indicators:
      - name: la_rag_rating       # what a rule names: {evidence: la_rag_rating, in: [amber, red]}
        label: "The LA's RAG rating"
        type: choice              # choice (with values), yes_no, or number
        values: [green, amber, red]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from headway.policy_files import PolicyError, PolicyFile

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
TYPES = ("choice", "yes_no", "number")


@dataclass(frozen=True)
class Indicator:
    name: str
    label: str
    type: str
    values: tuple[str, ...] = ()
    hint: str = ""
    authority: str = ""

    def parse(self, text: str) -> Any:
        """The value a rule reads, from what an officer typed; ValueError says what is wrong."""
        value = text.strip()
        if self.type == "yes_no":
            if value.lower() not in {"yes", "no"}:
                raise ValueError(f"{self.label}: answer yes or no")
            return value.lower() == "yes"
        if self.type == "number":
            try:
                return float(value)
            except ValueError:
                raise ValueError(f"{self.label}: {value!r} is not a number") from None
        if value.lower() not in self.values:
            raise ValueError(f"{self.label}: choose one of {', '.join(self.values)}")
        return value.lower()


class _File(PolicyFile):
    def load(self, reserved: set[str]) -> list[Indicator]:
        root = self.root()
        top = self.mapping(root, "local evidence")
        authority = str(self.value(top["authority"])) if "authority" in top else ""
        items = self.need(root, top, "indicators", "local evidence")
        value = getattr(items, "value", None)
        if not isinstance(value, list) or not value:
            raise self.fail(items, "'indicators' must list one or more indicators")
        found: list[Indicator] = []
        for item in value:
            entry = self.mapping(item, "an indicator")
            name = str(self.value(self.need(item, entry, "name", "an indicator")))
            if not NAME.match(name):
                raise self.fail(entry["name"], f"{name!r} is not a name a rule can use (lower case, digits, _)")
            if name in reserved:
                raise self.fail(entry["name"], f"{name!r} is already evidence Headway reads; choose another name")
            kind = str(self.value(self.need(item, entry, "type", "an indicator")))
            if kind not in TYPES:
                raise self.fail(entry["type"], f"'type' is one of {', '.join(TYPES)}, not {kind!r}")
            values: tuple[str, ...] = ()
            if kind == "choice":
                listed = self.value(self.need(item, entry, "values", f"indicator {name!r}"))
                if not isinstance(listed, list) or not listed:
                    raise self.fail(entry["values"], "'values' must list the choices")
                values = tuple(str(v).lower() for v in listed)
            found.append(
                Indicator(
                    name=name,
                    label=str(self.value(self.need(item, entry, "label", f"indicator {name!r}"))),
                    type=kind,
                    values=values,
                    hint=str(self.value(entry["hint"])) if "hint" in entry else "",
                    authority=authority,
                )
            )
        return found


def load_local_evidence(path: Path) -> list[Indicator]:
    """The indicators a file declares, validated (``PolicyError`` says ``file:line: problem``)."""
    from headway.risk.evidence import EVIDENCE

    return _File(path).load(set(EVIDENCE))


@cache
def _declared_at(path: Path, modified: float) -> tuple[Indicator, ...]:
    return tuple(load_local_evidence(path))


def indicators() -> dict[str, Indicator]:
    """Every local indicator declared, the LA's and the shipped, by name. Each file is read once and kept until
    it changes (pages ask for an indicator's label once per piece of evidence they show)."""
    from headway import configuration

    found: dict[str, Indicator] = {}
    for name in configuration.names("local_evidence"):
        path = configuration.find("local_evidence", name)
        if path is None:
            continue
        for indicator in _declared_at(path, path.stat().st_mtime):
            if indicator.name in found and found[indicator.name] != indicator:
                raise PolicyError(f"{path}:1: the indicator {indicator.name!r} is declared twice, differently")
            found[indicator.name] = indicator
    return found

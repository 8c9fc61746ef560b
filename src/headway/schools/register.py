"""Rules of the register that do not depend on a file layout: governance, phase, LA reference data."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from headway.schools.models import Governance, LocalAuthority

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

MAINTAINED_TYPES = {
    "community school",
    "voluntary aided school",
    "voluntary controlled school",
    "foundation school",
    "community special school",
    "foundation special school",
    "local authority nursery school",
    "la nursery school",
    "pupil referral unit",
    "maintained school",
}
ACADEMY_WORDS = ("academy", "free school", "studio school", "university technical college")
INDEPENDENT_WORDS = ("independent",)

#: Text that published files use for "nothing to say here".
NOT_APPLICABLE = {"not applicable", "does not apply", "null", "n/a"}


def governance_from(type_name: str, type_group: str = "") -> str:
    """Maintained, academy, independent or other, from the establishment type (and type group)."""
    kind = type_name.strip().lower()
    group = type_group.strip().lower()
    if group in {"academies", "free schools", "academy"} or any(word in kind for word in ACADEMY_WORDS):
        return Governance.ACADEMY
    if kind in MAINTAINED_TYPES or group in {"local authority maintained schools", "maintained school"}:
        return Governance.MAINTAINED
    if any(word in kind for word in INDEPENDENT_WORDS) or group.startswith("independent"):
        return Governance.INDEPENDENT
    return Governance.OTHER


def meaningful(value: str) -> str:
    """The value, or '' for GIAS's 'Not applicable' style placeholders."""
    return "" if value.strip().lower() in NOT_APPLICABLE else value.strip()


@cache
def reference_local_authorities() -> dict[str, tuple[str, str]]:
    """DfE LA codes with names and regions (shipped reference data, see reference/README.md)."""
    with (REFERENCE_DIR / "local_authorities.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: (row["name"], row["region"]) for row in csv.DictReader(handle)}


def local_authorities_by_code(wanted: dict[str, str]) -> tuple[dict[str, int], int, int]:
    """Make sure every LA code in ``wanted`` (code -> name from the file, or '') exists.

    Returns ids by code and how many were created and renamed. A name given by the file wins over the
    reference name; a blank name never overwrites one we have."""
    reference = reference_local_authorities()
    existing = {la.code: la for la in LocalAuthority.objects.filter(code__in=list(wanted))}
    created = renamed = 0
    for code, file_name in wanted.items():
        ref_name, ref_region = reference.get(code, (f"Local authority {code}", ""))
        name = file_name or ref_name
        authority = existing.get(code)
        if authority is None:
            existing[code] = LocalAuthority.objects.create(code=code, name=name, region=ref_region)
            created += 1
        elif file_name and authority.name != file_name:
            authority.name = file_name
            authority.save(update_fields=["name"])
            renamed += 1
    return {code: la.pk for code, la in existing.items()}, created, renamed

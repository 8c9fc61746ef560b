"""Writing KPI sets and indicators: each function is one transaction, and every change is audited."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from headway.accounts import audit
from headway.accounts.models import User
from headway.strategy.definitions import IndicatorDefinition, check_indicator, parse_kpi_set_file
from headway.strategy.models import KpiIndicator, KpiSet

#: What an indicator holds besides its set and key; what the audit trail records before and after.
INDICATOR_FIELDS = (
    "order",
    "label",
    "measure",
    "baseline_year",
    "baseline_value",
    "target_kind",
    "target_value",
    "target_region",
    "target_year",
    "notes",
)
#: What the indicator-change service may change (the order and key follow the set's file).
CHANGEABLE_FIELDS = frozenset(INDICATOR_FIELDS) - {"order"}


@dataclass
class KpiSetLoadResult:
    kpi_set: KpiSet
    file: str
    set_created: bool = False
    set_updated: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def summary(self) -> str:
        what = "created" if self.set_created else "updated" if self.set_updated else "unchanged"
        return (
            f"{self.file}: KPI set {self.kpi_set.name!r} for {self.kpi_set.local_authority} {what}; indicators: "
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, {self.removed} removed"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kpi_set": self.kpi_set.name,
            "la": self.kpi_set.local_authority.code,
            "set_created": self.set_created,
            "set_updated": self.set_updated,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "errors": [],
        }


def _plain(value: Any) -> Any:
    """Decimals as the file wrote them (69, 0.47), for the audit trail."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _snapshot(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _plain(fields[name]) for name in INDICATOR_FIELDS}


def _indicator_snapshot(indicator: KpiIndicator) -> dict[str, Any]:
    return _snapshot({name: getattr(indicator, name) for name in INDICATOR_FIELDS})


def _definition_of(indicator: KpiIndicator) -> IndicatorDefinition:
    return IndicatorDefinition(key=indicator.key, **{name: getattr(indicator, name) for name in INDICATOR_FIELDS})


def kpi_set_load(
    *, path: Path, actor: User | None = None, actor_name: str = "", display_name: str | None = None
) -> KpiSetLoadResult:
    """Load a KPI-set file: create the set or bring it in line with the file (indicators matched by ``key``;
    those no longer in the file are removed). Loading the same file again changes nothing. A file with any
    problem raises ``KpiSetFileError`` and writes nothing."""
    from headway.schools.models import LocalAuthority
    from headway.schools.register import local_authorities_by_code

    name = display_name or path.name
    definition = parse_kpi_set_file(path, display_name=display_name)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    reason = f"loaded from {name}"
    who: dict[str, Any] = {"actor": actor, "actor_name": actor_name or "headway kpi load"}
    with transaction.atomic():
        ids, _, _ = local_authorities_by_code({definition.local_authority: ""})
        authority = LocalAuthority.objects.get(pk=ids[definition.local_authority])
        set_fields = {"version": definition.version, "notes": definition.notes, "source_file": name}
        kpi_set = KpiSet.objects.select_for_update().filter(local_authority=authority, name=definition.name).first()
        if kpi_set is None:
            kpi_set = KpiSet.objects.create(
                local_authority=authority, name=definition.name, source_sha256=digest, **set_fields
            )
            result = KpiSetLoadResult(kpi_set=kpi_set, file=name, set_created=True)
            audit.record(
                verb="kpi_set.created",
                target=kpi_set,
                after={"local_authority": authority.code, "name": kpi_set.name, **set_fields},
                reason=reason,
                **who,
            )
        else:
            result = KpiSetLoadResult(kpi_set=kpi_set, file=name)
            before, after = audit.changes({f: getattr(kpi_set, f) for f in set_fields}, set_fields)
            if before or after:
                for field, value in set_fields.items():
                    setattr(kpi_set, field, value)
                kpi_set.save(update_fields=list(set_fields))
                result.set_updated = True
                audit.record(verb="kpi_set.updated", target=kpi_set, before=before, after=after, reason=reason, **who)
            if kpi_set.source_sha256 != digest:
                kpi_set.source_sha256 = digest
                kpi_set.save(update_fields=["source_sha256"])
        existing = {indicator.key: indicator for indicator in kpi_set.indicators.all()}
        for wanted in definition.indicators:
            fields = wanted.fields()
            fields.pop("key")
            indicator = existing.pop(wanted.key, None)
            if indicator is None:
                indicator = KpiIndicator.objects.create(kpi_set=kpi_set, key=wanted.key, **fields)
                result.created += 1
                audit.record(
                    verb="kpi_indicator.created",
                    target=indicator,
                    after={"key": wanted.key, **_snapshot(fields)},
                    reason=reason,
                    **who,
                )
                continue
            before, after = audit.changes(_indicator_snapshot(indicator), _snapshot(fields))
            if not after:
                result.unchanged += 1
                continue
            for field, value in fields.items():
                setattr(indicator, field, value)
            indicator.save()
            result.updated += 1
            audit.record(
                verb="kpi_indicator.updated", target=indicator, before=before, after=after, reason=reason, **who
            )
        for indicator in existing.values():
            audit.record(
                verb="kpi_indicator.removed",
                target=indicator,
                before={"key": indicator.key, **_indicator_snapshot(indicator)},
                reason=f"{reason}: no longer in the file",
                **who,
            )
            indicator.delete()
            result.removed += 1
    return result


def kpi_indicator_update(
    *,
    indicator: KpiIndicator,
    changes: Mapping[str, Any],
    reason: str,
    actor: User | None,
    actor_name: str = "",
) -> KpiIndicator:
    """Change an indicator's label, measure, baseline or target, with a reason. The change is checked as the
    loader checks a file (``ValidationError`` by field), written, and audited with before and after."""
    if not reason.strip():
        raise ValueError("A change to a KPI needs a reason.")
    unknown = set(changes) - CHANGEABLE_FIELDS
    if unknown:
        raise ValueError(
            f"cannot change {', '.join(sorted(unknown))}; changeable: {', '.join(sorted(CHANGEABLE_FIELDS))}"
        )
    values = dict(changes)
    for name in ("baseline_value", "target_value"):
        if values.get(name) is not None:
            values[name] = Decimal(str(values[name]))
    with transaction.atomic():
        current = KpiIndicator.objects.select_for_update().get(pk=indicator.pk)
        wanted = dataclasses.replace(_definition_of(current), **values)
        problems = check_indicator(wanted)
        if problems:
            errors: dict[str, list[str]] = {}
            for field, message in problems:
                errors.setdefault(field, []).append(message)
            raise ValidationError(errors)
        fields = wanted.fields()
        fields.pop("key")
        before, after = audit.changes(_indicator_snapshot(current), _snapshot(fields))
        if not after:
            return current
        for field in after:
            setattr(current, field, fields[field])
        current.save(update_fields=list(after))
        audit.record(
            verb="kpi_indicator.updated",
            target=current,
            before=before,
            after=after,
            reason=reason.strip(),
            actor=actor,
            actor_name=actor_name,
        )
    return current

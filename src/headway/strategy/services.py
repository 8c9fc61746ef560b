"""Writing KPI sets, indicators, their targets and locally entered actuals: each function is one transaction,
and every change is audited."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from headway.accounts import audit
from headway.accounts.models import User
from headway.refusals import RuleRefused
from headway.strategy.definitions import (
    FIRST_YEAR,
    LAST_YEAR,
    ActualDefinition,
    IndicatorDefinition,
    TargetDefinition,
    check_indicator,
    check_key_free,
    check_kpi_set,
    indicator_measure,
    parse_kpi_set_file,
)
from headway.strategy.models import Comparator, KpiIndicator, KpiSet, KpiTarget, LocalActual, TargetKind

if TYPE_CHECKING:
    from headway.schools.models import LocalAuthority

#: What an indicator holds besides its set and key; what the audit trail records before and after.
INDICATOR_FIELDS = (
    "order",
    "label",
    "group",
    "owner",
    "measure",
    "local_unit",
    "local_polarity",
    "local_decimals",
    "baseline_year",
    "baseline_value",
    "target_kind",
    "target_value",
    "target_region",
    "target_comparator",
    "target_year",
    "notes",
)
#: A year's target as the audit trail records it.
TARGET_FIELDS = ("kind", "value", "region", "comparator")
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
    actuals_created: int = 0
    actuals_updated: int = 0
    actuals_removed: int = 0
    actuals_kept: int = 0  # entered on the page since: the file does not overwrite them

    def summary(self) -> str:
        what = "created" if self.set_created else "updated" if self.set_updated else "unchanged"
        text = (
            f"{self.file}: KPI set {self.kpi_set.name!r} for {self.kpi_set.local_authority} {what}; indicators: "
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, {self.removed} removed"
        )
        if self.actuals_created or self.actuals_updated or self.actuals_removed or self.actuals_kept:
            text += (
                f"; locally reported actuals: {self.actuals_created} created, {self.actuals_updated} updated, "
                f"{self.actuals_removed} removed, {self.actuals_kept} kept as entered on the page"
            )
        return text

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
            "actuals": {
                "created": self.actuals_created,
                "updated": self.actuals_updated,
                "removed": self.actuals_removed,
                "kept": self.actuals_kept,
            },
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
    return IndicatorDefinition(
        key=indicator.key,
        targets=tuple(
            TargetDefinition(kind=t.kind, value=t.value, region=t.region, comparator=t.comparator, year=t.year)
            for t in indicator.year_targets.all()
        ),
        **{name: getattr(indicator, name) for name in INDICATOR_FIELDS},
    )


def _target_snapshot(target: KpiTarget | TargetDefinition) -> dict[str, Any]:
    return {name: _plain(getattr(target, name)) for name in TARGET_FIELDS}


def _sync_targets(
    indicator: KpiIndicator,
    wanted: tuple[TargetDefinition, ...],
    *,
    reason: str,
    who: dict[str, Any],
    gone: str = "no longer in the file",
) -> bool:
    """Bring the indicator's year targets in line with the file's; True if anything changed (all audited)."""
    existing = {target.year: target for target in indicator.year_targets.all()}
    changed = False
    for definition in wanted:
        assert definition.year is not None  # checked by the loader
        target = existing.pop(definition.year, None)
        after = _target_snapshot(definition)
        if target is None:
            target = KpiTarget.objects.create(
                indicator=indicator,
                year=definition.year,
                kind=definition.kind,
                value=definition.value,
                region=definition.region,
                comparator=definition.comparator,
            )
            audit.record(
                verb="kpi_target.created",
                target=target,
                after={"indicator": indicator.key, "year": target.year, **after},
                reason=reason,
                **who,
            )
            changed = True
            continue
        before, after = audit.changes(_target_snapshot(target), after)
        if after:
            for name in TARGET_FIELDS:
                setattr(target, name, getattr(definition, name))
            target.save()
            audit.record(verb="kpi_target.updated", target=target, before=before, after=after, reason=reason, **who)
            changed = True
    for target in existing.values():
        audit.record(
            verb="kpi_target.removed",
            target=target,
            before={"indicator": indicator.key, "year": target.year, **_target_snapshot(target)},
            reason=f"{reason}: {gone}",
            **who,
        )
        target.delete()
        changed = True
    return changed


def _actual_snapshot(actual: LocalActual | ActualDefinition) -> dict[str, Any]:
    return {"value": _plain(actual.value), "source": actual.source}


def _sync_actuals(
    indicator: KpiIndicator,
    wanted: tuple[ActualDefinition, ...],
    *,
    file: str,
    reason: str,
    who: dict[str, Any],
    result: KpiSetLoadResult,
) -> None:
    """The file's actuals: created, or updated where they came from a file; an actual entered on the page since
    is kept (the page is the later word). Actuals a file gave that it no longer gives are removed."""
    existing = {actual.year: actual for actual in indicator.local_actuals.all()}
    now = timezone.now()
    for definition in wanted:
        actual = existing.pop(definition.year, None)
        if actual is None:
            actual = LocalActual.objects.create(
                indicator=indicator,
                year=definition.year,
                value=definition.value,
                source=definition.source,
                reason=reason,
                entered_by=who["actor"],
                entered_by_name=who["actor"].get_username() if who["actor"] is not None else who["actor_name"],
                entered_at=now,
                loaded_from=file[-300:],
            )
            audit.record(
                verb="kpi_actual.entered",
                target=actual,
                after={"indicator": indicator.key, "year": actual.year, **_actual_snapshot(definition)},
                reason=reason,
                **who,
            )
            result.actuals_created += 1
            continue
        if not actual.loaded_from:
            result.actuals_kept += 1
            continue
        before, after = audit.changes(_actual_snapshot(actual), _actual_snapshot(definition))
        if after:
            actual.value, actual.source, actual.reason, actual.loaded_from = (
                definition.value,
                definition.source,
                reason,
                file[-300:],
            )
            actual.save(update_fields=["value", "source", "reason", "loaded_from"])
            audit.record(verb="kpi_actual.changed", target=actual, before=before, after=after, reason=reason, **who)
            result.actuals_updated += 1
    for actual in existing.values():
        if actual.loaded_from:
            audit.record(
                verb="kpi_actual.removed",
                target=actual,
                before={"indicator": indicator.key, "year": actual.year, **_actual_snapshot(actual)},
                reason=f"{reason}: no longer in the file",
                **who,
            )
            actual.delete()
            result.actuals_removed += 1


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
        existing = {
            indicator.key: indicator
            for indicator in kpi_set.indicators.prefetch_related("year_targets", "local_actuals")
        }
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
                _sync_targets(indicator, wanted.targets, reason=reason, who=who)
                _sync_actuals(indicator, wanted.actuals, file=name, reason=reason, who=who, result=result)
                continue
            before, after = audit.changes(_indicator_snapshot(indicator), _snapshot(fields))
            if after:
                for field, value in fields.items():
                    setattr(indicator, field, value)
                indicator.save()
                audit.record(
                    verb="kpi_indicator.updated", target=indicator, before=before, after=after, reason=reason, **who
                )
            targets_changed = _sync_targets(indicator, wanted.targets, reason=reason, who=who)
            _sync_actuals(indicator, wanted.actuals, file=name, reason=reason, who=who, result=result)
            if after or targets_changed:
                result.updated += 1
            else:
                result.unchanged += 1
        for indicator in existing.values():
            audit.record(
                verb="kpi_indicator.removed",
                target=indicator,
                before=_removed_snapshot(indicator),
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
        who = {"actor": actor, "actor_name": actor_name}
        _save_changed(current, fields, before, after, verb="kpi_indicator.updated", reason=reason.strip(), **who)
    return current


def _percentish(value: Decimal, unit: str) -> str:
    if unit == "percent" and not Decimal(0) <= value <= Decimal(100):
        return f"{value} is not a percentage (0 to 100)"
    if unit in ("count", "days", "rate") and value < 0:
        return f"{value} cannot be below 0"
    return ""


def local_actual_record(
    *,
    indicator: KpiIndicator,
    year: int,
    value: Decimal | float | str,
    source: str,
    reason: str,
    actor: User | None,
    actor_name: str = "",
) -> LocalActual:
    """Enter (or correct) the LA's own figure for an indicator and year, with where it comes from and why. One
    transaction, audited with before and after. Refuses (``RuleRefused``) a figure without a source or a reason,
    a year outside 2000-2100, or a value the indicator's unit cannot take. An actual entered here is never
    overwritten by loading the KPI-set file again."""
    problems: list[str] = []
    if not source.strip():
        problems.append("Say where the figure comes from (its source).")
    elif len(source.strip()) > 300:
        problems.append("The source is longer than 300 characters.")
    if not reason.strip():
        problems.append("Say why you are entering this figure.")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        problems.append(f"{year} is not a year such as 2019.")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        problems.append(f"{value!r} is not a number.")
    else:
        measure = indicator_measure(_definition_of(indicator))
        unit_problem = _percentish(number, measure.unit) if measure is not None else ""
        if unit_problem:
            problems.append(f"{unit_problem[0].upper()}{unit_problem[1:]}.")
        if abs(number) >= Decimal(10) ** 10:
            problems.append(f"{number} is too large.")
    if problems:
        raise RuleRefused(*problems)
    assert number is not None
    who_name = actor.get_username() if actor is not None else actor_name
    if not who_name:
        raise ValueError("A locally entered actual needs an actor or an actor_name.")
    with transaction.atomic():
        actual = LocalActual.objects.select_for_update().filter(indicator=indicator, year=year).first()
        after = {"value": _plain(number), "source": source.strip()}
        if actual is None:
            actual = LocalActual.objects.create(
                indicator=indicator,
                year=year,
                value=number,
                source=source.strip(),
                reason=reason.strip(),
                entered_by=actor,
                entered_by_name=who_name,
                entered_at=timezone.now(),
            )
            audit.record(
                verb="kpi_actual.entered",
                target=actual,
                after={"indicator": indicator.key, "year": year, **after},
                reason=reason.strip(),
                actor=actor,
                actor_name=actor_name,
            )
            return actual
        before = {"value": _plain(actual.value), "source": actual.source, "loaded_from": actual.loaded_from}
        actual.value, actual.source, actual.reason = number, source.strip(), reason.strip()
        actual.entered_by, actual.entered_by_name, actual.entered_at = actor, who_name, timezone.now()
        actual.loaded_from = ""  # entered on the page now: a file loaded again keeps it
        actual.save()
        audit.record(
            verb="kpi_actual.changed",
            target=actual,
            before=before,
            after={**after, "loaded_from": ""},
            reason=reason.strip(),
            actor=actor,
            actor_name=actor_name,
        )
    return actual


# --- KPI sets made and changed on the pages -------------------------------------------------------------------


#: The loader's names for target kinds and comparators (as a file writes them), and the words the KPI set page
#: offers them in. Only the names with an underscore are replaced anywhere: "value", "none", "national" and
#: "region" are ordinary words too, so the kinds "value" and "none" are replaced only as "a value target".
_PAGE_WORDS = sorted(
    [(kind.value, f"\u201c{kind.label}\u201d") for kind in TargetKind if "_" in kind.value]
    + [(c.value, c.label) for c in Comparator if "_" in c.value],
    key=lambda pair: -len(pair[0]),
)
_PLAIN_KINDS = {
    "a value target": f"an \u201c{TargetKind.VALUE.label}\u201d target",
    "a none target": f"a \u201c{TargetKind.NONE.label}\u201d target",
    "use value, ": f"use \u201c{TargetKind.VALUE.label}\u201d, ",
    " or none)": f" or \u201c{TargetKind.NONE.label}\u201d)",
    "'of'": "comparator",
}


def in_page_words(message: str) -> str:
    """A loader's problem as the KPI set page says it: the file's names for target kinds and comparators (which
    the page offers in words) replaced by those words, e.g. "a rank_at_most target needs a value" becomes "a
    \u201cRanked N or better among local authorities\u201d target needs a value"."""
    for code, words in _PAGE_WORDS:
        message = re.sub(rf"(?<![\w.]){re.escape(code)}(?![\w.])", words, message)
    for phrase, words in _PLAIN_KINDS.items():
        message = message.replace(phrase, words)
    return message


def _removed_snapshot(indicator: KpiIndicator) -> dict[str, Any]:
    """What the audit trail keeps of an indicator taken out of its set: its definition, targets and figures."""
    return {
        "key": indicator.key,
        **_indicator_snapshot(indicator),
        "year_targets": [t.year for t in indicator.year_targets.all()],
        "local_actuals": {str(a.year): _plain(a.value) for a in indicator.local_actuals.all()},
    }


def _save_changed(
    current: Any,
    values: Mapping[str, Any],
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    verb: str,
    reason: str,
    **who: Any,
) -> None:
    """Write the changed fields (``after``, from ``audit.changes``) of a locked row and audit the change."""
    for field in after:
        setattr(current, field, values[field])
    current.save(update_fields=list(after))
    audit.record(verb=verb, target=current, before=before, after=after, reason=reason, **who)


def _refuse(problems: list[tuple[str, str]]) -> None:
    """Raise the loader's problems as a ``ValidationError`` by field (the pages show each by its field), in the
    page's words (``in_page_words``)."""
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(in_page_words(message))
        raise ValidationError(errors)


def kpi_set_create(
    *, local_authority: LocalAuthority, name: str, version: str = "", notes: str = "", by: User
) -> KpiSet:
    """A new, empty KPI set for an authority, checked as the loader checks a file's name and version; audited."""
    name, version, notes = name.strip(), version.strip(), notes.strip()
    problems = check_kpi_set(name=name, version=version)
    if not problems and KpiSet.objects.filter(local_authority=local_authority, name=name).exists():
        problems.append(("name", f"{local_authority.name} already has a KPI set called {name!r}"))
    _refuse(problems)
    with transaction.atomic():
        kpi_set = KpiSet.objects.create(local_authority=local_authority, name=name, version=version, notes=notes)
        audit.record(
            verb="kpi_set.created",
            target=kpi_set,
            after={"local_authority": local_authority.code, "name": name, "version": version, "notes": notes},
            reason="made on the KPI set page",
            actor=by,
        )
    return kpi_set


def kpi_set_change(*, kpi_set: KpiSet, name: str, version: str = "", notes: str = "", by: User) -> KpiSet:
    """Change a set's name, version or notes, checked as the loader checks them; audited with before and after."""
    name, version, notes = name.strip(), version.strip(), notes.strip()
    problems = check_kpi_set(name=name, version=version)
    clash = KpiSet.objects.filter(local_authority=kpi_set.local_authority, name=name).exclude(pk=kpi_set.pk)
    if not problems and clash.exists():
        problems.append(("name", f"{kpi_set.local_authority.name} already has a KPI set called {name!r}"))
    _refuse(problems)
    with transaction.atomic():
        current = KpiSet.objects.select_for_update().get(pk=kpi_set.pk)
        wanted = {"name": name, "version": version, "notes": notes}
        before, after = audit.changes({f: getattr(current, f) for f in wanted}, wanted)
        if after:
            _save_changed(
                current, wanted, before, after, verb="kpi_set.updated", reason="changed on the KPI set page", actor=by
            )
    return current


def new_indicator_key(kpi_set: KpiSet, label: str) -> str:
    """A key for an indicator added on a page: its label in lower case with hyphens, made unique in the set."""
    from django.utils.text import slugify

    base = (slugify(label)[:54].strip("-_") or "indicator").lower()
    if not base[0].isalnum():
        base = f"i{base}"
    taken = set(kpi_set.indicators.values_list("key", flat=True))
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    return key


def kpi_indicator_save(
    *, kpi_set: KpiSet, definition: IndicatorDefinition, indicator: KpiIndicator | None = None, by: User
) -> KpiIndicator:
    """Add an indicator to a set (``indicator`` None) or change one, with its baseline and its target for every
    year or year by year. Checked by the loader's own rules (``check_indicator``, ``check_key_free``), raising
    ``ValidationError`` by field (year targets as ``targets.N.part``); written in one transaction, audited."""
    reason = "made on the KPI set page" if indicator is None else "changed on the KPI set page"
    who: dict[str, Any] = {"actor": by, "actor_name": ""}
    with transaction.atomic():
        taken = set(KpiSet.objects.select_for_update().get(pk=kpi_set.pk).indicators.values_list("key", flat=True))
        if indicator is not None:
            taken.discard(indicator.key)
            definition = dataclasses.replace(definition, key=indicator.key, order=indicator.order)
        else:
            order = (kpi_set.indicators.aggregate(last=models.Max("order"))["last"] or 0) + 1
            definition = dataclasses.replace(definition, order=order)
        problems = check_key_free(definition.key, taken) + check_indicator(definition)
        _refuse(problems)
        fields = definition.fields()
        key = fields.pop("key")
        if indicator is None:
            indicator = KpiIndicator.objects.create(kpi_set=kpi_set, key=key, **fields)
            audit.record(
                verb="kpi_indicator.created",
                target=indicator,
                after={"key": key, **_snapshot(fields)},
                reason=reason,
                **who,
            )
        else:
            current = KpiIndicator.objects.select_for_update().get(pk=indicator.pk)
            before, after = audit.changes(_indicator_snapshot(current), _snapshot(fields))
            if after:
                _save_changed(current, fields, before, after, verb="kpi_indicator.updated", reason=reason, **who)
            indicator = current
        _sync_targets(indicator, definition.targets, reason=reason, who=who, gone="taken off the page")
    return indicator


def kpi_indicator_remove(*, indicator: KpiIndicator, by: User) -> None:
    """Take an indicator out of its set, with its year targets and the figures entered for it; audited."""
    with transaction.atomic():
        current = KpiIndicator.objects.select_for_update().get(pk=indicator.pk)
        audit.record(
            verb="kpi_indicator.removed",
            target=current,
            before=_removed_snapshot(current),
            reason="removed on the KPI set page",
            actor=by,
        )
        current.delete()

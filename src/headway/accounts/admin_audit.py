"""Every change made through Django's admin is written to the audit trail, as the app's own pages are.

``AuditedModelAdmin`` is mixed into every ``ModelAdmin`` registered on Headway's admin site
(``headway.admin_site``), so a model registered later is audited without anyone remembering to.
Each event names who acted, the record, and the fields before and after; passwords are never copied.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models.fields.files import FieldFile
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest

from headway.accounts import audit
from headway.accounts.models import User

ADDED = "admin.added"
CHANGED = "admin.changed"
DELETED = "admin.deleted"

#: Fields whose values never go into the audit trail; only that they changed.
SECRET_FIELDS = frozenset({"password"})
HIDDEN = "(not recorded)"

_RECORDED = "_headway_admin_audited"


def _plain(value: Any) -> Any:
    """A value the audit trail's JSON can hold: files by name, binary content by size, the rest as text."""
    if value is None or isinstance(value, bool | int | float | str | dt.date | decimal.Decimal | list | dict):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return f"({len(bytes(value))} bytes)"
    if isinstance(value, FieldFile):
        return value.name or ""
    return str(value)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The record's stored fields and many-to-many links, as the audit trail keeps them."""
    state: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        value = field.value_from_object(obj)
        state[field.name] = HIDDEN if field.name in SECRET_FIELDS and value else _plain(value)
    if obj.pk is not None:
        for m2m in obj._meta.many_to_many:
            state[m2m.name] = sorted(str(pk) for pk in getattr(obj, m2m.name).values_list("pk", flat=True))
    return state


def stored(obj: models.Model) -> models.Model | None:
    """The record as it is in the database now (the admin form has already changed ``obj`` in memory)."""
    if obj.pk is None:
        return None
    return type(obj)._base_manager.filter(pk=obj.pk).first()


def _secret_changed(before: dict[str, Any], after_obj: models.Model, before_obj: models.Model | None) -> bool:
    return any(
        before_obj is not None and getattr(before_obj, name, None) != getattr(after_obj, name, None)
        for name in SECRET_FIELDS
        if name in before
    )


def _actor(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


def _recorded(request: HttpRequest) -> set[tuple[str, str]]:
    marks: set[tuple[str, str]] | None = getattr(request, _RECORDED, None)
    if marks is None:
        marks = set()
        setattr(request, _RECORDED, marks)
    return marks


def _key(obj: models.Model) -> tuple[str, str]:
    return (obj._meta.label_lower, str(obj.pk))


def _write(
    request: HttpRequest,
    *,
    verb: str,
    target: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str = "",
) -> None:
    audit.record(
        actor=_actor(request),
        actor_name="" if _actor(request) is not None else "admin",
        verb=verb,
        target=target,
        before=before,
        after=after,
        reason=reason or "Changed in the admin site.",
    )
    _recorded(request).add(_key(target))


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Writes each addition, change and deletion made through this admin to the audit trail."""

    _before_key = "_headway_admin_before"

    def _befores(self, request: HttpRequest) -> dict[tuple[str, str], tuple[models.Model | None, dict[str, Any]]]:
        befores: dict[tuple[str, str], tuple[models.Model | None, dict[str, Any]]] | None = getattr(
            request, self._before_key, None
        )
        if befores is None:
            befores = {}
            setattr(request, self._before_key, befores)
        return befores

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            old = stored(obj)
            self._befores(request)[_key(obj)] = (old, snapshot(old) if old is not None else {})
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        now = stored(obj) or obj
        after = snapshot(now)
        if not change:
            _write(request, verb=ADDED, target=obj, before=None, after=after)
            return
        old, before = self._befores(request).pop(_key(obj), (None, {}))
        old_values, new_values = audit.changes(before, after)
        if _secret_changed(before, now, old):
            old_values["password"], new_values["password"] = HIDDEN, "(changed)"
        _write(request, verb=CHANGED, target=obj, before=old_values, after=new_values)

    def save_formset(self, request: HttpRequest, form: ModelForm[Any], formset: Any, change: bool) -> None:
        # Deleted rows are recorded before they go (a deleted instance has no primary key afterwards);
        # changed rows are read from the database before the formset writes them.
        befores: dict[tuple[str, str], dict[str, Any]] = {}
        deleting = formset.deleted_forms if isinstance(formset, BaseFormSet) and formset.can_delete else []
        for inline_form in getattr(formset, "initial_forms", []):
            instance = inline_form.instance
            if instance.pk is None:
                continue
            if inline_form in deleting:
                _write(request, verb=DELETED, target=instance, before=snapshot(instance), after=None)
            elif inline_form.has_changed():
                old = stored(instance)
                if old is not None:
                    befores[_key(instance)] = snapshot(old)
        super().save_formset(request, form, formset, change)
        for instance in getattr(formset, "new_objects", []):
            _write(request, verb=ADDED, target=instance, before=None, after=snapshot(instance))
        for instance, _fields in getattr(formset, "changed_objects", []):
            old_values, new_values = audit.changes(befores.get(_key(instance), {}), snapshot(instance))
            _write(request, verb=CHANGED, target=instance, before=old_values, after=new_values)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _write(request, verb=DELETED, target=obj, before=snapshot(obj), after=None)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            _write(request, verb=DELETED, target=obj, before=snapshot(obj), after=None)
        super().delete_queryset(request, queryset)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        # Views that change a record without save_model (the user admin's "change password" form) still
        # log the change; record those here, once.
        if _key(obj) not in _recorded(request):
            _write(request, verb=CHANGED, target=obj, before=None, after=None, reason=_message_text(message))
        return super().log_change(request, obj, message)


def _message_text(message: Any) -> str:
    """The admin's change message in words ("Changed password."), whatever shape the admin gave it."""
    if isinstance(message, list):
        parts: list[str] = []
        for item in message:
            if isinstance(item, dict):
                for action, detail in item.items():
                    fields = ", ".join(detail.get("fields", [])) if isinstance(detail, dict) else ""
                    parts.append(f"{action} {fields}".strip())
            else:
                parts.append(str(item))
        return "; ".join(parts) or "Changed in the admin site."
    return str(message) or "Changed in the admin site."

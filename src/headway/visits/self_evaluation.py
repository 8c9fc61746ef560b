"""The school's pre-visit self-evaluation: the LA's form (``note_templates/self-evaluation.yaml``), completed
by the school's users before a visit and read by the officer preparing for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from headway.accounts import audit, permissions
from headway.accounts.models import User
from headway.visits.models import SelfEvaluation, Visit
from headway.visits.note_templates import SelfEvaluationForm, self_evaluation_form_named

NOT_APPLICABLE = "Not applicable"


class SelfEvaluationError(Exception):
    """The self-evaluation cannot be saved; the message says why."""


def clean_grades(form: SelfEvaluationForm, grades: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    unknown = set(grades) - {a.key for a in form.areas}
    if unknown:
        raise SelfEvaluationError(f"The form has no area(s) {', '.join(sorted(unknown))}.")
    cleaned = {}
    for area in form.areas:
        entry = grades.get(area.key) or {}
        grade = str(entry.get("grade", "") or "")
        allowed = set(form.grades) | ({NOT_APPLICABLE} if area.optional else set())
        if grade not in allowed:
            raise SelfEvaluationError(f"{area.label}: choose a grade.")
        cleaned[area.key] = {"grade": grade, "comment": str(entry.get("comment", "") or "").strip()}
    return cleaned


def self_evaluation_submit(
    *, visit: Visit, by: User, grades: Mapping[str, Mapping[str, str]], barriers: str = ""
) -> SelfEvaluation:
    """Save the school's self-evaluation for a planned visit (again, to change it). One transaction, audited."""
    if not permissions.can_complete_self_evaluation(by, visit):
        raise SelfEvaluationError("Only the school's own users can complete its self-evaluation before a visit.")
    form = self_evaluation_form_named()
    cleaned = clean_grades(form, grades)
    with transaction.atomic():
        existing = SelfEvaluation.objects.select_for_update().filter(visit=visit).first()
        before: dict[str, Any] = (
            {"grades": existing.grades, "barriers": existing.barriers} if existing is not None else {}
        )
        evaluation, created = SelfEvaluation.objects.update_or_create(
            visit=visit,
            defaults={
                "form_name": form.name,
                "grades": cleaned,
                "barriers": barriers.strip() if form.barriers else "",
                "submitted_by": by,
            },
        )
        old, new = audit.changes(before, {"grades": evaluation.grades, "barriers": evaluation.barriers})
        audit.record(
            actor=by,
            verb="self_evaluation.submitted" if created else "self_evaluation.changed",
            target=evaluation,
            before=old,
            after=new,
        )
    return evaluation


def self_grades_for(visit: Visit) -> dict[str, str]:
    """area -> the school's own grade for this visit ({} when there is no self-evaluation)."""
    evaluation = SelfEvaluation.objects.filter(visit=visit).first()
    if evaluation is None:
        return {}
    return {key: str(entry.get("grade", "")) for key, entry in evaluation.grades.items() if entry.get("grade")}


def graded_areas(evaluation: SelfEvaluation) -> list[dict[str, str]]:
    """The self-evaluation in the form's order, with labels."""
    form = self_evaluation_form_named(evaluation.form_name)
    return [
        {"key": area.key, "label": area.label, **evaluation.grades[area.key]}
        for area in form.areas
        if area.key in evaluation.grades
    ]

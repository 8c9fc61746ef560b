"""Reading inspections: each school's latest grade and how old it is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, OuterRef, QuerySet, Subquery

from headway.inspections.models import Framework, Inspection, OverallGrade, ReportCardGrade

M = TypeVar("M", bound=Model)


def graded_inspections() -> QuerySet[Inspection]:
    return Inspection.objects.filter(overall_effectiveness__isnull=False)


def with_latest_inspection(queryset: QuerySet[M]) -> QuerySet[M]:
    """Annotate establishments with their latest graded outcome and date, and latest inspection date."""
    graded = graded_inspections().filter(establishment=OuterRef("pk")).order_by("-start_date")
    latest = Inspection.objects.filter(establishment=OuterRef("pk")).order_by("-start_date")
    annotated: QuerySet[M] = queryset.annotate(
        latest_grade=Subquery(graded.values("overall_effectiveness")[:1]),
        latest_grade_label=Subquery(graded.values("overall_label")[:1]),
        latest_grade_category=Subquery(graded.values("category_of_concern")[:1]),
        latest_grade_date=Subquery(graded.values("start_date")[:1]),
        latest_inspection_date=Subquery(latest.values("start_date")[:1]),
        latest_inspection_framework=Subquery(latest.values("framework")[:1]),
    )
    return annotated


def age_in_months(since: dt.date, today: dt.date) -> int:
    months = (today.year - since.year) * 12 + (today.month - since.month)
    if today.day < since.day:
        months -= 1
    return max(months, 0)


def describe_age(months: int) -> str:
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} year{'s' if years != 1 else ''}")
    if rest or not years:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " ".join(parts)


@dataclass(frozen=True)
class LatestGrade:
    """A school's latest graded outcome: an overall grade (legacy frameworks) or report-card grades."""

    inspection: Inspection
    label: str
    months_old: int

    @property
    def age(self) -> str:
        return describe_age(self.months_old)


def outcome_label(inspection: Inspection) -> str:
    if inspection.framework == Framework.REPORT_CARD_2025:
        grades = [j.grade for j in inspection.judgements.all()]
        if not grades:
            return "Report card"
        worst = ReportCardGrade(min(grades)).label
        safeguarding = {True: "safeguarding met", False: "safeguarding not met", None: ""}[inspection.safeguarding_met]
        return f"Report card: lowest area {str(worst).lower()}" + (f", {safeguarding}" if safeguarding else "")
    if inspection.overall_effectiveness is None:
        return "No overall grade"
    label = inspection.overall_label or str(OverallGrade(inspection.overall_effectiveness).label)
    if inspection.category_of_concern:
        label += f" ({inspection.get_category_of_concern_display().lower()})"
    return label


def latest_grade(establishment_id: int, *, today: dt.date) -> LatestGrade | None:
    """The most recent inspection that gave a grade (overall grade, or report-card grades)."""
    for inspection in (
        Inspection.objects.filter(establishment_id=establishment_id)
        .prefetch_related("judgements")
        .order_by("-start_date")
    ):
        if inspection.overall_effectiveness is not None or (
            inspection.framework == Framework.REPORT_CARD_2025 and inspection.judgements.all()
        ):
            return LatestGrade(inspection, outcome_label(inspection), age_in_months(inspection.start_date, today))
    return None


def inspection_history(establishment_id: int) -> QuerySet[Inspection]:
    return Inspection.objects.filter(establishment_id=establishment_id).prefetch_related("judgements")


@dataclass(frozen=True)
class WindowList:
    """The weekly list officers review: schools whose next inspection's window is open (overdue first), and
    those whose window opens within the coming weeks."""

    as_of: dt.date
    weeks: int
    open_now: list[Any]
    opening_soon: list[Any]
    no_window: list[Any]


def inspection_window_list(local_authority: Any, *, as_of: dt.date, weeks: int = 4) -> WindowList:
    from headway.inspections.standing import standings
    from headway.schools.models import Establishment

    schools = list(
        Establishment.objects.filter(local_authority=local_authority, status__istartswith="open").order_by("name")
    )
    found = standings(schools, as_of=as_of)
    horizon = as_of + dt.timedelta(weeks=weeks)
    open_now = sorted(
        (s for s in found.values() if s.in_window),
        key=lambda s: (s.window.closes if s.window and s.window.closes else dt.date.max, s.name),
    )
    opening_soon = sorted(
        (
            s
            for s in found.values()
            if not s.in_window and s.window is not None and s.window.opens is not None and s.window.opens <= horizon
        ),
        key=lambda s: (s.window.opens if s.window and s.window.opens else dt.date.max, s.name),
    )
    no_window = sorted((s for s in found.values() if s.window is None or s.window.opens is None), key=lambda s: s.name)
    return WindowList(as_of, weeks, open_now, opening_soon, no_window)

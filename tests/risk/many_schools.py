"""Many schools with every kind of evidence a round and a visit plan read, for tests that the number of
queries does not grow with the number of schools."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from headway.accounts.models import User
from headway.imports.models import ImportRun
from headway.inspections.models import Framework, Inspection, InspectionKind, Judgement, Source
from headway.performance.models import SchoolResult
from headway.risk.models import OfficerJudgement
from headway.schools.models import Establishment, EstablishmentLink, Governance, LocalAuthority, LocalEvidenceValue
from tests.factories import EstablishmentFactory, InspectionFactory

#: Kinds of school, each with different evidence; ``schools(n)`` makes n of every kind.
KINDS = ("graded", "inherits", "report_card", "judged_by_officers", "results", "never_inspected")
D = dt.date


def _results_run() -> ImportRun:
    now = timezone.now()
    run, _ = ImportRun.objects.get_or_create(
        kind="performance", file_name="ks2.csv", sha256="0" * 64, actor_name="test", started_at=now, finished_at=now
    )
    return run


def schools(authority: LocalAuthority, n: int, *, officer: User, prefix: str) -> list[Establishment]:
    """``n`` schools of every kind in ``KINDS`` (open, of the authority), named ``prefix`` and a number."""
    made: list[Establishment] = []
    for i in range(n):
        for kind in KINDS:
            school = EstablishmentFactory(
                local_authority=authority,
                name=f"{prefix} {kind} {i}",
                governance=Governance.ACADEMY if kind == "inherits" else Governance.MAINTAINED,
                phase="Secondary" if kind == "report_card" else "Primary",
                sixth_form="Has a sixth form" if kind == "report_card" else "Does not have a sixth form",
                open_date=D(2020, 9, 1),
            )
            made.append(school)
            if kind == "graded":
                InspectionFactory(establishment=school, start_date=D(2016, 3, 1), overall_effectiveness=3)
                latest = InspectionFactory(establishment=school, start_date=D(2021, 3, 1), overall_effectiveness=3)
                Judgement.objects.create(inspection=latest, area="Quality of education", scale="four_point", grade=3)
            elif kind == "inherits":
                predecessor = EstablishmentFactory(
                    local_authority=authority, name=f"{prefix} predecessor {i}", status="Closed"
                )
                InspectionFactory(establishment=predecessor, start_date=D(2019, 5, 1), overall_effectiveness=4)
                EstablishmentLink.objects.create(urn=school.urn, linked_urn=predecessor.urn, link_type="Predecessor")
            elif kind == "report_card":
                card = Inspection.objects.create(
                    establishment=school,
                    start_date=D(2025, 12, 1),
                    framework=Framework.REPORT_CARD_2025,
                    kind=InspectionKind.REPORT_CARD,
                    source=Source.OFSTED_MI,
                    safeguarding_met=True,
                )
                for area, grade in (("Leadership and governance", 2), ("Achievement", 3)):
                    Judgement.objects.create(inspection=card, area=area, scale="report_card", grade=grade)
            elif kind == "judged_by_officers":
                InspectionFactory(establishment=school, start_date=D(2022, 1, 10), overall_effectiveness=2)
                for judgement_kind, value in (("capacity_to_improve", "C"), ("leadership_concern", "yes")):
                    OfficerJudgement.objects.create(
                        establishment=school,
                        kind=judgement_kind,
                        value=value,
                        made_on=D(2025, 10, 1),
                        author=officer,
                        reason="Seen at a visit",
                    )
                LocalEvidenceValue.objects.create(
                    establishment=school,
                    name="la_rag_rating",
                    value="red",
                    recorded_on=D(2025, 10, 1),
                    recorded_by=officer,
                    reason="Moderation",
                )
            elif kind == "results":
                InspectionFactory(establishment=school, start_date=D(2018, 6, 1), overall_effectiveness=2)
                for measure, value, upper in (
                    ("ks2.rwm_exp", "40", None),
                    ("ks2.read_prog", "-6", "-4.1"),
                    ("ks2.mat_prog", "-3", "0.5"),
                ):
                    SchoolResult.objects.create(
                        urn=school.urn,
                        year=2024,
                        measure=measure,
                        value=Decimal(value),
                        upper=Decimal(upper) if upper else None,
                        source_import=_results_run(),
                    )
    return made


@dataclass(frozen=True)
class Queries:
    """The statements run: those that write (INSERT, UPDATE, DELETE), and the rest (reads, savepoints)."""

    writes: int
    others: int


WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def counted() -> Iterator[Callable[[], Queries]]:
    """The queries run inside the block (call the yielded function after it)."""
    with CaptureQueriesContext(connection) as captured:

        def queries() -> Queries:
            writes = sum(1 for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(WRITES))
            return Queries(writes=writes, others=len(captured.captured_queries) - writes)

        yield queries


def assert_no_growth(few: Queries, many: Queries, more_schools: int) -> None:
    """``many`` (for ``more_schools`` more schools than ``few``) ran the same reads, and its writes are bulk
    ones. Django writes about a hundred rows a statement on SQLite (a school's ten visits are a tenth of one), so
    writes may grow by a few, but never by one a school (fewer than one for every two more schools)."""
    assert many.others == few.others, (few, many)
    assert few.writes <= many.writes < few.writes + more_schools / 2, (few, many)

"""Building and rebuilding a visit plan reads and writes every school at once: the number of queries is the
same for 18 schools as for 54 (so a region's or England's plan costs no more queries than one LA's), and the
plan each school gets is the one it got when schools were planned one at a time."""

from __future__ import annotations

import datetime as dt

import pytest

from headway.accounts.models import Role, User
from headway.concerns.models import SchoolCausingConcern, StatementOfAction
from headway.inspections.models import Inspection
from headway.risk.evidence import gather_evidence
from headway.risk.policy import policy_named
from headway.risk.services import proposal_override, round_confirm_all, round_run
from headway.schools.models import Establishment, LinkOfficerAssignment, LocalAuthority
from headway.visits.calendar import bank_holidays, fortnightly_dates
from headway.visits.entitlements import entitlements_named, visit_entitlement
from headway.visits.models import Circumstance, NoteOfVisit, SelfEvaluation, Visit
from headway.visits.planning import PlanResult, circumstances_in_year, visit_plan_build
from tests.factories import LocalAuthorityFactory, UserFactory
from tests.risk.many_schools import Queries, assert_no_growth, counted, schools

BARNET = policy_named("barnet-2020")
ENTITLEMENTS = entitlements_named("barnet-2020")
D = dt.date
BEFORE_THE_YEAR = D(2025, 8, 1)
IN_THE_AUTUMN = D(2025, 10, 1)


@pytest.fixture
def barnet(db: None) -> LocalAuthority:
    authority: LocalAuthority = LocalAuthorityFactory(code="302", name="Barnet")
    return authority


@pytest.fixture
def officers(barnet: LocalAuthority) -> dict[str, User]:
    return {
        "lead": UserFactory(username="lead.officer", role=Role.LA_ADMIN, local_authority=barnet),
        "link": UserFactory(username="link.officer", role=Role.LA_OFFICER, local_authority=barnet),
    }


def categorised(barnet: LocalAuthority, officers: dict[str, User], n: int, prefix: str) -> list[Establishment]:
    """``n`` schools of every kind, categorised and confirmed; graded ones in 4b with a statement of action
    (8 visits), half with a link officer, one in three with a new head from November."""
    lead = officers["lead"]
    establishments = schools(barnet, n, officer=lead, prefix=prefix)
    categorisation_round = round_run(
        local_authority=barnet,
        policy=BARNET,
        as_of=D(2025, 6, 1),
        by=lead,
        with_risk=False,
        establishments=establishments,
    )
    round_confirm_all(categorisation_round=categorisation_round, by=lead)
    for proposal in categorisation_round.proposals.select_related("establishment", "round"):
        if " graded " in proposal.establishment.name:  # decided after the confirmation: the latest decision
            proposal_override(proposal=proposal, policy=BARNET, category="4b", by=lead, reason="Special measures")
    for i, school in enumerate(establishments):
        if " graded " in school.name:
            concern = SchoolCausingConcern.objects.create(establishment=school, designated_on=D(2021, 4, 1))
            StatementOfAction.objects.create(
                concern=concern,
                inspection=Inspection.objects.filter(establishment=school).latest("start_date"),
                category="SM",
                due_on=D(2021, 4, 20),
                visits_per_year=8,
                recorded_by=lead,
            )
        if i % 2:
            LinkOfficerAssignment.objects.create(
                officer=officers["link"], establishment=school, starts_on=D(2025, 7, 1)
            )
        if i % 3 == 0:
            Circumstance.objects.create(
                establishment=school, kind="new_or_acting_head", starts_on=D(2025, 11, 5), recorded_by=lead
            )
    return establishments


def build(
    barnet: LocalAuthority, officers: dict[str, User], establishments: list[Establishment], today: dt.date
) -> PlanResult:
    return visit_plan_build(
        local_authority=barnet, start_year=2025, today=today, by=officers["lead"], establishments=establishments
    )


def write_on_visits(establishments: list[Establishment], officer: User) -> None:
    """A note of visit on each school's second visit, a self-evaluation on its third; the first is done."""
    for school in establishments:
        visits = list(Visit.objects.filter(establishment=school).order_by("planned_on"))
        if len(visits) < 3:
            continue
        visits[0].status = Visit.Status.DONE
        visits[0].save(update_fields=["status"])
        NoteOfVisit.objects.create(visit=visits[1], template_name="standard", author=officer)
        SelfEvaluation.objects.create(visit=visits[2], form_name="standard", submitted_by=officer)


def measured(
    barnet: LocalAuthority, officers: dict[str, User], establishments: list[Establishment]
) -> tuple[Queries, Queries]:
    """Queries to build the plan before the year, and to rebuild it in the autumn."""
    with counted() as building:
        build(barnet, officers, establishments, BEFORE_THE_YEAR)
    write_on_visits(establishments, officers["link"])
    with counted() as rebuilding:
        build(barnet, officers, establishments, IN_THE_AUTUMN)
    return building(), rebuilding()


def test_the_queries_of_a_plan_and_its_rebuild_do_not_grow_with_schools(
    barnet: LocalAuthority, officers: dict[str, User]
) -> None:
    measured(barnet, officers, categorised(barnet, officers, 1, "Warm-up"))  # the year's calendar is written
    few = categorised(barnet, officers, 3, "Few")
    many = categorised(barnet, officers, 9, "Many")
    assert len(many) == 3 * len(few)
    few_building, few_rebuilding = measured(barnet, officers, few)
    many_building, many_rebuilding = measured(barnet, officers, many)
    assert_no_growth(few_building, many_building, len(many) - len(few))
    assert_no_growth(few_rebuilding, many_rebuilding, len(many) - len(few))


def test_every_school_gets_its_entitlement_and_a_rebuild_keeps_what_was_written(
    barnet: LocalAuthority, officers: dict[str, User]
) -> None:
    establishments = categorised(barnet, officers, 2, "School")
    result = build(barnet, officers, establishments, BEFORE_THE_YEAR)
    plans = {plan.establishment.pk: plan for plan in result.schools}
    assert set(plans) == {school.pk for school in establishments}
    for i, school in enumerate(establishments):
        plan = plans[school.pk]
        visits = list(Visit.objects.filter(establishment=school))
        assert len(visits) == plan.entitlement.visits == plan.created
        assert {v.officer for v in visits} == {officers["link"] if i % 2 else None}
        assert plan.officer == (officers["link"] if i % 2 else None)
        if " graded " in school.name:  # 4b: the statement of action's 8 visits, not the policy's 12
            assert plan.category == "4b" and plan.entitlement.base_visits == 8
        new_head = [v for v in visits if v.purpose == "New or acting headteacher"]
        assert len(new_head) == (2 if i % 3 == 0 else 0)
        assert all(v.planned_on >= D(2025, 11, 5) for v in new_head)
        # the plan reads only the evidence the entitlements' overrides need, and comes to what all of it gives
        expected = visit_entitlement(
            ENTITLEMENTS,
            category=plan.category,
            evidence=gather_evidence([school], as_of=BEFORE_THE_YEAR)[school.pk],
            circumstances=[c.kind for c in circumstances_in_year(school, result.academic_year)],
            fortnights=len(
                fortnightly_dates(list(result.academic_year.half_terms.all()), holidays=bank_holidays(2025))
            ),
            statement_of_action_visits=8 if " graded " in school.name else None,
        )
        assert plan.entitlement == expected

    write_on_visits(establishments, officers["link"])
    written = {
        *NoteOfVisit.objects.values_list("visit_id", flat=True),
        *SelfEvaluation.objects.values_list("visit_id", flat=True),
        *Visit.objects.filter(status=Visit.Status.DONE).values_list("id", flat=True),
    }
    before = {
        school.pk: sorted(Visit.objects.filter(establishment=school).values_list("planned_on", "purpose"))
        for school in establishments
    }
    again = build(barnet, officers, establishments, IN_THE_AUTUMN)
    assert written <= set(Visit.objects.values_list("id", flat=True))  # kept, though some are after today
    after = {
        school.pk: sorted(Visit.objects.filter(establishment=school).values_list("planned_on", "purpose"))
        for school in establishments
    }
    assert after == before  # nothing changed, so the rebuild plans the same dates
    assert again.summary() == result.summary()
    assert sum(p.removed for p in again.schools) == sum(p.created for p in again.schools)

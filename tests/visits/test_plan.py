"""The visit plan on real schools: every categorised school gets its entitlement (per category, per override
and per extra-visit circumstance, in the right half-terms), a rebuild keeps what officers did, and changes
need reasons and are audited."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from headway.accounts.models import AuditEvent, Role, User
from headway.risk.evidence import gather_evidence
from headway.risk.policy import policy_named
from headway.risk.selectors import current_decision
from headway.risk.services import proposal_override, round_run
from headway.schools.models import Establishment, LocalAuthority
from headway.schools.services import link_officer_assign
from headway.visits.calendar import bank_holidays, fortnightly_dates
from headway.visits.entitlements import entitlements_named, visit_entitlement
from headway.visits.models import HalfTerm, Visit
from headway.visits.planning import (
    circumstance_record,
    circumstances_in_year,
    visit_add,
    visit_cancel,
    visit_mark_done,
    visit_move,
    visit_plan_build,
)
from tests.factories import UserFactory
from tests.helpers import FIXTURES, DateBoxesClient, load

BARNET = policy_named("hampshire-2022")  # Barnet's 2020 policy, adopted by Hampshire (data/demo/config)
ENTITLEMENTS = entitlements_named("hampshire-2022")
BEFORE_THE_YEAR = dt.date(2025, 8, 1)
D = dt.date

#: Real Hampshire schools and the category an officer gives each (None: left uncategorised).
CATEGORIES: dict[int, str | None] = {
    115850: "1",  # maintained primary
    115851: "2",
    115852: "3",
    115853: "4a",
    115854: "4b",
    115855: "2",  # made a pupil referral unit below
    115857: "1",  # new head from January
    115858: None,
    116234: "1",  # maintained all-through, given a sixth form below
    136447: "1",  # academy
    137403: "2",  # academy
    137422: "3",  # academy causing concern: no keeping-in-touch override
}


def categorise(officer: User, categories: dict[int, str | None]) -> None:
    hampshire = LocalAuthority.objects.get(code="850")
    schools = list(Establishment.objects.filter(urn__in=categories).order_by("urn"))
    categorisation_round = round_run(
        local_authority=hampshire,
        policy=BARNET,
        as_of=D(2025, 6, 1),
        by=officer,
        with_risk=False,
        establishments=schools,
    )
    for proposal in categorisation_round.proposals.select_related("establishment", "round"):
        category = categories[proposal.establishment.urn]
        if category is not None:
            proposal_override(
                proposal=proposal, policy=BARNET, category=category, by=officer, reason="Agreed at moderation"
            )


@pytest.fixture
def hampshire(db: None) -> LocalAuthority:
    result = load("gias", FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv")
    assert not result.rejected, result.errors
    Establishment.objects.filter(urn=115855).update(type_name="Pupil referral unit")
    Establishment.objects.filter(urn=116234).update(sixth_form="Has a sixth form")
    return LocalAuthority.objects.get(code="850")


@pytest.fixture
def officers(hampshire: LocalAuthority) -> dict[str, User]:
    lead = UserFactory(username="lead.officer", role=Role.LA_ADMIN, local_authority=hampshire)
    link = UserFactory(username="link.officer", role=Role.LA_OFFICER, local_authority=hampshire)
    return {"lead": lead, "link": link}


@pytest.fixture
def plan(officers: dict[str, User]) -> dict[str, Any]:
    lead, link = officers["lead"], officers["link"]
    categorise(lead, CATEGORIES)
    for urn in (115850, 115851, 115852, 115853):
        link_officer_assign(
            establishment=Establishment.objects.get(urn=urn),
            officer=link,
            by=lead,
            reason="Caseload",
            starts_on=D(2025, 7, 1),
        )
    link_officer_assign(
        establishment=Establishment.objects.get(urn=115854),
        officer=lead,
        by=lead,
        reason="Lead",
        starts_on=D(2025, 7, 1),
    )
    circumstance_record(
        establishment=Establishment.objects.get(urn=115857),
        kind="new_or_acting_head",
        starts_on=D(2026, 1, 10),
        by=lead,
        note="Headteacher retires at Christmas",
    )
    result = visit_plan_build(
        local_authority=LocalAuthority.objects.get(code="850"), start_year=2025, today=BEFORE_THE_YEAR, by=lead
    )
    return {"result": result, "year": result.academic_year}


def visits_of(urn: int) -> list[Visit]:
    return list(
        Visit.objects.filter(establishment__urn=urn).exclude(status=Visit.Status.CANCELLED).order_by("planned_on")
    )


def per_half_term(urn: int) -> list[int]:
    half_terms = list(HalfTerm.objects.filter(academic_year__start_year=2025).order_by("number"))
    visits = visits_of(urn)
    return [sum(1 for v in visits if h.starts_on <= v.planned_on <= h.ends_on) for h in half_terms]


@pytest.mark.parametrize(
    ("urn", "spread", "purpose"),
    [
        (115850, [1, 0, 0, 1, 0, 0], "School effectiveness visit"),  # 1: two a year
        (115851, [1, 1, 1, 1, 1, 1], "School effectiveness visit"),  # 2: half-termly
        (115852, [1, 1, 1, 1, 1, 1], "School effectiveness visit"),  # 3: six a year
        (115853, [4, 4, 3, 3, 3, 4], "School effectiveness visit"),  # 4a: a fortnight of term time
        (115854, [2, 2, 2, 2, 2, 2], "School effectiveness visit"),  # 4b: statement of action's default 12
        (115855, [1, 0, 0, 1, 0, 0], "School effectiveness visit"),  # pupil referral unit: 2
        (116234, [1, 0, 1, 0, 1, 0], "School effectiveness visit"),  # maintained, sixth form: 3
        (136447, [1, 0, 0, 0, 0, 0], "Keeping-in-touch visit (offered)"),  # academy, 1: offered 1
        (137403, [1, 0, 0, 0, 0, 0], "Keeping-in-touch visit (offered)"),  # academy, 2: offered 1
        (137422, [1, 1, 1, 1, 1, 1], "School effectiveness visit"),  # academy causing concern: 6
    ],
)
def test_each_category_gets_its_entitlement_in_the_right_half_terms(
    plan: dict[str, Any], urn: int, spread: list[int], purpose: str
) -> None:
    assert per_half_term(urn) == spread
    assert {v.purpose for v in visits_of(urn)} == {purpose}
    assert {v.category for v in visits_of(urn)} == {CATEGORIES[urn]}


def test_fortnightly_visits_are_fourteen_days_apart_within_each_half_term(plan: dict[str, Any]) -> None:
    dates = [v.planned_on for v in visits_of(115853)]
    assert dates[:4] == [D(2025, 9, 1), D(2025, 9, 15), D(2025, 9, 29), D(2025, 10, 13)]
    assert dates[4] == D(2025, 11, 3)  # starts again after the October break
    half_terms = list(plan["year"].half_terms.order_by("number"))
    assert len(dates) == len(fortnightly_dates(half_terms, holidays=bank_holidays(2025))) == 21


def test_every_categorised_school_gets_exactly_its_entitlement_on_working_days(plan: dict[str, Any]) -> None:
    half_terms = list(plan["year"].half_terms.order_by("number"))
    holidays = bank_holidays(2025)
    planned = [p.establishment.urn for p in plan["result"].schools]
    assert sorted(planned) == sorted(urn for urn, category in CATEGORIES.items() if category)
    schools = list(Establishment.objects.filter(urn__in=planned))
    evidence = gather_evidence(schools, as_of=BEFORE_THE_YEAR)
    for school in schools:
        decision = current_decision(school)
        assert decision is not None
        entitlement = visit_entitlement(
            ENTITLEMENTS,
            category=decision.category,
            evidence=evidence[school.pk],
            circumstances=[c.kind for c in circumstances_in_year(school, plan["year"])],
            fortnights=21,
        )
        visits = visits_of(school.urn)
        assert len(visits) == entitlement.visits, school
        for visit in visits:
            assert visit.planned_on.weekday() < 5 and visit.planned_on not in holidays
            assert any(h.starts_on <= visit.planned_on <= h.ends_on for h in half_terms)
    open_schools = Establishment.objects.filter(local_authority__code="850", status__istartswith="open")
    assert {s.urn for s in plan["result"].not_categorised} == {s.urn for s in open_schools if not CATEGORIES.get(s.urn)}
    assert 115858 in {s.urn for s in plan["result"].not_categorised}
    assert not Visit.objects.filter(establishment__urn=115858).exists()
    assert not Visit.objects.filter(establishment__status__istartswith="closed").exists()


def test_a_new_head_adds_two_visits_from_the_half_term_they_start(plan: dict[str, Any]) -> None:
    visits = visits_of(115857)
    extra = [v for v in visits if v.purpose == "New or acting headteacher"]
    assert len(visits) == 4
    assert per_half_term(115857) == [1, 0, 1, 2, 0, 0]
    assert all(v.planned_on >= D(2026, 1, 10) for v in extra)
    assert D(2026, 1, 10) <= extra[0].planned_on <= D(2026, 2, 13)  # spring 1
    assert D(2026, 2, 23) <= extra[1].planned_on <= D(2026, 3, 27)  # spring 2


@pytest.mark.parametrize("kind", sorted(ENTITLEMENTS.extra_visits))
def test_each_extra_visit_circumstance_adds_its_visits(officers: dict[str, User], kind: str) -> None:
    lead = officers["lead"]
    categorise(lead, {115851: "2"})
    school = Establishment.objects.get(urn=115851)
    circumstance_record(establishment=school, kind=kind, starts_on=D(2025, 11, 5), by=lead)
    visit_plan_build(
        local_authority=school.local_authority, start_year=2025, today=BEFORE_THE_YEAR, by=lead, establishments=[school]
    )
    extra = ENTITLEMENTS.extra_visits[kind]
    visits = visits_of(115851)
    added = [v for v in visits if v.purpose == extra.label]
    assert len(visits) == 6 + extra.visits
    assert len(added) == extra.visits
    assert added[0].planned_on >= D(2025, 11, 5) and added[0].planned_on <= D(2025, 12, 19)  # autumn 2 onwards
    assert len({v.planned_on for v in visits}) == len(visits)  # never two visits the same day


def test_a_circumstance_that_ended_before_the_year_adds_nothing(officers: dict[str, User]) -> None:
    lead = officers["lead"]
    categorise(lead, {115851: "2"})
    school = Establishment.objects.get(urn=115851)
    circumstance_record(
        establishment=school, kind="critical_incident", starts_on=D(2025, 1, 5), ends_on=D(2025, 3, 1), by=lead
    )
    visit_plan_build(
        local_authority=school.local_authority, start_year=2025, today=BEFORE_THE_YEAR, by=lead, establishments=[school]
    )
    assert len(visits_of(115851)) == 6


def test_rebuild_keeps_done_moved_added_and_cancelled_visits(plan: dict[str, Any], officers: dict[str, User]) -> None:
    link = officers["link"]
    visits = visits_of(115852)  # six, one a half-term
    done = visit_mark_done(visit=visits[0], by=link)
    moved = visit_move(visit=visits[2], planned_on=D(2026, 1, 7), by=link, reason="Head asked for an earlier date")
    cancelled = visit_cancel(visit=visits[4], by=link, reason="Replaced by a joint review")
    added = visit_add(
        establishment=moved.establishment, planned_on=D(2026, 3, 3), purpose="Joint review", by=link, reason="Ofsted"
    )
    untouched = {v.planned_on for v in (visits[1], visits[3], visits[5])}
    result = visit_plan_build(
        local_authority=LocalAuthority.objects.get(code="850"), start_year=2025, today=D(2025, 10, 1), by=link
    )
    after = list(Visit.objects.filter(establishment__urn=115852).order_by("planned_on"))
    assert {v.pk for v in after} >= {done.pk, moved.pk, cancelled.pk, added.pk}
    assert Visit.objects.get(pk=moved.pk).planned_on == D(2026, 1, 7)
    assert Visit.objects.get(pk=cancelled.pk).status == Visit.Status.CANCELLED
    generated_planned = [v for v in after if v.generated and not v.moved_by_hand and v.status == "planned"]
    assert {v.planned_on for v in generated_planned} == untouched  # the cancelled slot is not put back
    assert len([v for v in after if v.status != "cancelled"]) == 6  # 5 of the plan + 1 added by hand
    assert result.summary()["by_category"]["3"]["visits"] >= 6
    # A second rebuild changes nothing.
    again = visit_plan_build(
        local_authority=LocalAuthority.objects.get(code="850"), start_year=2025, today=D(2025, 10, 1), by=link
    )
    assert sorted(v.planned_on for v in Visit.objects.filter(establishment__urn=115852)) == sorted(
        v.planned_on for v in after
    )
    assert again.summary() == result.summary()


def test_a_recategorised_school_is_replanned_from_today(plan: dict[str, Any], officers: dict[str, User]) -> None:
    categorise(officers["lead"], {115850: "3"})  # was 1 (two a year)
    visit_plan_build(
        local_authority=LocalAuthority.objects.get(code="850"),
        start_year=2025,
        today=D(2025, 10, 1),
        by=officers["lead"],
    )
    # The autumn 1 visit (1 October or later is kept as it is past or matched), the rest follow category 3.
    assert per_half_term(115850) == [1, 1, 1, 1, 1, 1]


def test_moves_and_cancellations_need_a_reason_and_are_audited(plan: dict[str, Any], officers: dict[str, User]) -> None:
    link = officers["link"]
    visit = visits_of(115851)[1]
    with pytest.raises(ValueError, match="reason"):
        visit_move(visit=visit, planned_on=D(2025, 11, 20), by=link, reason="  ")
    with pytest.raises(ValueError, match="reason"):
        visit_cancel(visit=visit, by=link, reason="")
    with pytest.raises(ValueError, match="reason"):
        visit_add(establishment=visit.establishment, planned_on=D(2025, 11, 20), purpose="x", by=link, reason="")
    assert Visit.objects.get(pk=visit.pk).planned_on == visit.planned_on
    visit_move(visit=visit, planned_on=D(2025, 11, 20), by=link, reason="Governors' meeting clash")
    event = AuditEvent.objects.get(verb="visit.moved")
    assert event.actor == link and event.reason == "Governors' meeting clash"
    assert event.after == {"planned_on": "2025-11-20"}
    assert AuditEvent.objects.filter(verb="visit_plan.built").exists()


def test_visits_plan_command_prints_the_json_summary(officers: dict[str, User], capsys: Any) -> None:
    categorise(officers["lead"], CATEGORIES)
    link_officer_assign(
        establishment=Establishment.objects.get(urn=115851),
        officer=officers["link"],
        by=officers["lead"],
        reason="Caseload",
        starts_on=D(2025, 7, 1),
    )
    call_command("visits", "plan", "--la", "850", "--year", "2025", "--as-of", "2025-08-01", "--json")
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(summary) == {"schools", "visits", "by_category", "by_officer"}
    assert summary["schools"] == 11
    assert summary["by_category"]["4a"] == {"schools": 1, "visits": 21}
    assert summary["by_category"]["4b"] == {"schools": 1, "visits": 12}
    assert summary["by_officer"]["link.officer"] == {"schools": 1, "visits": 6}
    assert summary["by_officer"]["unassigned"]["schools"] == 10
    assert summary["visits"] == Visit.objects.count()
    assert sum(row["visits"] for row in summary["by_category"].values()) == summary["visits"]
    # Rebuilding gives the same answer.
    call_command("visits", "plan", "--la", "850", "--year", "2025", "--as-of", "2025-08-01", "--json")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == summary


# Pages: who sees what ---------------------------------------------------------------------------------------


def client_for(user: User) -> Client:
    client = DateBoxesClient()
    client.force_login(user)
    return client


def test_visit_pages_follow_the_access_rules(plan: dict[str, Any], officers: dict[str, User]) -> None:
    link, lead = officers["link"], officers["lead"]
    school = Establishment.objects.get(urn=115852)
    visit = Visit.objects.filter(establishment=school).first()
    assert visit is not None
    officer = client_for(link)
    page = officer.get("/visits/?year=2025")
    assert page.status_code == 200 and b"My schools" in page.content and b"Balksbury" in page.content
    page = officer.get(f"/visits/schools/{school.urn}/")
    assert page.status_code == 200 and b"Change" in page.content
    assert officer.get("/visits/capacity/").status_code == 403  # the head of service's view
    assert client_for(lead).get("/visits/capacity/?year=2025").status_code == 200
    assert client_for(lead).get("/visits/calendar/?year=2025").status_code == 200
    moved = officer.post(f"/visits/{visit.pk}/change/", {"action": "move", "planned_on": "20/11/2025", "reason": ""})
    assert moved.status_code == 200 and b"Enter the reason" in moved.content
    moved = officer.post(
        f"/visits/{visit.pk}/change/", {"action": "move", "planned_on": "20/11/2025", "reason": "Clash"}
    )
    assert moved.status_code == 302
    assert Visit.objects.get(pk=visit.pk).planned_on == dt.date(2025, 11, 20)

    head = UserFactory(username="head.balksbury", role=Role.SCHOOL_USER)
    head.schools.set([school])
    own = client_for(head).get(f"/visits/schools/{school.urn}/")
    assert own.status_code == 200 and b"Change" not in own.content and b"Add a visit" not in own.content
    assert client_for(head).get("/visits/schools/115851/").status_code == 404
    assert client_for(head).get("/visits/").status_code == 403
    assert client_for(head).post(f"/visits/{visit.pk}/change/", {"action": "cancel", "reason": "x"}).status_code == 404

    board = UserFactory(username="board", role=Role.BOARD_MEMBER, local_authority=school.local_authority)
    assert client_for(board).get(f"/visits/schools/{school.urn}/").status_code == 403
    other = UserFactory(
        username="barnet.officer",
        role=Role.LA_OFFICER,
        local_authority=LocalAuthority.objects.create(code="302", name="Barnet"),
    )
    assert client_for(other).get(f"/visits/schools/{school.urn}/").status_code == 404
    assert client_for(other).get(f"/visits/{visit.pk}/change/").status_code == 404


def test_a_recorded_statement_of_action_sets_the_visits_of_category_4b() -> None:
    policy = entitlements_named("barnet-2020")
    default = visit_entitlement(policy, category="4b", evidence={}, circumstances=[])
    assert default.base_visits == 12
    assert "until one is recorded" in default.reasons[0]
    set_by_statement = visit_entitlement(
        policy, category="4b", evidence={}, circumstances=[], statement_of_action_visits=8
    )
    assert set_by_statement.base_visits == 8
    assert set_by_statement.reasons[0] == "Category 4b: 8 visits a year, as the LA's statement of action sets"
    # Only the statement-of-action category reads it.
    assert (
        visit_entitlement(policy, category="1", evidence={}, circumstances=[], statement_of_action_visits=8).base_visits
        == 2
    )

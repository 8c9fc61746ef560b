"""The review group's pack and the board's termly summary as PDFs (built uncompressed here so the text can be
found in the bytes)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from headway.concerns import services
from headway.concerns.models import ActionPlan, SchoolCausingConcern
from headway.concerns.pdf import board_summary_pdf, review_group_pack_pdf
from headway.concerns.selectors import board_summary
from headway.reports.pdf_text import latin1
from headway.risk.models import CategorisationRound, CategoryDecision, CategoryProposal
from tests.concerns.world import World, designated, make_world, meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def pdf_text(pdf: bytes) -> str:
    """The text an uncompressed fpdf2 PDF shows, line after line (a wrapped cell's lines in turn)."""
    shown = re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", pdf)
    lines = [re.sub(rb"\\(.)", rb"\1", text).decode("latin-1") for text in shown]
    return re.sub(r"\s+", " ", " ".join(lines))


def planned(world: World, concern: SchoolCausingConcern) -> ActionPlan:
    """An action plan with two milestones and brokered support, reviewed once (one green, one amber)."""
    return services.action_plan_record(
        concern=concern,
        key_issues="Reading in key stage 1; leadership capacity.",
        where_in_a_year="Phonics screening at the national average; a stable leadership team.",
        monitoring_arrangements="Half-termly monitoring meetings with the lead officer.",
        agreed_on=dt.date(2025, 11, 5),
        milestones=[
            {"title": "Phonics programme in place", "due_on": "2025-12-19"},
            {"title": "Governance review completed", "due_on": "2026-02-13"},
        ],
        actions=[
            {"by": "school", "description": "Train all KS1 staff in the phonics programme."},
            {"by": "la", "description": "Broker a national leader of governance."},
        ],
        support=[
            {
                "provider": "Hampshire English team",
                "description": "Phonics training",
                "hours": 12,
                "cost": 900,
                "paid_by": "school",
            },
            {"provider": "NLG", "description": "Governance review", "hours": 8, "cost": 600, "paid_by": "la"},
        ],
        by=world.officer,
    )


def reviewed(world: World, plan: ActionPlan) -> None:
    first, second = plan.milestones.order_by("due_on")
    services.plan_review_record(
        plan=plan,
        reviewed_on=dt.date(2025, 12, 17),
        progress={first.pk: ("green", "In place."), second.pk: ("amber", "Reviewer booked.")},
        summary="Good start on phonics.",
        next_steps="Complete the governance review.",
        by=world.officer,
    )


def categorised(world: World) -> None:
    """A categorisation round after the designation meeting in which Anstey Junior School has a trigger."""
    round_ = CategorisationRound.objects.create(
        local_authority=world.hampshire,
        policy_name="hampshire-2025",
        policy_version=1,
        policy_title="Hampshire categorisation",
        as_of=dt.date(2025, 12, 1),
        opened_by_name="test",
    )
    for school, category, triggers, risk in (
        (world.school, "C", [{"name": "judged_ri", "label": "Judged requires improvement"}], 0.61),
        (world.other_school, "B", [{"name": "falling_ks2", "label": "KS2 outcomes fell two years running"}], 0.42),
    ):
        proposal = CategoryProposal.objects.create(
            round=round_,
            establishment=school,
            category=category,
            category_label=f"Category {category}",
            causing_concern=category == "C",
            triggers=triggers,
            risk=risk,
        )
        CategoryDecision.objects.create(
            proposal=proposal,
            action=CategoryDecision.Action.CONFIRM,
            category=category,
            category_label=f"Category {category}",
            causing_concern=category == "C",
            decided_by=world.head_of_service,
        )


def test_the_pack_for_a_prepared_meeting(world: World) -> None:
    concern = designated(world)
    plan = planned(world, concern)
    reviewed(world, plan)
    categorised(world)
    later = meeting(world, dt.date(2026, 1, 14))
    services.agenda_prepare(meeting=later, by=world.head_of_service)
    services.keep(
        meeting=later,
        concern=concern,
        reasons="Phonics improving; governance review still to come.",
        discussed_with_head_on=dt.date(2026, 1, 12),
        by=world.head_of_service,
    )
    services.minutes_record(
        meeting=later,
        attendees="Sam Service (chair), Olu Lead",
        minutes="The group reviewed Alton Infant School's progress and kept it on the register.",
        by=world.head_of_service,
    )
    later.refresh_from_db()
    assert later.agenda["schools"]
    pdf = review_group_pack_pdf(later, compress=False)
    assert pdf.startswith(b"%PDF")
    shown = pdf_text(pdf)
    for text in (
        "Schools review group, 14 January 2026: meeting pack",
        "Previous meeting: 15 October 2025.",
        "Policy: scc-2024 v2.",
        "Alton Infant School",
        "115850",
        "Olu Lead",
        "Judged requires improvement",
        "R 0 / A 1 / G 1",
        "Anstey Junior School",  # new trigger since the last meeting, and in the categories table
        "KS2 outcomes fell two years running",
        "Category B",
        "42.0%",
        "Keep as causing concern",
        "Phonics improving; governance review still to come.",
        "Sam Service (chair), Olu Lead",
    ):
        assert latin1(text) in shown, text
    assert review_group_pack_pdf(later).startswith(b"%PDF")  # compressed, as served


def test_the_pack_for_a_meeting_without_an_agenda_snapshot(world: World) -> None:
    designated(world)
    later = meeting(world, dt.date(2026, 1, 14))
    assert later.agenda == {}
    pdf = review_group_pack_pdf(later, compress=False)
    assert pdf.startswith(b"%PDF")
    shown = pdf_text(pdf)
    assert "Alton Infant School" in shown
    assert "The agenda has not been prepared" in shown
    assert "The minutes have not been recorded yet." in shown
    later.refresh_from_db()
    assert later.agenda == {} and later.agenda_prepared_at is None  # nothing saved


def test_the_pack_for_a_meeting_with_nothing_on_it(world: World) -> None:
    pdf = review_group_pack_pdf(meeting(world, dt.date(2026, 1, 14)), compress=False)
    assert pdf.startswith(b"%PDF")
    assert "1. Schools causing concern (0) None." in pdf_text(pdf)


def test_the_board_summary(world: World) -> None:
    concern = designated(world)
    planned(world, concern)
    reviewed(world, concern.plans.get())
    summary = board_summary(world.hampshire, term_start=dt.date(2025, 9, 1), term_end=dt.date(2025, 12, 19))
    pdf = board_summary_pdf(summary, compress=False)
    assert pdf.startswith(b"%PDF")
    shown = pdf_text(pdf)
    for text in (
        "termly summary for the standards partnership board",
        "1 September 2025 to 19 December 2025",
        "Alton Infant School",
        "LA maintained",
        "Causing concern (informal warning)",
        "R 0 / A 1 / G 1 (17 December 2025)",
        "20.0",
        "£1,500.00",
        "Designated in the term",
    ):
        assert latin1(text) in shown, text
    assert board_summary_pdf(summary).startswith(b"%PDF")


def test_latin1_keeps_the_pound_and_replaces_what_the_core_fonts_lack() -> None:
    assert latin1("\u00a3900 \u2013 \u201cagreed\u201d \u2026 \u2713") == '\u00a3900 - "agreed" ... ?'


def test_long_reasons_do_not_break_the_pack(world: World) -> None:
    concern = designated(world)
    later = meeting(world, dt.date(2026, 1, 14))
    reasons = " ".join(f"Point {n}: the governors discussed the evidence at length." for n in range(200))
    services.keep(
        meeting=later,
        concern=concern,
        reasons=reasons,
        discussed_with_head_on=dt.date(2026, 1, 12),
        by=world.head_of_service,
    )
    shown = pdf_text(review_group_pack_pdf(later, compress=False))
    assert "(in full below)" in shown
    assert "Alton Infant School: the reasons in full" in shown
    assert "Point 199: the governors discussed the evidence at length." in shown

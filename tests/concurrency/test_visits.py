"""Notes of visit, self-evaluations and officers' capacity: two people acting at once never both move a note
on, never correct a final note twice, and never audit a change from a value that was no longer there (the
locks in ``headway.visits.notes``, ``headway.visits.self_evaluation`` and ``headway.visits.planning``)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from headway.accounts.models import AuditEvent
from headway.visits import notes, planning
from headway.visits.calendar import academic_year_ensure
from headway.visits.models import NoteOfVisit
from headway.visits.notes import NoteWorkflowError
from headway.visits.self_evaluation import self_evaluation_submit
from tests.concurrency.race import assert_chained, on_sqlite, one_won, race
from tests.visits.test_notes_workflow import draft, make_world, sent
from tests.visits.test_self_evaluation import all_graded

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_note_sent_twice_at_once_is_sent_once() -> None:
    world = make_world()
    note = draft(world)
    first, second = race(
        lambda: notes.note_send(note=note, by=world.officer), lambda: notes.note_send(note=note, by=world.colleague)
    )
    one_won(first, second, NoteWorkflowError)
    assert AuditEvent.objects.filter(verb="note.sent", target_id=str(note.pk)).count() == 1


def test_a_note_agreed_and_marked_inaccurate_at_once_gets_one_response() -> None:
    world = make_world()
    note = sent(world)
    first, second = race(
        lambda: notes.note_agree(note=note, by=world.head),
        lambda: notes.note_mark_inaccurate(note=note, by=world.chair, comments="The date is wrong."),
    )
    one_won(first, second, NoteWorkflowError)
    assert NoteOfVisit.objects.get(pk=note.pk).status == NoteOfVisit.Status.AGREED


def test_a_final_note_corrected_twice_at_once_has_one_new_version() -> None:
    world = make_world()
    note = notes.note_agree(note=sent(world), by=world.head)
    notes.note_finalise(note=note, by=world.officer)
    first, second = race(
        lambda: notes.note_correct(note=note, by=world.officer, reason="Typo in the actions."),
        lambda: notes.note_correct(note=note, by=world.colleague, reason="Wrong date."),
    )
    one_won(first, second, NoteWorkflowError)
    assert NoteOfVisit.objects.filter(visit=world.visit).count() == 2


def test_two_changes_to_a_self_evaluation_at_once_are_audited_one_after_the_other() -> None:
    world = make_world()
    self_evaluation_submit(visit=world.visit, by=world.head, grades=all_graded("Secure"))
    first, second = race(
        lambda: self_evaluation_submit(visit=world.visit, by=world.head, grades=all_graded("Highly effective"),
                                       barriers="Recruitment."),
        lambda: self_evaluation_submit(visit=world.visit, by=world.chair, grades=all_graded("Highly effective"),
                                       barriers="Staff absence."),
    )  # fmt: skip
    assert first.succeeded, first.error
    changes = list(AuditEvent.objects.filter(verb="self_evaluation.changed").order_by("pk"))
    assert len(changes) == (1 if on_sqlite() and second.locked_out else 2)
    assert_chained(changes, "barriers")
    if len(changes) == 2:
        assert "grades" not in changes[1].after  # the second saw the grades the first had already changed


def test_two_capacities_set_at_once_are_audited_one_after_the_other() -> None:
    world = make_world()
    half_term = academic_year_ensure(world.school.local_authority, 2025).half_terms.get(number=1)
    planning.officer_capacity_set(officer=world.officer, half_term=half_term, available_days=Decimal(10),
                                  by=world.colleague)  # fmt: skip
    first, second = race(
        lambda: planning.officer_capacity_set(officer=world.officer, half_term=half_term,
                                              available_days=Decimal(12), by=world.colleague),
        lambda: planning.officer_capacity_set(officer=world.officer, half_term=half_term,
                                              available_days=Decimal(14), by=world.colleague),
    )  # fmt: skip
    assert first.succeeded, first.error
    changes = list(AuditEvent.objects.filter(verb="officer_capacity.set").order_by("pk"))
    assert len(changes) == (2 if on_sqlite() and second.locked_out else 3)
    assert_chained(changes, "available_days")

"""The school's pre-visit self-evaluation: the form comes from data; only the school completes it; the officer
reads it."""

from __future__ import annotations

import pytest
from django.test import Client

from headway.accounts.audit import history_for
from headway.visits.models import SelfEvaluation, Visit
from headway.visits.note_templates import self_evaluation_form_named
from headway.visits.self_evaluation import SelfEvaluationError, self_evaluation_submit, self_grades_for
from tests.visits.test_notes_workflow import World, make_world


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def all_graded(grade: str = "Secure") -> dict[str, dict[str, str]]:
    return {area.key: {"grade": grade} for area in self_evaluation_form_named().areas}


def test_default_form_has_the_report_card_areas_safeguarding_and_barriers() -> None:
    form = self_evaluation_form_named()
    assert [a.label for a in form.areas] == [
        "Inclusion",
        "Curriculum and teaching",
        "Achievement",
        "Attendance and behaviour",
        "Personal development and well-being",
        "Leadership and governance",
        "Early years",
        "Sixth form",
        "Safeguarding",
    ]
    assert form.barriers
    assert form.grades == ("Emerging", "Secure", "Highly effective")


def test_the_school_submits_and_changes_it_audited(world: World) -> None:
    self_evaluation_submit(visit=world.visit, by=world.head, grades=all_graded(), barriers="Recruitment.")
    grades = all_graded()
    grades["sixth_form"] = {"grade": "Not applicable"}
    evaluation = self_evaluation_submit(visit=world.visit, by=world.chair, grades=grades)
    assert self_grades_for(world.visit)["sixth_form"] == "Not applicable"
    assert [e.verb for e in history_for(evaluation).order_by("id")] == [
        "self_evaluation.submitted",
        "self_evaluation.changed",
    ]


def test_only_the_schools_users_before_the_visit(world: World) -> None:
    for person in (world.officer, world.other_head, world.board):
        with pytest.raises(SelfEvaluationError, match="Only the school's own users"):
            self_evaluation_submit(visit=world.visit, by=person, grades=all_graded())
    grades = all_graded()
    grades["inclusion"] = {"grade": "Not applicable"}  # inclusion is not optional
    with pytest.raises(SelfEvaluationError, match="Inclusion: choose a grade"):
        self_evaluation_submit(visit=world.visit, by=world.head, grades=grades)
    Visit.objects.filter(pk=world.visit.pk).update(status=Visit.Status.DONE)
    world.visit.refresh_from_db()
    with pytest.raises(SelfEvaluationError):
        self_evaluation_submit(visit=world.visit, by=world.head, grades=all_graded())
    assert not SelfEvaluation.objects.exists()


def test_pages(world: World) -> None:
    head = Client()
    head.force_login(world.head)
    url = f"/notes/visits/{world.visit.pk}/self-evaluation/"
    page = head.get(url).content.decode()
    assert "Pre-visit self-evaluation" in page and "What barriers does the school face?" in page
    bad = head.post(url, {"grade_inclusion": "Secure"}).content.decode()
    assert "Choose a grade for safeguarding." in bad
    data = {f"grade_{key}": "Secure" for key in all_graded()}
    data["barriers"] = "A falling roll."
    assert head.post(url, data).status_code == 302
    officer = Client()
    officer.force_login(world.officer)
    page = officer.get(url).content.decode()
    assert "A falling roll." in page and "Safeguarding" in page
    assert officer.post(url, data).status_code == 403
    other = Client()
    other.force_login(world.other_head)
    assert other.get(url).status_code == 404

"""The scheduled notices: action plan reviews due (``headway notices send-due``) and the officers' weekly digest
(``headway notices weekly-digest``), each safe to run again: never the same notice twice."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from headway.accounts.models import NoticeKind, NoticeSent
from headway.accounts.notices import email_choices_save
from headway.concerns import services
from headway.concerns.models import ActionPlan, SchoolCausingConcern
from headway.visits import notes
from headway.visits.models import Notice, Visit
from tests.concerns.world import World as ConcernWorld
from tests.concerns.world import designated
from tests.concerns.world import make_world as make_concern_world
from tests.notices.conftest import Collector
from tests.visits.test_notes_workflow import draft
from tests.visits.test_notes_workflow import make_world as make_notes_world

AGREED = dt.date(2025, 11, 5)
DUE = dt.date(2026, 2, 18)  # 105 days after the plan was agreed, as both shipped policies say


def send_due(capture: Any, as_of: dt.date, *extra: str) -> dict[str, Any]:
    out = StringIO()
    with capture(execute=True):
        call_command("notices", "send-due", "--as-of", as_of.isoformat(), "--json", *extra, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue().strip().splitlines()[-1])
    return result


def plan(world: ConcernWorld, concern: SchoolCausingConcern) -> ActionPlan:
    return services.action_plan_record(
        concern=concern,
        key_issues="Early reading below expectations.",
        where_in_a_year="Phonics screening in line with national.",
        monitoring_arrangements="Half-termly visits by the lead officer; termly reviews.",
        agreed_on=AGREED,
        milestones=[{"title": "Phonics programme in every class", "due_on": dt.date(2026, 1, 30)}],
        actions=[{"by": "school", "description": "Train every teacher in phonics", "owner": "Headteacher"}],
        by=world.officer,
    )


@pytest.fixture
def concern_world(db: None) -> tuple[ConcernWorld, ActionPlan]:
    world = make_concern_world()
    for user, address in ((world.officer, "olu.lead@hants.example"), (world.head, "head@alton.test")):
        user.email = address
        user.save()
    world.chair.email = "chair@alton.test"
    world.chair.save()
    world.other_head.email = "head@anstey.test"
    world.other_head.save()
    return world, plan(world, designated(world))


def test_a_review_due_is_sent_once_to_the_lead_officer_and_the_school(
    concern_world: tuple[ConcernWorld, ActionPlan], mailbox: Collector, django_capture_on_commit_callbacks: Any
) -> None:
    world, _ = concern_world
    assert send_due(django_capture_on_commit_callbacks, DUE - dt.timedelta(days=15))["sent"] == []  # not yet
    assert mailbox.all() == []

    result = send_due(django_capture_on_commit_callbacks, DUE - dt.timedelta(days=13))
    assert sorted(row["user"] for row in result["sent"]) == ["chair.alton", "head.alton", "officer.alton"]
    assert {row["due_on"] for row in result["sent"]} == {"2026-02-18"}
    [lead] = mailbox.to("olu.lead@hants.example")
    assert lead.subject == "Action plan review for Alton Infant School due by 18 February 2026"
    assert lead.body.startswith("Dear Olu Lead,")
    assert "The review of Alton Infant School's action plan is due by 18 February 2026." in lead.body
    assert "https://headway.hants.example/concerns/schools/115850/plan/review/" in lead.body
    [head] = mailbox.to("head@alton.test")
    assert "your lead officer, Olu Lead," in head.body
    assert "https://headway.hants.example/concerns/schools/115850/plan/" in head.body
    assert mailbox.to("head@anstey.test") == []  # another school's head hears nothing
    count = len(mailbox.all())

    # Again the same day, the next day and once it is overdue: nothing more.
    for day in (DUE - dt.timedelta(days=13), DUE - dt.timedelta(days=12), DUE + dt.timedelta(days=10)):
        assert send_due(django_capture_on_commit_callbacks, day)["sent"] == []
    assert len(mailbox.all()) == count
    assert Notice.objects.filter(recipient=world.officer, text__contains="action plan").count() == 1


def test_a_recorded_review_brings_the_next_due_date_and_one_new_notice(
    concern_world: tuple[ConcernWorld, ActionPlan], mailbox: Collector, django_capture_on_commit_callbacks: Any
) -> None:
    world, action_plan = concern_world
    send_due(django_capture_on_commit_callbacks, DUE + dt.timedelta(days=3))
    [overdue] = mailbox.to("olu.lead@hants.example")
    assert overdue.subject == "Action plan review for Alton Infant School overdue"
    assert "was due by 18 February 2026 and has not been recorded" in overdue.body

    milestone = action_plan.milestones.get()
    services.plan_review_record(
        plan=action_plan,
        reviewed_on=dt.date(2026, 2, 25),
        progress={milestone.pk: ("amber", "Most classes.")},
        summary="Phonics in most classes.",
        next_steps="Finish the training.",
        by=world.officer,
    )
    next_due = dt.date(2026, 2, 25) + dt.timedelta(days=105)  # 10 June 2026
    assert send_due(django_capture_on_commit_callbacks, dt.date(2026, 3, 1))["sent"] == []
    result = send_due(django_capture_on_commit_callbacks, next_due - dt.timedelta(days=7), "--within", "7")
    assert {row["due_on"] for row in result["sent"]} == {"2026-06-10"}
    assert [m.subject for m in mailbox.to("olu.lead@hants.example")][-1].endswith("due by 10 June 2026")
    assert send_due(django_capture_on_commit_callbacks, next_due)["sent"] == []


def test_turned_off_review_emails_still_leave_the_notice(
    concern_world: tuple[ConcernWorld, ActionPlan], mailbox: Collector, django_capture_on_commit_callbacks: Any
) -> None:
    world, _ = concern_world
    email_choices_save(user=world.officer, email_kinds=[NoticeKind.WEEKLY_DIGEST], by=world.officer)
    send_due(django_capture_on_commit_callbacks, DUE)
    assert mailbox.to("olu.lead@hants.example") == []
    assert Notice.objects.filter(recipient=world.officer, text__contains="action plan is due").count() == 1


def test_a_removed_school_gets_no_review_notice(
    concern_world: tuple[ConcernWorld, ActionPlan], django_capture_on_commit_callbacks: Any
) -> None:
    _, action_plan = concern_world
    SchoolCausingConcern.objects.filter(pk=action_plan.concern_id).update(
        status="removed", removed_on=dt.date(2026, 1, 10), removal_reason="Judged good."
    )
    assert send_due(django_capture_on_commit_callbacks, DUE)["sent"] == []


def test_the_due_check_as_a_background_task(
    concern_world: tuple[ConcernWorld, ActionPlan], mailbox: Collector, django_capture_on_commit_callbacks: Any
) -> None:
    from headway.accounts.tasks import send_due_notices

    with django_capture_on_commit_callbacks(execute=True):
        send_due_notices.enqueue(as_of=DUE.isoformat())
        send_due_notices.enqueue(as_of=DUE.isoformat())
    assert len(mailbox.to("olu.lead@hants.example")) == 1


# The weekly digest -------------------------------------------------------------------------------------------


def digest(capture: Any, as_of: str, *extra: str) -> dict[str, Any]:
    out = StringIO()
    with capture(execute=True):
        call_command("notices", "weekly-digest", "--as-of", as_of, "--json", *extra, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue().strip().splitlines()[-1])
    return result


def test_the_digest_goes_once_a_week(db: None, mailbox: Collector, django_capture_on_commit_callbacks: Any) -> None:
    world = make_notes_world(planned_on=dt.date(2025, 9, 20))
    world.officer.first_name, world.officer.last_name = "Olivia", "Reid"
    world.officer.save()
    note = notes.note_send(note=draft(world), by=world.officer)  # writing it marked the visit done
    later = Visit.objects.create(
        establishment=world.school,
        officer=world.officer,
        academic_year=world.visit.academic_year,
        planned_on=dt.date(2025, 9, 24),
        purpose="Follow-up visit",
    )  # still planned, and past by October: overdue

    first = digest(django_capture_on_commit_callbacks, "2025-10-01")  # a Wednesday
    assert first["digests"] == [{"officer": "officer.alton", "awaiting": [note.pk], "overdue": [later.pk]}]
    [message] = mailbox.to("o@la.test")
    assert message.subject == "Headway weekly digest, 1 October 2025"
    assert message.body.startswith("Dear Olivia Reid,")
    assert "- Alton Infant School: visit on 20 September 2025, sent " in message.body
    assert "Follow-up visit, planned for 24 September 2025" in message.body
    assert "School effectiveness visit, planned for" not in message.body  # done: its note is written

    # The same ISO week: nothing more, whichever command runs it, and the dry run says so.
    assert digest(django_capture_on_commit_callbacks, "2025-10-05")["digests"] == []  # Sunday, same week
    assert digest(django_capture_on_commit_callbacks, "2025-10-03", "--dry-run")["digests"] == []
    with django_capture_on_commit_callbacks(execute=True):
        call_command("notes_digest", "--as-of", "2025-10-02", stdout=StringIO())
    assert len(mailbox.to("o@la.test")) == 1
    assert Notice.objects.filter(recipient=world.officer, text__startswith="Weekly digest").count() == 1
    assert NoticeSent.objects.filter(recipient=world.officer, key="weekly-digest:2025-W40").count() == 1

    # The next week, it goes again.
    assert len(digest(django_capture_on_commit_callbacks, "2025-10-06")["digests"]) == 1
    assert len(mailbox.to("o@la.test")) == 2


def test_the_digest_as_a_background_task(db: None, mailbox: Collector, django_capture_on_commit_callbacks: Any) -> None:
    from headway.accounts.tasks import send_weekly_digests

    world = make_notes_world(planned_on=dt.date(2025, 9, 20))
    notes.note_send(note=draft(world), by=world.officer)
    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests.enqueue(as_of="2025-10-01")
        send_weekly_digests.enqueue(as_of="2025-10-02")
    assert len(mailbox.to("o@la.test")) == 1


def test_a_bad_date_is_refused(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="is not a date"):
        call_command("notices", "send-due", "--as-of", "18/02/2026", stdout=StringIO())
    with pytest.raises(CommandError, match="0 or more days"):
        call_command("notices", "send-due", "--within", "-1", stdout=StringIO())

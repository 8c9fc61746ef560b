"""Each of the demo's steps (``headway.demo``) on a small slice of the real data (Hampshire's GIAS sample and
its schools' Ofsted history), loaded as of an injected day: the dates follow that day, a second run does
nothing, and the demo's sign-ins are what they say (the administrator an LA administrator, not a superuser).
The whole load, twice, is tests/demo/test_load_demo.py (slow)."""

from __future__ import annotations

import argparse
import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from headway.accounts.models import AuditEvent, Role, User
from headway.concerns import rules
from headway.concerns.models import ActionPlan, PlanReview, ReviewGroupMeeting, SchoolCausingConcern
from headway.concerns.policy import concern_policy_in_force
from headway.demo import concerns, configuration, imports, people, risk, schools, support, visits
from headway.demo.management.commands.load_demo import _day
from headway.risk.models import CategorisationRound
from headway.schools.models import Area, Establishment, LinkOfficerAssignment, LocalAuthority
from headway.strategy.models import KpiSet
from headway.visits.models import NoteOfVisit, Visit
from tests.concerns.world import ANSTEY, inspect
from tests.helpers import DEMO_DATA, load_hampshire_sample

AUTUMN = dt.date(2026, 12, 1)  # the autumn term of 2026/27
SUMMER = dt.date(2028, 6, 15)  # the summer term of 2027/28


@pytest.fixture
def hampshire(db: None) -> LocalAuthority:
    """The sample, with one school judged inadequate before the demo's evidence date (so the round flags it)."""
    load_hampshire_sample()
    inspect(Establishment.objects.get(urn=ANSTEY), dt.date(2021, 11, 10), 4, category="SM")
    return LocalAuthority.objects.get(code="850")


def _everything(hampshire: LocalAuthority, today: dt.date) -> list[str]:
    """The Hampshire steps in the loader's order (the imports aside); what each did."""
    done = schools.areas_load(hampshire)
    people.people_load()
    admin = User.objects.get(username="admin")
    officer = User.objects.get(username="officer.hampshire")
    done += schools.caseload_load(officer=officer, today=today)
    done += risk.round_load(hampshire)
    done += concerns.demo_concerns_load(
        local_authority=hampshire, head_of_service=admin, lead_officer=officer, today=today
    )
    done += support.demo_support_load(local_authority=hampshire, by=admin, today=today)
    done += visits.demo_visits_load(local_authority=hampshire, by=admin, today=today)
    return done


# Sign-ins ---------------------------------------------------------------------------------------------------------


def test_the_demo_admin_is_an_la_administrator_and_only_the_superuser_reaches_the_admin_site(hampshire: None) -> None:
    lines = people.people_load()
    admin = User.objects.get(username="admin")
    assert admin.role == Role.LA_ADMIN and admin.local_authority is not None and admin.local_authority.code == "850"
    assert not admin.is_superuser and not admin.is_staff
    superuser = User.objects.get(username="superuser")
    assert superuser.is_superuser and superuser.is_staff and superuser.local_authority is None
    assert superuser.check_password("headway-superuser") and admin.check_password("headway-admin")
    head = User.objects.get(username="head.alton")
    assert [s.urn for s in head.schools.all()] == [115850]
    printed = "\n".join(lines)
    assert "superuser" in printed and "headway-superuser" in printed and "/admin/" in printed
    assert "admin              password headway-admin" in printed and "LA administrator" in printed


def test_an_admin_left_a_superuser_by_an_earlier_demo_is_made_an_la_administrator(hampshire: None) -> None:
    User.objects.create_user("admin", password="something-else", is_superuser=True, is_staff=True, role=Role.LA_OFFICER)
    people.people_load()
    admin = User.objects.get(username="admin")
    assert (admin.role, admin.is_superuser, admin.is_staff) == (Role.LA_ADMIN, False, False)
    assert admin.check_password("headway-admin")


def test_signing_in_again_changes_no_account(hampshire: None) -> None:
    people.people_load()
    before = {u.username: (u.password, u.role, u.is_superuser, u.local_authority_id) for u in User.objects.all()}
    lines = people.people_load()
    after = {u.username: (u.password, u.role, u.is_superuser, u.local_authority_id) for u in User.objects.all()}
    assert before == after and len(lines) == len(people.DEMO_PEOPLE)


def test_the_admin_site_lets_in_the_superuser_and_not_the_demo_admin(hampshire: None, client: object) -> None:
    from django.test import Client

    people.people_load()
    browser = Client()
    browser.force_login(User.objects.get(username="admin"))
    assert browser.get("/admin/").status_code == 302  # sent to the admin site's sign-in: not staff
    browser.force_login(User.objects.get(username="superuser"))
    assert browser.get("/admin/").status_code == 200


# Dates relative to the day the demo is loaded -------------------------------------------------------------------


@pytest.mark.parametrize("today", [AUTUMN, SUMMER], ids=["autumn-2026", "summer-2028"])
def test_the_demo_is_dated_from_the_day_it_is_loaded_and_a_second_run_does_nothing(
    hampshire: LocalAuthority, today: dt.date
) -> None:
    done = _everything(hampshire, today)
    start_year = today.year if today.month >= 9 else today.year - 1
    assert any("plan built" in line for line in done), done

    # The caseload starts with the academic year.
    starts = set(LinkOfficerAssignment.objects.values_list("starts_on", flat=True))
    assert starts == {dt.date(start_year, 9, 1)}

    # The categorisation round keeps the honest date of its evidence (the GIAS extract's).
    assert CategorisationRound.objects.get().as_of == dt.date(2022, 4, 20)

    # The review group met a few months ago; each plan's next review is due in the coming weeks, not overdue.
    concern_list = list(SchoolCausingConcern.objects.all())
    assert concern_list, "the sample has schools the round flags"
    meeting = ReviewGroupMeeting.objects.get()
    assert today - dt.timedelta(days=150) <= meeting.held_on <= today - dt.timedelta(days=90)
    assert meeting.held_on.weekday() < 5
    policy = concern_policy_in_force(today)
    for concern in concern_list:
        due = rules.plan_review_due(concern, policy)
        assert due is not None and today < due <= today + dt.timedelta(days=31), (concern, due)
        assert concern.designated_on == meeting.held_on
    assert all(r.reviewed_on <= today for r in PlanReview.objects.all())

    # This academic year's plan: the visits before today are done, later ones planned; one note awaits the head.
    year_visits = Visit.objects.filter(academic_year__start_year=start_year)
    assert year_visits.exists() and not Visit.objects.exclude(academic_year__start_year=start_year).exists()
    assert not year_visits.filter(planned_on__lt=today, status=Visit.Status.PLANNED).exists()
    assert not year_visits.filter(planned_on__gte=today, status=Visit.Status.DONE).exists()
    assert year_visits.filter(planned_on__lt=today, status=Visit.Status.DONE).exists()
    note = NoteOfVisit.objects.get()
    assert note.visit.establishment.urn == visits.ALTON and note.visit.planned_on < today
    assert note.status == NoteOfVisit.Status.SENT

    # Loading again, on the same day, adds, changes and audits nothing.
    trail = AuditEvent.objects.count()
    counts = (
        Area.objects.count(),
        LinkOfficerAssignment.objects.count(),
        ActionPlan.objects.count(),
        year_visits.count(),
    )
    assert _everything(hampshire, today) == []
    assert AuditEvent.objects.count() == trail
    assert counts == (
        Area.objects.count(),
        LinkOfficerAssignment.objects.count(),
        ActionPlan.objects.count(),
        year_visits.count(),
    )


def test_early_in_september_there_is_no_past_visit_and_so_no_note_yet(hampshire: LocalAuthority) -> None:
    done = _everything(hampshire, dt.date(2026, 9, 1))
    assert any("no note of visit yet" in line for line in done), done
    assert not NoteOfVisit.objects.exists()
    assert not Visit.objects.filter(status=Visit.Status.DONE).exists()


def test_the_concern_dates_follow_the_day_and_the_policy(db: None) -> None:
    for today in (AUTUMN, SUMMER, dt.date(2027, 3, 7), dt.date(2026, 11, 20), dt.date(2026, 12, 28)):
        dates = concerns.ConcernDates.as_of(today)
        every = concern_policy_in_force(today).plan_review_at_least_every_days
        assert dates.meeting_on < dates.plan_agreed_on <= dates.reviewed_on <= today
        assert dates.discussed_with_head_on < dates.meeting_on
        assert dates.meeting_on.month != 8 and dates.meeting_on.weekday() < 5
        assert today - dt.timedelta(days=170) <= dates.meeting_on <= today - dt.timedelta(days=90)
        assert today < dates.reviewed_on + dt.timedelta(days=every) <= today + dt.timedelta(days=31)


# Configuration and the KPI sets --------------------------------------------------------------------------------


def test_hampshire_has_a_kpi_set_and_loading_it_again_changes_nothing(hampshire: None) -> None:
    first = imports.kpi_sets_load()
    assert len(first) == 3
    hampshire_set = KpiSet.objects.get(local_authority__code="850")
    assert hampshire_set.indicators.count() == 11
    again = imports.kpi_sets_load()
    assert all("unchanged; indicators: 0 created, 0 updated" in line for line in again), again


def test_the_demo_configuration_is_copied_once_and_never_over_an_las_own_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEADWAY_CONFIG_DIR", str(tmp_path))
    own = tmp_path / "policies" / "hampshire-2022.yaml"
    own.parent.mkdir()
    own.write_text("# the LA's own\n")
    copied = configuration.configuration_copy(DEMO_DATA / "config")
    assert copied == ["kpi_sets/hampshire-850.yaml"]
    assert own.read_text() == "# the LA's own\n"
    assert configuration.configuration_copy(DEMO_DATA / "config") == []


# The command ----------------------------------------------------------------------------------------------------


def test_the_command_takes_a_day_and_refuses_anything_else() -> None:
    assert _day("2027-02-03") == dt.date(2027, 2, 3)
    with pytest.raises(argparse.ArgumentTypeError):
        _day("3 February 2027")
    with pytest.raises(CommandError):
        call_command("load_demo", "--today", "tomorrow", stdout=StringIO(), stderr=StringIO())

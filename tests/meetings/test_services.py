"""The meetings services: what may be scheduled, what the agenda's snapshot holds (and that it stays as it was),
which actions come back to be followed up, the rules on actions and minutes, the audit trail, and that the agenda
costs the same number of queries whatever the number of schools."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from headway.accounts import audit
from headway.meetings import services
from headway.meetings.agenda import agenda_for
from headway.meetings.models import Meeting, MeetingAction
from headway.meetings.services import MeetingRuleError
from headway.meetings.types import meeting_type_named
from headway.schools import services as school_services
from headway.schools.models import Area, AreaRole, Establishment, LocalAuthority
from tests.meetings.world import Walsall, categorise, inspect, make_walsall, note_of_visit, person

pytestmark = pytest.mark.django_db

PRG = "walsall-progress-review-group"


@pytest.fixture
def world() -> Walsall:
    return make_walsall()


def prg(world: Walsall, on: dt.date, area: Area | None = None) -> Meeting:
    return services.meeting_schedule(
        meeting_type=meeting_type_named(PRG),
        local_authority=world.walsall,
        area=area or world.north,
        held_on=on,
        by=world.senior,
    )


def test_what_may_be_scheduled(world: Walsall) -> None:
    meeting = prg(world, dt.date(2026, 3, 17))
    assert audit.history_for(meeting).get().verb == "meeting scheduled"
    refusals = {
        "another authority's type": dict(meeting_type=meeting_type_named("barnet-network"), area=world.north),
        "an area, not a footprint": dict(meeting_type=meeting_type_named(PRG), area=world.brownhills_area),
        "no footprint": dict(meeting_type=meeting_type_named(PRG), area=None),
        "the same day": dict(meeting_type=meeting_type_named(PRG), area=world.north),
    }
    messages = {}
    for case, kwargs in refusals.items():
        with pytest.raises(MeetingRuleError) as caught:
            services.meeting_schedule(
                local_authority=world.walsall, held_on=dt.date(2026, 3, 17), by=world.senior, **kwargs
            )
        messages[case] = str(caught.value)
    assert messages == {
        "another authority's type": "The Network meeting is not one of Walsall's meetings.",
        "an area, not a footprint": "A Progress Review Group is for a footprint of Walsall.",
        "no footprint": "Choose the footprint the meeting is for.",
        "the same day": "There is already a Progress Review Group for the North footprint on 17 March 2026.",
    }
    prg(world, dt.date(2026, 3, 17), area=world.west)  # another footprint the same day is fine
    barnsley = LocalAuthority.objects.get(code="370")
    qoe = meeting_type_named("barnsley-quality-of-education")
    with pytest.raises(MeetingRuleError, match="is for the whole authority, not for one area"):
        services.meeting_schedule(
            meeting_type=qoe, local_authority=barnsley, area=world.north, held_on=dt.date(2026, 3, 17), by=world.senior
        )


def test_the_agenda_is_a_snapshot_of_the_footprint_s_schools(world: Walsall) -> None:
    inspect(world.school, dt.date(2023, 11, 8), 3)
    categorise(world, [world.school], category="C", label="Requires support", causing_concern=True, risk=0.61)
    note_of_visit(world, world.school, planned_on=dt.date(2025, 11, 4), next_steps="Earlier steps.")
    note_of_visit(world, world.school, planned_on=dt.date(2026, 2, 3), next_steps="Coach Year 2 in writing.")
    note_of_visit(world, world.school, planned_on=dt.date(2026, 3, 1), next_steps="A draft.", send=False)
    meeting = services.agenda_prepare(meeting=prg(world, dt.date(2026, 3, 17)), by=world.senior)
    agenda = meeting.agenda
    north_schools = set(
        Establishment.objects.filter(area__parent=world.north, status__istartswith="open").values_list("urn", flat=True)
    )
    assert {s["urn"] for s in agenda["schools"]} == north_schools and len(north_schools) == 33
    row = next(s for s in agenda["schools"] if s["urn"] == world.school.urn)
    assert row == {
        "urn": world.school.urn,
        "name": "Brownhills School",
        "phase": "Secondary",
        "area": "Brownhills and Pelsall area",
        "category": {
            "code": "C",
            "label": "Requires support",
            "causing_concern": True,
            "decided_on": row["category"]["decided_on"],
        },
        "risk": 0.61,
        "latest_note": {
            "visited_on": "2026-02-03",  # the draft of 1 March is not shown
            "purpose": "Diagnose, support, impact visit",
            "by": "Ben Ward",
            "status": "Sent to the headteacher",
            "next_steps": "Coach Year 2 in writing.",
        },
        "inspection": "Requires improvement (8 November 2023)",
        "window": {
            "from": "2024-11-08",
            "to": "2026-05-08",
            "reason": row["window"]["reason"],
            "in_window": True,
            "overdue": False,
        },
    }
    assert agenda["members"][0] == {
        "as": "Senior Achievement Officer for the footprint",
        "names": ["Asha Khan"],
        "chairs": True,
        "others": False,
    }
    assert agenda["members"][1]["names"] == [
        "Cara Lowe (Aldridge and Streetly area)",
        "Ben Ward (Brownhills and Pelsall area)",
    ]

    categorise(world, [world.school], category="A", label="Universal", risk=0.05)
    meeting.refresh_from_db()
    assert meeting.agenda == agenda  # the snapshot says what was known when it was prepared
    services.agenda_prepare(meeting=meeting, by=world.adviser)
    meeting.refresh_from_db()
    assert next(s for s in meeting.agenda["schools"] if s["urn"] == world.school.urn)["category"]["code"] == "A"
    first, second = audit.history_for(meeting).filter(verb="meeting agenda prepared").order_by("id")
    assert second.before is not None and second.before["agenda"]["schools"] == agenda["schools"]
    assert second.actor == world.adviser and first.after is not None and first.after["schools"] == 33


def test_open_actions_come_back_until_they_are_followed_up(world: Walsall) -> None:
    march = prg(world, dt.date(2026, 3, 17))
    kept = services.action_add(
        meeting=march,
        description="Broker a writing lead",
        owner=world.adviser,
        due_on=dt.date(2026, 5, 1),
        establishment=world.school,
        by=world.senior,
    )
    done = services.action_add(
        meeting=march,
        description="Send the DSINs",
        owner_name="Hana  Begum, headteacher",
        due_on=dt.date(2026, 4, 1),
        by=world.senior,
    )
    west = prg(world, dt.date(2026, 3, 18), area=world.west)
    services.action_add(
        meeting=west, description="West's own", owner=world.senior, due_on=dt.date(2026, 5, 1), by=world.senior
    )
    services.action_close(action=done, status="done", outcome="Sent.", on=dt.date(2026, 3, 30), by=world.adviser)

    may = services.agenda_prepare(meeting=prg(world, dt.date(2026, 5, 12)), by=world.senior)
    assert [(a["description"], a["owner"], a["overdue"]) for a in may.agenda["follow_up"]] == [
        ("Broker a writing lead", "Ben Ward", True)
    ]
    assert may.agenda["previous_meeting"] == "2026-03-17"
    assert done.owner_name == "Hana Begum, headteacher"

    july = services.agenda_prepare(meeting=prg(world, dt.date(2026, 7, 7)), by=world.senior)
    assert [a["id"] for a in july.agenda["follow_up"]] == [kept.pk]  # still open two meetings on
    services.action_close(
        action=kept, status="done", outcome="Started.", on=dt.date(2026, 7, 7), at_meeting=july, by=world.senior
    )
    kept.refresh_from_db()
    assert (kept.status, kept.followed_up_at, kept.closed_on) == ("done", july, dt.date(2026, 7, 7))
    event = audit.history_for(kept).get(verb="meeting action done")
    assert event.before == {"status": "open", "outcome": "", "closed_on": None}
    assert event.after is not None and event.after["followed_up_at"] == july.pk
    september = services.agenda_prepare(meeting=prg(world, dt.date(2026, 9, 22)), by=world.senior)
    assert september.agenda["follow_up"] == []


def test_the_rules_on_actions(world: Walsall) -> None:
    march = prg(world, dt.date(2026, 3, 17))
    west = prg(world, dt.date(2026, 3, 18), area=world.west)
    barnet_officer = world.outsider

    def refused(**kwargs: object) -> list[str]:
        arguments = {"meeting": march, "description": "An action", "due_on": dt.date(2026, 5, 1), "by": world.senior}
        arguments.update(kwargs)
        with pytest.raises(MeetingRuleError) as caught:
            services.action_add(**arguments)  # type: ignore[arg-type]
        return caught.value.problems

    assert refused(description=" ", owner=world.adviser) == ["Say what the action is."]
    assert refused() == ["Say who owns the action."]
    assert refused(owner=world.adviser, owner_name="Hana Begum") == [
        "Choose an officer or name someone else as the owner, not both."
    ]
    assert refused(owner=barnet_officer) == ["Oli Outside is not one of the authority's officers."]
    assert refused(owner=world.adviser, due_on=dt.date(2026, 3, 16)) == [
        "The action cannot be due before the meeting of 17 March 2026 that agrees it."
    ]
    assert refused(owner=world.adviser, establishment=world.west_school) == [
        f"{world.west_school.name} is not one of the schools of the North footprint."
    ]
    action = services.action_add(
        meeting=march, description="An action", owner=world.adviser, due_on=dt.date(2026, 5, 1), by=world.senior
    )

    def close_refused(**kwargs: object) -> list[str]:
        arguments = {"action": action, "status": "done", "outcome": "", "on": dt.date(2026, 4, 1), "by": world.senior}
        arguments.update(kwargs)
        with pytest.raises(MeetingRuleError) as caught:
            services.action_close(**arguments)  # type: ignore[arg-type]
        return caught.value.problems

    assert close_refused(status="dropped") == ["Say why the action is no longer needed."]
    assert close_refused(on=dt.date(2026, 3, 16)) == [
        "The action was agreed on 17 March 2026: it cannot be closed before that."
    ]
    assert close_refused(at_meeting=west) == ["An action is followed up at a meeting of the same group."]
    services.action_close(
        action=action,
        status="dropped",
        outcome="The school found its own lead.",
        on=dt.date(2026, 4, 1),
        by=world.senior,
    )
    assert close_refused() == ["The action was already closed on 1 April 2026."]
    assert MeetingAction.objects.get(pk=action.pk).get_status_display() == "No longer needed"


def test_minutes_need_attendees_and_a_reason_to_correct_them(world: Walsall) -> None:
    meeting = prg(world, dt.date(2026, 3, 17))
    with pytest.raises(MeetingRuleError, match="Minutes need the attendees"):
        services.minutes_record(meeting=meeting, attendees=" ", minutes="Minutes", by=world.senior)
    services.minutes_record(meeting=meeting, attendees="Asha Khan", minutes="First.", by=world.senior)
    with pytest.raises(MeetingRuleError, match="say why you are correcting them"):
        services.minutes_record(meeting=meeting, attendees="Asha Khan", minutes="Second.", by=world.senior)
    services.minutes_record(
        meeting=meeting, attendees="Asha Khan", minutes="Second.", reason="A name was wrong", by=world.senior
    )
    event = audit.history_for(meeting).filter(verb="meeting minutes recorded").order_by("-id").first()
    assert event is not None
    assert (event.before, event.after, event.reason) == (
        {"minutes": "First."},
        {"minutes": "Second."},
        "A name was wrong",
    )


def test_the_agenda_costs_the_same_queries_for_a_footprint_and_a_small_area(world: Walsall) -> None:
    categorise(world, list(Establishment.objects.filter(area__parent=world.north)))
    note_of_visit(world, world.school, planned_on=dt.date(2026, 2, 3), next_steps="Steps.")
    small = Area.objects.create(local_authority=world.walsall, name="Tiny", kind=Area.Kind.FOOTPRINT)
    world.school.area = small
    world.school.save(update_fields=["area"])
    prg_type = meeting_type_named(PRG)
    counts = []
    for area in (world.north, small):
        meeting = prg(world, dt.date(2026, 3, 17), area=area)
        with CaptureQueriesContext(connection) as queries:
            agenda = agenda_for(meeting, prg_type, prepared_on=dt.date(2026, 3, 1))
        counts.append(len(queries))
        assert agenda["schools"]
    assert counts[0] == counts[1], counts


def test_barnsley_s_groups_and_barnet_s_networks_follow_their_configuration(world: Walsall) -> None:
    barnsley = LocalAuthority.objects.get(code="370")
    officer = person("officer.barnsley", "la_officer", "Rae", "Holt", local_authority=barnsley)
    primary = services.agenda_prepare(
        meeting=services.meeting_schedule(
            meeting_type=meeting_type_named("barnsley-primary-headteachers-executive"),
            local_authority=barnsley,
            area=None,
            held_on=dt.date(2026, 3, 17),
            by=officer,
        ),
        by=officer,
    )
    phases = {s["phase"] for s in primary.agenda["schools"]}
    assert phases == {"Primary"}, phases
    assert set(primary.agenda["show"]) == {"inspection", "window"}
    assert "category" not in primary.agenda["schools"][0]  # a headteachers' group does not see categories
    cpd = services.agenda_prepare(
        meeting=services.meeting_schedule(
            meeting_type=meeting_type_named("barnsley-cpd-working-group"),
            local_authority=barnsley,
            area=None,
            held_on=dt.date(2026, 3, 17),
            by=officer,
        ),
        by=officer,
    )
    assert cpd.agenda["schools"] == [] and cpd.agenda["schools_rule"] == "none"

    barnet = LocalAuthority.objects.get(code="302")
    lni = person("lni.barnet", "la_officer", "Lee", "Nash", local_authority=barnet)
    network = school_services.area_create(local_authority=barnet, name="Network 3", kind=Area.Kind.NETWORK, by=lni)
    for school in Establishment.objects.filter(local_authority=barnet, status__istartswith="open").order_by("urn")[:12]:
        school_services.area_assign(establishment=school, area=network, by=lni, reason="Test network")
    school_services.area_officer_add(
        area=network, officer=lni, role=AreaRole.ADVISER, starts_on=dt.date(2025, 9, 1), by=lni
    )
    meeting = services.agenda_prepare(
        meeting=services.meeting_schedule(
            meeting_type=meeting_type_named("barnet-network"),
            local_authority=barnet,
            area=network,
            held_on=dt.date(2026, 3, 17),
            by=lni,
        ),
        by=lni,
    )
    assert str(meeting) == "Network meeting, Network 3 network, 17 March 2026"
    assert meeting.agenda["members"][0] == {
        "as": "Learning Network Inspector",
        "names": ["Lee Nash"],
        "chairs": True,
        "others": False,
    }
    assert meeting.agenda["schools"] and {s["phase"] for s in meeting.agenda["schools"]} == {"Primary"}

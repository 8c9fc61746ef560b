"""A meeting's agenda, built from data as its type says: who is expected, the actions of earlier meetings of the
same type and area still open, and the schools of the area (or the authority) with what the type shows for each:
the latest confirmed category (``headway.risk``) and its predicted risk, the latest note of visit
(``headway.visits``), the latest inspection and when the next is expected (``headway.inspections.standing``).

The result is plain JSON, stored as the meeting's snapshot when the agenda is prepared, so that it says what was
known then. It is built in a fixed number of queries whatever the number of schools.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from headway.meetings.models import Meeting, MeetingAction
from headway.meetings.types import MeetingType
from headway.schools.areas import area_and_inside, areas_of, current_officers, full_name, within
from headway.schools.models import Area, Establishment

#: How much of a note of visit's next steps the agenda carries.
NEXT_STEPS_CHARACTERS = 400


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The latest earlier meeting of the same type for the same area (or the whole authority)."""
    return same_series(meeting).filter(held_on__lt=meeting.held_on).order_by("-held_on", "-id").first()


def same_series(meeting: Meeting) -> QuerySet[Meeting]:
    """The meetings of the same type, authority and area (``area`` empty for the whole authority)."""
    return Meeting.objects.filter(
        of_area(meeting.area_id), local_authority_id=meeting.local_authority_id, type_name=meeting.type_name
    )


def of_area(area_id: int | None, *, through: str = "") -> Q:
    """Rows for this area, or for no area (a meeting of the whole authority)."""
    if area_id is None:
        return Q(**{f"{through}area__isnull": True})
    return Q(**{f"{through}area_id": area_id})


def actions_to_follow_up(meeting: Meeting) -> QuerySet[MeetingAction]:
    """The actions still open that earlier meetings of the same type and area agreed, the oldest due first."""
    return (
        MeetingAction.objects.filter(
            meeting__in=same_series(meeting).filter(held_on__lt=meeting.held_on), status=MeetingAction.Status.OPEN
        )
        .select_related("meeting", "establishment", "owner")
        .order_by("due_on", "id")
    )


def members(
    meeting_type: MeetingType, area: Area | None, *, local_authority_id: int, on: dt.date
) -> list[dict[str, Any]]:
    """Who is expected, by name where officers hold the roles the type names (one query for the officers)."""
    every = areas_of(local_authority_id)
    if area is None:
        scopes = {"area": {a.pk for a in every}}
    else:
        inside = within([area.pk], every) - {area.pk}
        scopes = {"area": {area.pk}, "areas_inside": inside, "area_and_inside": inside | {area.pk}}
    wanted = set().union(*scopes.values())
    officers = current_officers(wanted, on=on)
    result: list[dict[str, Any]] = []
    for member in meeting_type.membership:
        if not member.is_role:
            result.append({"as": member.label, "names": [], "chairs": member.chairs, "others": True})
            continue
        ids = scopes.get(member.scope, scopes["area"])
        names = []
        for assignment in officers:
            if assignment.role == member.role and assignment.area_id in ids:
                name = full_name(assignment.officer)
                if area is None or assignment.area_id != area.pk:
                    name = f"{name} ({assignment.area.title})"
                if name not in names:
                    names.append(name)
        result.append({"as": member.label, "names": names, "chairs": member.chairs, "others": False})
    return result


def schools_for(meeting_type: MeetingType, meeting: Meeting) -> list[Establishment]:
    """The open schools the agenda lists, before the window rule: the area's (with its areas') or the
    authority's, of the phases the type names."""
    from headway.inspections.share import in_phase

    if meeting_type.agenda.schools == "none":
        return []
    schools = Establishment.objects.filter(local_authority_id=meeting.local_authority_id, status__istartswith="open")
    if meeting.area is not None:
        schools = schools.filter(area_id__in=sorted(area_and_inside(meeting.area)))
    found = list(schools.select_related("area").order_by("name", "urn"))
    phases = meeting_type.agenda.phases
    return [s for s in found if not phases or any(in_phase(s, phase) for phase in phases)]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _latest_decisions(ids: list[int]) -> dict[int, Any]:
    from headway.risk.models import CategoryDecision

    latest: dict[int, Any] = {}
    for decision in (
        CategoryDecision.objects.filter(proposal__establishment_id__in=ids)
        .select_related("proposal")
        .order_by("proposal__establishment_id", "-decided_at", "-id")
    ):
        latest.setdefault(decision.proposal.establishment_id, decision)
    return latest


def _latest_notes(ids: list[int]) -> dict[int, Any]:
    """Each school's latest note of visit that is no longer a draft (one query)."""
    from headway.visits.models import NoteOfVisit

    latest: dict[int, Any] = {}
    for note in (
        NoteOfVisit.objects.filter(visit__establishment_id__in=ids)
        .exclude(status=NoteOfVisit.Status.DRAFT)
        .select_related("visit__officer", "author")
        .order_by("visit__establishment_id", "-visit__planned_on", "-version", "-id")
    ):
        latest.setdefault(note.visit.establishment_id, note)
    return latest


def _school(
    school: Establishment, meeting: Meeting, shows: tuple[str, ...], decision: Any, note: Any, standing: Any
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "urn": school.urn,
        "name": school.name,
        "phase": school.phase,
        "area": school.area.title if school.area is not None and school.area_id != meeting.area_id else "",
    }
    if "category" in shows:
        row["category"] = (
            None
            if decision is None
            else {
                "code": decision.category,
                "label": decision.category_label,
                "causing_concern": decision.causing_concern,
                "decided_on": _iso(decision.decided_at.date()),
            }
        )
    if "risk" in shows:
        risk = decision.proposal.risk if decision is not None else None
        row["risk"] = risk if isinstance(risk, float) else None
    if "latest_note" in shows:
        row["latest_note"] = (
            None
            if note is None
            else {
                "visited_on": _iso(note.visit.planned_on),
                "purpose": note.visit.purpose,
                "by": full_name(note.visit.officer or note.author),
                "status": note.get_status_display(),
                "next_steps": note.next_steps[:NEXT_STEPS_CHARACTERS],
            }
        )
    if "inspection" in shows:
        row["inspection"] = standing.summary
    if "window" in shows:
        window = standing.window
        row["window"] = {
            "from": _iso(window.opens) if window else None,
            "to": _iso(window.closes) if window else None,
            "reason": window.reason if window else "",
            "in_window": standing.in_window,
            "overdue": standing.overdue,
        }
    return row


def agenda_for(meeting: Meeting, meeting_type: MeetingType, *, prepared_on: dt.date) -> dict[str, Any]:
    """The agenda's snapshot. Standings are as on the day of the meeting; officers as on the day it is prepared."""
    from headway.inspections.standing import standings

    rule = meeting_type.agenda
    previous = previous_meeting(meeting)
    follow_up = [
        {
            "id": action.pk,
            "description": action.description,
            "owner": action.owner_name,
            "due_on": _iso(action.due_on),
            "agreed_on": _iso(action.meeting.held_on),
            "school": action.establishment.name if action.establishment else "",
            "overdue": action.due_on < meeting.held_on,
        }
        for action in (actions_to_follow_up(meeting) if rule.follow_up_actions else [])
    ]
    schools = schools_for(meeting_type, meeting)
    ids = [s.pk for s in schools]
    found = standings(schools, as_of=meeting.held_on) if schools else {}
    if rule.schools == "in_window":
        schools = [s for s in schools if found[s.pk].in_window]
        ids = [s.pk for s in schools]
    decisions = _latest_decisions(ids) if {"category", "risk"} & set(rule.show) else {}
    notes = _latest_notes(ids) if "latest_note" in rule.show else {}
    rows = [
        _school(school, meeting, rule.show, decisions.get(school.pk), notes.get(school.pk), found[school.pk])
        for school in schools
    ]
    rows.sort(key=lambda r: (str(r["area"]), str(r["name"]).lower()))
    return {
        "type": meeting_type.name,
        "type_version": meeting_type.version,
        "title": meeting_type.title,
        "area": meeting.area.title if meeting.area is not None else "",
        "held_on": _iso(meeting.held_on),
        "prepared_on": _iso(prepared_on),
        "previous_meeting": _iso(previous.held_on) if previous else None,
        "members": members(meeting_type, meeting.area, local_authority_id=meeting.local_authority_id, on=prepared_on),
        "follow_up": follow_up,
        "schools_rule": rule.schools,
        "show": list(rule.show),
        "schools": rows,
        "in_window": sum(1 for r in rows if (r.get("window") or {}).get("in_window")),
    }


def expected_attendees(agenda: dict[str, Any] | None) -> str:
    """The attendees to start the minutes from: the agenda's officers, one a line, with the role they attend in."""
    lines = []
    for member in (agenda or {}).get("members", []):
        for name in member.get("names", []):
            lines.append(f"{name}, {member.get('as', '')}")
    return "\n".join(lines)

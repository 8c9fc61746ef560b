"""Everything that changes a meeting: scheduling it, preparing its agenda, recording its minutes, agreeing actions
and following them up. Each function checks the rules, writes in one transaction, records who, when, what changed
and why through the audit service, and refuses with a message in the users' words (``MeetingRuleError``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from headway.accounts import audit
from headway.accounts.models import Role, User
from headway.meetings.agenda import agenda_for
from headway.meetings.models import Meeting, MeetingAction
from headway.meetings.types import MeetingType, meeting_type_named
from headway.refusals import RuleRefused
from headway.schools.areas import area_and_inside, full_name
from headway.schools.models import Area, Establishment, LocalAuthority

LA_STAFF = {Role.LA_ADMIN, Role.LA_OFFICER}


class MeetingRuleError(RuleRefused):
    """The change asked for breaks a rule; the message says which, in the users' words."""


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def meeting_schedule(
    *, meeting_type: MeetingType, local_authority: LocalAuthority, area: Area | None, held_on: dt.date, by: User
) -> Meeting:
    """A meeting of the type on the day, for one of the authority's areas of the type's kind (or, for a type of
    the whole authority, for no area)."""
    if meeting_type.local_authority != local_authority.code:
        raise MeetingRuleError(f"The {meeting_type.title} is not one of {local_authority.name}'s meetings.")
    if meeting_type.per_area:
        kind = str(Area.Kind(meeting_type.area_kind).label).lower()
        if area is None:
            raise MeetingRuleError(f"Choose the {kind} the meeting is for.")
        if area.local_authority_id != local_authority.pk or area.kind != meeting_type.area_kind:
            raise MeetingRuleError(f"A {meeting_type.title} is for a {kind} of {local_authority.name}.")
    elif area is not None:
        raise MeetingRuleError(f"The {meeting_type.title} is for the whole authority, not for one area.")
    clash = Meeting.objects.filter(
        local_authority=local_authority, type_name=meeting_type.name, area=area, held_on=held_on
    ).exists()
    if clash:
        where = f" for the {area.title}" if area is not None else ""
        raise MeetingRuleError(f"There is already a {meeting_type.title}{where} on {_long(held_on)}.")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            local_authority=local_authority,
            type_name=meeting_type.name,
            type_title=meeting_type.title,
            area=area,
            held_on=held_on,
            created_by=by,
        )
        audit.record(
            actor=by,
            verb="meeting scheduled",
            target=meeting,
            after={"type": meeting_type.name, "area": area.pk if area else None, "held_on": held_on},
        )
    return meeting


def type_of(meeting: Meeting) -> MeetingType:
    """The meeting's type, as configured now."""
    try:
        return meeting_type_named(meeting.type_name)
    except ValueError as exc:
        raise MeetingRuleError(f"The meeting type {meeting.type_name!r} is no longer configured.") from exc


def agenda_prepare(*, meeting: Meeting, by: User, meeting_type: MeetingType | None = None) -> Meeting:
    """Takes the agenda's snapshot (``headway.meetings.agenda``). Preparing it again replaces the snapshot; the
    audit trail keeps what the earlier one held."""
    chosen = meeting_type or type_of(meeting)
    agenda = agenda_for(meeting, chosen, prepared_on=timezone.localdate())
    with transaction.atomic():
        before = {"agenda_prepared_at": meeting.agenda_prepared_at, "agenda": meeting.agenda or None}
        meeting.agenda = agenda
        meeting.agenda_prepared_at = timezone.now()
        meeting.save(update_fields=["agenda", "agenda_prepared_at"])
        audit.record(
            actor=by,
            verb="meeting agenda prepared",
            target=meeting,
            before=before,
            after={
                "agenda_prepared_at": meeting.agenda_prepared_at,
                "schools": len(agenda["schools"]),
                "follow_up": [item["id"] for item in agenda["follow_up"]],
            },
        )
    return meeting


def minutes_record(*, meeting: Meeting, attendees: str, minutes: str, by: User, reason: str = "") -> Meeting:
    """The minutes and who attended. Correcting recorded minutes needs a reason."""
    if not attendees.strip() or not minutes.strip():
        raise MeetingRuleError("Minutes need the attendees and the minutes themselves.")
    if meeting.minutes and not reason.strip():
        raise MeetingRuleError("The minutes are already recorded: say why you are correcting them.")
    with transaction.atomic():
        before = {"attendees": meeting.attendees, "minutes": meeting.minutes}
        meeting.attendees = attendees.strip()
        meeting.minutes = minutes.strip()
        meeting.minutes_recorded_at = timezone.now()
        meeting.save(update_fields=["attendees", "minutes", "minutes_recorded_at"])
        old, new = audit.changes(before, {"attendees": meeting.attendees, "minutes": meeting.minutes})
        audit.record(actor=by, verb="meeting minutes recorded", target=meeting, before=old, after=new, reason=reason)
    return meeting


def schools_of_meeting(meeting: Meeting) -> list[Establishment]:
    """The schools an action of the meeting may be about: the area's (with its areas') or the authority's."""
    schools = Establishment.objects.filter(local_authority_id=meeting.local_authority_id, status__istartswith="open")
    if meeting.area is not None:
        schools = schools.filter(area_id__in=sorted(area_and_inside(meeting.area)))
    return list(schools.order_by("name", "urn"))


def action_add(
    *,
    meeting: Meeting,
    description: str,
    due_on: dt.date,
    by: User,
    owner: User | None = None,
    owner_name: str = "",
    establishment: Establishment | None = None,
) -> MeetingAction:
    """An action agreed at the meeting, owned by one of the authority's staff (``owner``) or by someone else,
    named (``owner_name``: a headteacher, a chair of governors)."""
    problems = []
    if not description.strip():
        problems.append("Say what the action is.")
    if owner is None and not owner_name.strip():
        problems.append("Say who owns the action.")
    if owner is not None and owner_name.strip():
        problems.append("Choose an officer or name someone else as the owner, not both.")
    if owner is not None and (owner.role not in LA_STAFF or owner.local_authority_id != meeting.local_authority_id):
        problems.append(f"{full_name(owner)} is not one of the authority's officers.")
    if due_on < meeting.held_on:
        problems.append(f"The action cannot be due before the meeting of {_long(meeting.held_on)} that agrees it.")
    if establishment is not None and establishment.pk not in {s.pk for s in schools_of_meeting(meeting)}:
        where = f"the {meeting.area.title}" if meeting.area is not None else meeting.local_authority.name
        problems.append(f"{establishment.name} is not one of the schools of {where}.")
    if problems:
        raise MeetingRuleError(*problems)
    name = full_name(owner) if owner is not None else " ".join(owner_name.split())
    with transaction.atomic():
        action = MeetingAction.objects.create(
            meeting=meeting,
            establishment=establishment,
            description=description.strip(),
            owner=owner,
            owner_name=name,
            due_on=due_on,
            created_by=by,
        )
        audit.record(
            actor=by,
            verb="meeting action agreed",
            target=action,
            after={
                "meeting": meeting.pk,
                "description": action.description,
                "owner": name,
                "due_on": due_on,
                "school": establishment.urn if establishment else None,
            },
        )
    return action


def action_close(
    *,
    action: MeetingAction,
    status: str,
    outcome: str,
    on: dt.date,
    by: User,
    at_meeting: Meeting | None = None,
) -> MeetingAction:
    """Follows an action up: done, or no longer needed (which needs a reason), on the day, at a later meeting of
    the same type and area or between meetings. An action is closed once; the audit trail keeps who and when."""
    problems = []
    if not action.is_open:
        problems.append(f"The action was already closed on {_long(action.closed_on or on)}.")
    if status not in (MeetingAction.Status.DONE, MeetingAction.Status.DROPPED):
        problems.append("Say whether the action is done or no longer needed.")
    if status == MeetingAction.Status.DROPPED and not outcome.strip():
        problems.append("Say why the action is no longer needed.")
    if on < action.meeting.held_on:
        problems.append(f"The action was agreed on {_long(action.meeting.held_on)}: it cannot be closed before that.")
    if at_meeting is not None:
        source = action.meeting
        if (at_meeting.type_name, at_meeting.area_id, at_meeting.local_authority_id) != (
            source.type_name,
            source.area_id,
            source.local_authority_id,
        ):
            problems.append("An action is followed up at a meeting of the same group.")
        elif at_meeting.held_on < source.held_on:
            problems.append("An action is followed up at the meeting that agreed it or a later one.")
    if problems:
        raise MeetingRuleError(*problems)
    with transaction.atomic():
        before = {"status": action.status, "outcome": action.outcome, "closed_on": None}
        action.status = status
        action.outcome = outcome.strip()
        action.closed_on = on
        action.closed_by = by
        action.followed_up_at = at_meeting
        action.save(update_fields=["status", "outcome", "closed_on", "closed_by", "followed_up_at"])
        audit.record(
            actor=by,
            verb=f"meeting action {status}",
            target=action,
            before=before,
            after={
                "status": status,
                "outcome": action.outcome,
                "closed_on": on,
                "followed_up_at": at_meeting.pk if at_meeting else None,
            },
            reason=outcome.strip(),
        )
    return action
